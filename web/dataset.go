package web

import (
	"cmp"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/notebook"
)

// The Dataset Builder: the selection (cohorts, concept sets, domains and
// their columns) travels in the form; Preview shows the first rows of
// each domain of the selection not saved, Save saves it. A saved
// dataset's page shows its rows, the code that reads it, its downloads
// and the form of a starter notebook.

// previewRows is the rows of each domain a preview shows.
const previewRows = 10

func (s *Site) datasetRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces/{ws}/datasets/new", s.signedIn(s.newDataset))
	m.HandleFunc("POST /workspaces/{ws}/datasets/build", s.signedIn(s.buildDataset))
	m.HandleFunc("GET /workspaces/{ws}/datasets/{id}", s.signedIn(s.dataset))
	m.HandleFunc("GET /workspaces/{ws}/datasets/{id}/edit", s.signedIn(s.editDataset))
	m.HandleFunc("GET /workspaces/{ws}/datasets/{id}/export", s.signedIn(s.exportDataset))
	m.HandleFunc("GET /workspaces/{ws}/datasets/{id}/delete", s.signedIn(s.confirmDeleteDataset))
	m.HandleFunc("POST /workspaces/{ws}/datasets/{id}/delete", s.signedIn(s.deleteDataset))
}

// datasetBuilder is the builder's page.
type datasetBuilder struct {
	Token     string
	Workspace workbench.Workspace
	// Dataset is the selection; its ID is the dataset changed, empty for
	// a new one.
	Dataset      workbench.Dataset
	Cohorts      []choice
	CirceCohorts []choice
	ConceptSets  []choice
	Domains      []domainChoice
	// Preview is the first rows of each domain, after Preview.
	Preview []previewTable
	Errors  *fault.Fields
}

// choice is a saved item offered by a checkbox.
type choice struct {
	ID, Name string
	Checked  bool
}

// domainChoice is a domain with its columns.
type domainChoice struct {
	Domain  cohort.Domain
	Label   string
	Checked bool
	Columns []columnChoice
}

type columnChoice struct {
	Name, Type string
	Checked    bool
}

// previewTable is the first rows of a domain, as text.
type previewTable struct {
	Domain  cohort.Domain
	Label   string
	Columns []string
	Rows    [][]string
}

// datasetDomainLabels name the domains of a dataset on the pages.
var datasetDomainLabels = map[cohort.Domain]string{
	cohort.DomainPerson: "Person (demographics)", cohort.DomainCondition: "Conditions", cohort.DomainDrug: "Drug exposures",
	cohort.DomainProcedure: "Procedures", cohort.DomainMeasurement: "Measurements", cohort.DomainObservation: "Observations",
	cohort.DomainDevice: "Device exposures", cohort.DomainVisit: "Visits", cohort.DomainDeath: "Death",
}

func datasetDomainLabel(d cohort.Domain) string {
	if l, ok := datasetDomainLabels[d]; ok {
		return l
	}
	return string(d)
}

// builderFor is the builder of the selection d of the workspace ws, with
// what the workspace offers to choose.
func (s *Site) builderFor(ctx context.Context, v *visit, d workbench.Dataset) (*datasetBuilder, error) {
	a := s.deps.App
	ws, role, err := s.roleIn(ctx, v, d.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if role < access.Writer {
		return nil, fault.New(fault.Forbidden, "forbidden", "a READER of the workspace builds no dataset")
	}
	b := &datasetBuilder{Token: v.Token, Workspace: ws, Dataset: d}
	cohorts, err := a.Cohorts.Cohorts(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cohorts {
		b.Cohorts = append(b.Cohorts, choice{ID: c.ID, Name: c.Name, Checked: slices.Contains(d.CohortIDs, c.ID)})
	}
	circes, err := a.Circe.CirceCohorts(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range circes {
		b.CirceCohorts = append(b.CirceCohorts, choice{ID: c.ID, Name: c.Name, Checked: slices.Contains(d.CohortIDs, c.ID)})
	}
	sets, err := a.ConceptSets.ConceptSets(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range sets {
		b.ConceptSets = append(b.ConceptSets, choice{ID: c.ID, Name: c.Name, Checked: slices.Contains(d.ConceptSetIDs, c.ID)})
	}
	cat, err := a.Datasets.DatasetColumns(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	for _, dom := range cohort.DatasetDomains {
		cols, ok := cat[dom]
		if !ok {
			continue
		}
		chosen, checked := d.Columns[dom]
		dc := domainChoice{Domain: dom, Label: datasetDomainLabel(dom), Checked: checked}
		for _, c := range cols {
			// A domain not chosen offers every column, checked: choosing the
			// domain is then one click.
			dc.Columns = append(dc.Columns, columnChoice{Name: c.Name, Type: c.Type, Checked: !checked || slices.Contains(chosen, c.Name)})
		}
		b.Domains = append(b.Domains, dc)
	}
	return b, nil
}

// Anchor is the id of the form field of a problem's path: a column's
// problem (columns.CONDITION[2]) is at its domain's fieldset.
func (*datasetBuilder) Anchor(path string) string {
	if i := strings.IndexByte(path, '['); i >= 0 {
		return path[:i]
	}
	return path
}

// ErrorAt is the problems at the field id, one per line.
func (b *datasetBuilder) ErrorAt(id string) string {
	if b.Errors == nil {
		return ""
	}
	var out []string
	for _, f := range b.Errors.List {
		if b.Anchor(f.Path) == id {
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, "; ")
}

func (s *Site) newDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	b, err := s.builderFor(r.Context(), v, workbench.Dataset{WorkspaceID: r.PathValue("ws")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "dataset_builder", "Build a dataset", "workspaces", b)
}

func (s *Site) editDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.deps.App.Datasets.Dataset(r.Context(), r.PathValue("ws"), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.builderFor(r.Context(), v, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "dataset_builder", "Change "+d.Name, "workspaces", b)
}

// readDataset reads the builder's form: its domains in any case, as the
// API takes them.
func readDataset(r *http.Request) workbench.Dataset {
	columns := map[cohort.Domain][]string{}
	for _, dom := range r.PostForm["domain"] {
		columns[cohort.Domain(dom)] = append([]string{}, r.PostForm["column."+dom]...)
	}
	return workbench.Dataset{
		ID: r.PostFormValue("id"), WorkspaceID: r.PathValue("ws"),
		Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description"),
		CohortIDs: r.PostForm["cohort"], ConceptSetIDs: r.PostForm["concept_set"],
		Columns: cohort.CanonicalColumns(columns),
	}
}

// buildDataset previews the selection (op preview) or saves it (op save).
func (s *Site) buildDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, d := r.Context(), readDataset(r)
	b, err := s.builderFor(ctx, v, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "Build a dataset"
	if d.ID != "" {
		title = "Change the dataset"
	}
	switch r.PostFormValue("op") {
	case "save":
		if d.Name == "" {
			err = fault.At(workbench.ErrInvalid, "name", "empty: give the dataset a name")
		} else {
			var saved workbench.Dataset
			if saved, err = s.deps.App.Datasets.SaveDataset(ctx, d); err == nil {
				http.Redirect(w, r, "/workspaces/"+url.PathEscape(d.WorkspaceID)+"/datasets/"+url.PathEscape(saved.ID)+"?saved=1", http.StatusSeeOther)
				return
			}
		}
	default:
		b.Preview, err = s.previewSelection(ctx, d)
		if err == nil {
			s.show(w, r, v, http.StatusOK, "dataset_builder", title+": preview", "workspaces", b)
			return
		}
	}
	if b.Errors = fieldErrors(err, "columns"); b.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusUnprocessableEntity, "dataset_builder", title+": check the form", "workspaces", b)
}

// previewSelection is the first rows of each domain of d, not saved.
func (s *Site) previewSelection(ctx context.Context, d workbench.Dataset) ([]previewTable, error) {
	var out []previewTable
	if len(d.Columns) == 0 || len(d.CohortIDs) == 0 {
		// The service names every problem at once: ask it with any domain.
		_, err := s.deps.App.Datasets.PreviewSelection(ctx, d, cohort.DomainPerson, previewRows)
		return nil, err
	}
	for _, dom := range cohort.DatasetDomains {
		if _, ok := d.Columns[dom]; !ok {
			continue
		}
		p, err := s.deps.App.Datasets.PreviewSelection(ctx, d, dom, previewRows)
		if err != nil {
			return nil, err
		}
		out = append(out, previewOf(dom, p.Columns, p.Rows))
	}
	return out, nil
}

func previewOf(domain cohort.Domain, cols []cohort.DatasetColumn, rows [][]any) previewTable {
	t := previewTable{Domain: domain, Label: datasetDomainLabel(domain)}
	for _, c := range cols {
		t.Columns = append(t.Columns, c.Name)
	}
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = cellText(c)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// cellText is a value of a preview as the page shows it: dates without a
// time of day, empty for NULL.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// datasetPage is a saved dataset's page.
type datasetPage struct {
	Token       string
	Workspace   workbench.Workspace
	CanWrite    bool
	Saved       bool
	Dataset     workbench.Dataset
	Cohorts     []string
	ConceptSets []string
	Domains     []domainChoice
	Preview     []previewTable
	Python, R   string
	Formats     []exportFormat
	// NotebookName is the name the starter notebook form proposes;
	// NoNotebooks says that this server keeps none.
	NotebookName string
	NoNotebooks  bool
}

// exportFormat is a download format with its label.
type exportFormat struct {
	Format export.Format
	Label  string
}

var exportLabels = map[export.Format]string{"csv": "CSV", "json": "JSON", "parquet": "Parquet", "arrow": "Arrow IPC"}

func (s *Site) dataset(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, a := r.Context(), s.deps.App
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := datasetPage{Token: v.Token, Workspace: ws, CanWrite: role >= access.Writer, Saved: r.URL.Query().Get("saved") == "1"}
	if p.Dataset, err = a.Datasets.Dataset(ctx, ws.ID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.describeDataset(ctx, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, dom := range cohort.DatasetDomains {
		if _, ok := p.Dataset.Columns[dom]; !ok {
			continue
		}
		prev, err := a.Datasets.PreviewDataset(ctx, ws.ID, p.Dataset.ID, dom, previewRows)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Preview = append(p.Preview, previewOf(dom, prev.Columns, prev.Rows))
	}
	if p.Python, err = a.Notebooks.DatasetCode(ctx, ws.ID, p.Dataset.ID, notebook.Python); err == nil {
		p.R, err = a.Notebooks.DatasetCode(ctx, ws.ID, p.Dataset.ID, notebook.R)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range export.Formats {
		p.Formats = append(p.Formats, exportFormat{Format: f, Label: exportLabels[f]})
	}
	p.NotebookName = notebookName(p.Dataset.Name)
	if _, err := a.Notebooks.Notebooks(ctx, ws.ID); fault.KindOf(err) == fault.NotFound {
		p.NoNotebooks = true
	}
	s.show(w, r, v, http.StatusOK, "dataset", p.Dataset.Name, "workspaces", p)
}

// describeDataset names the cohorts and concept sets of the dataset of p
// and lists its domains with their columns.
func (s *Site) describeDataset(ctx context.Context, p *datasetPage) error {
	a, ws := s.deps.App, p.Workspace.ID
	names := map[string]string{}
	cohorts, err := a.Cohorts.Cohorts(ctx, ws)
	if err != nil {
		return err
	}
	for _, c := range cohorts {
		names[c.ID] = c.Name
	}
	circes, err := a.Circe.CirceCohorts(ctx, ws)
	if err != nil {
		return err
	}
	for _, c := range circes {
		names[c.ID] = c.Name + " (ATLAS)"
	}
	sets, err := a.ConceptSets.ConceptSets(ctx, ws)
	if err != nil {
		return err
	}
	for _, c := range sets {
		names[c.ID] = c.Name
	}
	for _, id := range p.Dataset.CohortIDs {
		p.Cohorts = append(p.Cohorts, cmp.Or(names[id], id))
	}
	for _, id := range p.Dataset.ConceptSetIDs {
		p.ConceptSets = append(p.ConceptSets, cmp.Or(names[id], id))
	}
	for _, dom := range cohort.DatasetDomains {
		cols, ok := p.Dataset.Columns[dom]
		if !ok {
			continue
		}
		dc := domainChoice{Domain: dom, Label: datasetDomainLabel(dom), Checked: true}
		for _, c := range cols {
			dc.Columns = append(dc.Columns, columnChoice{Name: c, Checked: true})
		}
		p.Domains = append(p.Domains, dc)
	}
	return nil
}

// notAllowedInName is what a notebook's name may not hold
// (notebook.CheckName).
var notAllowedInName = regexp.MustCompile(`[^\p{L}\p{N} _().-]+`)

// notebookName is the name proposed for the starter notebook of the
// dataset name.
func notebookName(dataset string) string {
	n := strings.Trim(notAllowedInName.ReplaceAllString(dataset, " "), " .")
	n = strings.Join(strings.Fields(n), " ")
	if n == "" {
		n = "Dataset"
	}
	return n
}

// exportDataset downloads a domain of the dataset through the service
// that the API's export calls: gated (WRITER) and audited with the rows
// sent.
func (s *Site) exportDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id := r.PathValue("ws"), r.PathValue("id")
	f, err := export.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		s.fail(w, r, fault.At(workbench.ErrInvalid, "format", "%s", err.Error()))
		return
	}
	domain, err := cohort.ParseDatasetDomain(r.URL.Query().Get("domain"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.deps.App.Exports == nil {
		s.fail(w, r, errNotFound)
		return
	}
	started := false
	err = s.deps.App.Exports.Export(r.Context(), ws, id, domain, func(cols []export.Column, rows export.Rows) (int64, error) {
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": app.ExportName(id, domain, f)}))
		w.WriteHeader(http.StatusOK)
		started = true
		return export.Write(w, f, cols, rows, export.Options{})
	})
	switch {
	case err == nil:
	case !started:
		s.fail(w, r, err)
	default:
		// Part of the file went out: break the transfer, so that the
		// browser does not keep a complete-looking file.
		s.log.Warn("web: export cut short", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Site) confirmDeleteDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	d, err := s.deps.App.Datasets.Dataset(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.confirmDelete(w, r, v, "dataset", d.Name, "/workspaces/"+url.PathEscape(ws)+"/datasets/"+url.PathEscape(d.ID))
}

func (s *Site) deleteDataset(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.Datasets.DeleteDataset(r.Context(), ws, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"#datasets-h", http.StatusSeeOther)
}
