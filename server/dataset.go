package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/internal/store"
)

// errNotAcceptable is a request whose Accept header names no format the
// route can write.
var errNotAcceptable = errors.New("server: not acceptable")

// defaultPreview is the rows of a preview when the request does not say.
const defaultPreview = 100

// datasetService is the datasets of workspaces: saved selections in the
// store, and their tables from the engine, gated and audited. Changing
// and deleting a dataset need the role of creating one (WRITER).
type datasetService struct {
	gate   *gate
	store  *store.Store
	engine *engine.Engine
}

// List is the datasets of the workspace.
func (sv datasetService) List(ctx context.Context, ws string) ([]store.Dataset, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]store.Dataset, string, int64, error) {
		out, err := sv.store.ListDatasets(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Get is the dataset id of the workspace.
func (sv datasetService) Get(ctx context.Context, ws, id string) (store.Dataset, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (store.Dataset, string, int64, error) {
		out, err := sv.store.Dataset(ctx, ws, id)
		return out, id, 1, err
	})
}

// Save creates d in its workspace when d.ID is empty, and changes it
// otherwise, after checking its columns against the CDR's catalog: every
// problem comes back with its path (`columns.condition[2]`).
func (sv datasetService) Save(ctx context.Context, d store.Dataset) (store.Dataset, error) {
	return guarded(ctx, sv.gate, access.CreateDataset, d.WorkspaceID, func(req access.Request) (store.Dataset, string, int64, error) {
		cat, err := sv.engine.DatasetCatalog(ctx)
		if err != nil {
			return store.Dataset{}, "", 0, err
		}
		var problems invalid
		if len(d.CohortIDs) == 0 {
			problems = append(problems, fieldError{Path: "cohort_ids", Message: "empty: a dataset needs at least one cohort"})
		}
		var list cohort.ValidationErrors
		if err := cat.Check(d.Columns); errors.As(err, &list) {
			for _, e := range list {
				problems = append(problems, fieldError{Path: e.Path, Message: e.Msg})
			}
		}
		if len(problems) > 0 {
			return store.Dataset{}, "", 0, problems
		}
		var out store.Dataset
		if d.ID == "" {
			out, err = sv.store.CreateDataset(ctx, req.User.ID, d)
		} else {
			out, err = sv.store.UpdateDataset(ctx, req.User.ID, d)
		}
		return out, out.ID, 1, err
	})
}

// Delete deletes the dataset id of the workspace.
func (sv datasetService) Delete(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.CreateDataset, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteDataset(ctx, ws, id)
	})
	return err
}

// load reads the dataset id of the workspace with the definitions of its
// cohorts and concept sets.
func (sv datasetService) load(ctx context.Context, ws, id string) (*cohort.Dataset, error) {
	saved, err := sv.store.Dataset(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	d := &cohort.Dataset{Columns: saved.Columns}
	for _, cid := range saved.CohortIDs {
		c, err := sv.store.Cohort(ctx, ws, cid)
		if err != nil {
			return nil, err
		}
		def, err := cohort.Parse(c.Definition)
		if err != nil {
			// The definition passed Parse when saved: the server's fault.
			return nil, fmt.Errorf("server: saved cohort %s no longer parses: %v", cid, err)
		}
		d.Cohorts = append(d.Cohorts, def)
	}
	for _, sid := range saved.ConceptSetIDs {
		s, err := sv.store.ConceptSet(ctx, ws, sid)
		if err != nil {
			return nil, err
		}
		var cs cohort.ConceptSet
		if err := json.Unmarshal(s.Definition, &cs); err != nil {
			return nil, fmt.Errorf("server: saved concept set %s: %v", sid, err)
		}
		d.ConceptSets = append(d.ConceptSets, &cs)
	}
	return d, nil
}

// Preview is the first limit rows of the domain's table of the dataset
// id: row-level data.
func (sv datasetService) Preview(ctx context.Context, ws, id, domain string, limit int) (*engine.DatasetPreview, error) {
	return guarded(ctx, sv.gate, access.PreviewDataset, ws, func(access.Request) (*engine.DatasetPreview, string, int64, error) {
		d, err := sv.load(ctx, ws, id)
		if err != nil {
			return nil, "", 0, err
		}
		p, err := sv.engine.PreviewDataset(ctx, d, domain, limit)
		if err != nil {
			return nil, "", 0, err
		}
		return p, id, int64(len(p.Rows)), nil
	})
}

// Export reads the domain's table of the dataset id and hands its columns
// and rows to write, which returns how many rows it wrote: row-level data,
// audited with that number, also when write failed part way (the rows
// written went out).
func (sv datasetService) Export(ctx context.Context, ws, id, domain string, write func([]export.Column, export.Rows) (int64, error)) error {
	req, err := sv.gate.check(ctx, access.ExportDataset, ws)
	if err != nil {
		return err
	}
	d, err := sv.load(ctx, ws, id)
	if err != nil {
		return err
	}
	var n int64
	err = sv.engine.DatasetRows(ctx, d, domain, func(cols []cohort.DatasetColumn, rows *sql.Rows) error {
		out := make([]export.Column, len(cols))
		for i, c := range cols {
			out[i] = export.Column{Name: c.Name, Type: c.Type}
		}
		var err error
		n, err = write(out, rows)
		return err
	})
	if err == nil || n > 0 {
		sv.gate.audit(ctx, req, allowed, ws, id, n)
	}
	return err
}

// datasetBody is a dataset as a client sends it.
type datasetBody struct {
	Name          string              `json:"name"`
	Description   string              `json:"description"`
	CohortIDs     []string            `json:"cohort_ids"`
	ConceptSetIDs []string            `json:"concept_set_ids"`
	Columns       map[string][]string `json:"columns"`
}

// datasetHandlers are the handlers of the dataset routes.
type datasetHandlers struct {
	*Server
	datasets datasetService
}

func (s *Server) datasetRoutes() []route {
	h := datasetHandlers{Server: s, datasets: datasetService{gate: s.gate, store: s.deps.Store, engine: s.deps.Engine}}
	return []route{
		{http.MethodGet, "/v1/workspaces/{ws}/datasets", access.ViewWorkspace, h.list},
		{http.MethodPost, "/v1/workspaces/{ws}/datasets", access.CreateDataset, h.save},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}", access.ViewWorkspace, h.get},
		{http.MethodPut, "/v1/workspaces/{ws}/datasets/{id}", access.CreateDataset, h.save},
		{http.MethodDelete, "/v1/workspaces/{ws}/datasets/{id}", access.CreateDataset, h.delete},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}/preview", access.PreviewDataset, h.preview},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}/export", access.ExportDataset, h.export},
	}
}

func (h datasetHandlers) list(w http.ResponseWriter, r *http.Request) {
	out, err := h.datasets.List(r.Context(), mux.Vars(r)["ws"])
	h.reply(w, r, http.StatusOK, out, err)
}

func (h datasetHandlers) get(w http.ResponseWriter, r *http.Request) {
	out, err := h.datasets.Get(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	h.reply(w, r, http.StatusOK, out, err)
}

func (h datasetHandlers) save(w http.ResponseWriter, r *http.Request) {
	var b datasetBody
	if err := h.decode(r, &b); err != nil {
		h.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	d := store.Dataset{ID: v["id"], WorkspaceID: v["ws"], Name: b.Name, Description: b.Description,
		CohortIDs: b.CohortIDs, ConceptSetIDs: b.ConceptSetIDs, Columns: b.Columns}
	code := http.StatusOK
	if d.ID == "" {
		code = http.StatusCreated
	}
	out, err := h.datasets.Save(r.Context(), d)
	h.reply(w, r, code, out, err)
}

func (h datasetHandlers) delete(w http.ResponseWriter, r *http.Request) {
	err := h.datasets.Delete(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	h.reply(w, r, http.StatusNoContent, nil, err)
}

func (h datasetHandlers) preview(w http.ResponseWriter, r *http.Request) {
	limit, err := intQuery(r, "limit")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if limit == 0 {
		limit = defaultPreview
	}
	v := mux.Vars(r)
	out, err := h.datasets.Preview(r.Context(), v["ws"], v["id"], r.URL.Query().Get("domain"), limit)
	h.reply(w, r, http.StatusOK, out, err)
}

// export streams the domain's table of a dataset in the negotiated
// format. Once the first byte went out, a failure can no longer become a
// problem: the handler aborts the response, so the client sees a broken
// transfer rather than a complete-looking file.
func (h datasetHandlers) export(w http.ResponseWriter, r *http.Request) {
	f, err := exportFormat(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	domain := r.URL.Query().Get("domain")
	started := false
	err = h.datasets.Export(r.Context(), v["ws"], v["id"], domain, func(cols []export.Column, rows export.Rows) (int64, error) {
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if cd := mime.FormatMediaType("attachment", map[string]string{"filename": v["id"] + "-" + domain + "." + f.Extension()}); cd != "" {
			w.Header().Set("Content-Disposition", cd)
		}
		w.WriteHeader(http.StatusOK)
		started = true
		return export.Write(w, f, cols, rows, export.Options{})
	})
	switch {
	case err == nil:
	case !started:
		h.fail(w, r, err)
	default:
		if status(err) >= 500 {
			h.log.ErrorContext(r.Context(), "export cut short", "path", r.URL.Path, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// exportFormat is the format of an export: the query parameter format
// when given, else the first acceptable one of the Accept header by
// quality (ties in the header's order), else JSON.
func exportFormat(r *http.Request) (export.Format, error) {
	if name := r.URL.Query().Get("format"); name != "" {
		f, err := export.ParseFormat(name)
		if err != nil {
			return "", invalidAt("format", "%s", err.Error())
		}
		return f, nil
	}
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return export.Formats[0], nil
	}
	var best export.Format
	bestQ := 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		if q <= bestQ {
			continue
		}
		for _, f := range export.Formats {
			ct := f.ContentType()
			if mt == ct || mt == "*/*" || mt == ct[:strings.IndexByte(ct, '/')]+"/*" {
				best, bestQ = f, q
				break
			}
		}
	}
	if best == "" {
		var types []string
		for _, f := range export.Formats {
			types = append(types, f.ContentType())
		}
		return "", fmt.Errorf("%w: Accept %q: want one of %s", errNotAcceptable, accept, strings.Join(types, ", "))
	}
	return best, nil
}
