package server

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/export"
)

// defaultPreview is the rows of a preview when the request does not say.
const defaultPreview = 100

// datasetBody is a dataset as a client sends it: its domains in any case.
type datasetBody struct {
	Name          string                     `json:"name"`
	Description   string                     `json:"description"`
	CohortIDs     []string                   `json:"cohort_ids"`
	ConceptSetIDs []string                   `json:"concept_set_ids"`
	Columns       map[cohort.Domain][]string `json:"columns"`
}

// dataset is b as the dataset id (empty: a new one, or a selection not
// saved) of the workspace ws, its domains spelled as the API answers them.
func (b datasetBody) dataset(ws, id string) workbench.Dataset {
	return workbench.Dataset{ID: id, WorkspaceID: ws, Name: b.Name, Description: b.Description,
		CohortIDs: b.CohortIDs, ConceptSetIDs: b.ConceptSetIDs, Columns: cohort.CanonicalColumns(b.Columns)}
}

// datasetHandlers are the handlers of the dataset routes.
type datasetHandlers struct {
	*Server
	datasets workbench.DatasetService
	exports  app.Exporter
}

func (s *Server) datasetRoutes() []route {
	h := datasetHandlers{Server: s, datasets: s.svc.Datasets, exports: s.svc.Exports}
	return []route{
		{http.MethodGet, "/v1/workspaces/{ws}/datasets", login, h.list},
		{http.MethodPost, "/v1/workspaces/{ws}/datasets", login, h.save},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}", login, h.get},
		{http.MethodPut, "/v1/workspaces/{ws}/datasets/{id}", login, h.save},
		{http.MethodDelete, "/v1/workspaces/{ws}/datasets/{id}", login, h.delete},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}/preview", login, h.preview},
		{http.MethodGet, "/v1/workspaces/{ws}/dataset-columns", login, h.columns},
		{http.MethodPost, "/v1/workspaces/{ws}/dataset-preview", login, h.previewSelection},
		// An export streams a table of any size: its own time bound.
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}/export", rules{timeout: s.cfg.ExportTimeout}, h.export},
	}
}

func (h datasetHandlers) list(w http.ResponseWriter, r *http.Request) {
	out, err := h.datasets.Datasets(r.Context(), mux.Vars(r)["ws"])
	h.reply(w, r, http.StatusOK, out, err)
}

func (h datasetHandlers) get(w http.ResponseWriter, r *http.Request) {
	out, err := h.datasets.Dataset(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	h.reply(w, r, http.StatusOK, out, err)
}

func (h datasetHandlers) save(w http.ResponseWriter, r *http.Request) {
	var b datasetBody
	if err := h.decode(r, &b); err != nil {
		h.fail(w, r, err)
		return
	}
	d := b.dataset(mux.Vars(r)["ws"], mux.Vars(r)["id"])
	code := http.StatusOK
	if d.ID == "" {
		code = http.StatusCreated
	}
	out, err := h.datasets.SaveDataset(r.Context(), d)
	h.reply(w, r, code, out, err)
}

func (h datasetHandlers) delete(w http.ResponseWriter, r *http.Request) {
	err := h.datasets.DeleteDataset(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	h.reply(w, r, http.StatusNoContent, nil, err)
}

func (h datasetHandlers) preview(w http.ResponseWriter, r *http.Request) {
	limit, domain, err := previewQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := h.datasets.PreviewDataset(r.Context(), v["ws"], v["id"], domain, limit)
	h.reply(w, r, http.StatusOK, out, err)
}

func (h datasetHandlers) columns(w http.ResponseWriter, r *http.Request) {
	out, err := h.datasets.DatasetColumns(r.Context(), mux.Vars(r)["ws"])
	h.reply(w, r, http.StatusOK, out, err)
}

// previewSelection previews a selection sent as a dataset is, not saved.
func (h datasetHandlers) previewSelection(w http.ResponseWriter, r *http.Request) {
	limit, domain, err := previewQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b datasetBody
	if err := h.decode(r, &b); err != nil {
		h.fail(w, r, err)
		return
	}
	out, err := h.datasets.PreviewSelection(r.Context(), b.dataset(mux.Vars(r)["ws"], ""), domain, limit)
	h.reply(w, r, http.StatusOK, out, err)
}

// previewQuery is what a preview asks for: the rows, the query's limit
// else defaultPreview, and the domain, in any case.
func previewQuery(r *http.Request) (int, cohort.Domain, error) {
	limit, err := intQuery(r, "limit")
	if err != nil {
		return 0, "", err
	}
	if limit == 0 {
		limit = defaultPreview
	}
	domain, err := cohort.ParseDatasetDomain(r.URL.Query().Get("domain"))
	return limit, domain, err
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
	domain, err := cohort.ParseDatasetDomain(r.URL.Query().Get("domain"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	started := false
	err = h.exports.Export(r.Context(), v["ws"], v["id"], domain, func(cols []export.Column, rows export.Rows) (int64, error) {
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if cd := mime.FormatMediaType("attachment", map[string]string{"filename": app.ExportName(v["id"], domain, f)}); cd != "" {
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
		// A client that closes the download early is no fault of the
		// server's: a line at info level, not an error.
		if r.Context().Err() != nil {
			h.log.InfoContext(r.Context(), "export stopped: the client went away", "path", r.URL.Path)
		} else if status(err) >= 500 {
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
			return "", workbench.InvalidAt("format", "%s", err.Error())
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
		return "", fmt.Errorf("%w: Accept %q: want one of %s", workbench.ErrNotAcceptable, accept, strings.Join(types, ", "))
	}
	return best, nil
}
