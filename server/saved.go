package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
)

// savedService is the saved cohorts and concept sets of workspaces, and
// the engine over them, gated and audited.
type savedService struct {
	gate   *gate
	store  *store.Store
	engine *engine.Engine
}

// Defaults of the query parameters of a saved cohort's analyses.
const (
	defaultTopConcepts = 10
	defaultPageSize    = 100
)

// ListCohorts is the saved cohorts of the workspace.
func (sv savedService) ListCohorts(ctx context.Context, ws string) ([]store.Cohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]store.Cohort, string, int64, error) {
		out, err := sv.store.ListCohorts(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Cohort is the saved cohort id of the workspace.
func (sv savedService) Cohort(ctx context.Context, ws, id string) (store.Cohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (store.Cohort, string, int64, error) {
		out, err := sv.store.Cohort(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveCohort creates c in its workspace when c.ID is empty, and changes it
// otherwise. Its definition, already parsed by cohort.Parse, is kept as
// its canonical JSON.
func (sv savedService) SaveCohort(ctx context.Context, c store.Cohort, def *cohort.Definition) (store.Cohort, error) {
	action := access.CreateCohort
	if c.ID != "" {
		action = access.UpdateCohort
	}
	return guarded(ctx, sv.gate, action, c.WorkspaceID, func(req access.Request) (store.Cohort, string, int64, error) {
		var err error
		if c.Definition, err = def.MarshalJSON(); err != nil {
			return store.Cohort{}, "", 0, err
		}
		var out store.Cohort
		if c.ID == "" {
			out, err = sv.store.CreateCohort(ctx, req.User.ID, c)
		} else {
			out, err = sv.store.UpdateCohort(ctx, req.User.ID, c)
		}
		return out, out.ID, 1, err
	})
}

// DeleteCohort deletes the saved cohort id of the workspace.
func (sv savedService) DeleteCohort(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.DeleteCohort, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteCohort(ctx, ws, id)
	})
	return err
}

// definition checks action in the workspace and reads the definition of
// its saved cohort id.
func (sv savedService) definition(ctx context.Context, action access.Action, ws, id string) (access.Request, *cohort.Definition, error) {
	req, err := sv.gate.check(ctx, action, ws)
	if err != nil {
		return req, nil, err
	}
	c, err := sv.store.Cohort(ctx, ws, id)
	if err != nil {
		return req, nil, err
	}
	def, err := cohort.Parse(c.Definition)
	if err != nil {
		// Not the client's fault (the definition passed Parse when saved),
		// so not ErrInvalid: a 500 that the log explains.
		return req, nil, fmt.Errorf("server: saved cohort %s no longer parses: %v", id, err)
	}
	return req, def, nil
}

// Count is the size of the saved cohort id.
func (sv savedService) Count(ctx context.Context, ws, id string) (int64, error) {
	req, def, err := sv.definition(ctx, access.CohortCount, ws, id)
	if err != nil {
		return 0, err
	}
	n, err := sv.engine.Count(ctx, def)
	if err != nil {
		return 0, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, 1)
	return n, nil
}

// Demographics breaks the saved cohort id down.
func (sv savedService) Demographics(ctx context.Context, ws, id string) (*engine.Demographics, error) {
	req, def, err := sv.definition(ctx, access.CohortDemographics, ws, id)
	if err != nil {
		return nil, err
	}
	d, err := sv.engine.Demographics(ctx, def)
	if err != nil {
		return nil, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(d.SexAtBirth)+len(d.Gender)+len(d.Race)+len(d.Ethnicity)))
	return d, nil
}

// TopConcepts is the n concepts of the domain most persons of the saved
// cohort id have.
func (sv savedService) TopConcepts(ctx context.Context, ws, id string, domain cohort.Domain, n int) ([]engine.ConceptCount, error) {
	req, def, err := sv.definition(ctx, access.CohortTopConcepts, ws, id)
	if err != nil {
		return nil, err
	}
	out, err := sv.engine.TopConcepts(ctx, def, domain, n)
	if err != nil {
		return nil, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(out)))
	return out, nil
}

// Page is one page of a cohort's person ids.
type Page struct {
	PersonIDs []int64 `json:"person_ids"`
	Total     int64   `json:"total"`
	Page      int     `json:"page"`
	Size      int     `json:"size"`
}

// Participants is a page of the person ids of the saved cohort id:
// row-level data.
func (sv savedService) Participants(ctx context.Context, ws, id string, page, size int) (Page, error) {
	req, def, err := sv.definition(ctx, access.CohortParticipants, ws, id)
	if err != nil {
		return Page{}, err
	}
	ids, total, err := sv.engine.Participants(ctx, def, page, size)
	if err != nil {
		return Page{}, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(ids)))
	return Page{PersonIDs: nonNil(ids), Total: total, Page: page, Size: size}, nil
}

// SQL is the query the engine runs for the saved cohort id.
func (sv savedService) SQL(ctx context.Context, ws, id string) (cohort.Query, error) {
	req, def, err := sv.definition(ctx, access.ViewWorkspace, ws, id)
	if err != nil {
		return cohort.Query{}, err
	}
	q, err := sv.engine.SQL(def)
	if err != nil {
		return cohort.Query{}, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, 1)
	return q, nil
}

// savedBody is a saved cohort or concept set as a client sends it.
type savedBody struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Definition  json.RawMessage `json:"definition"`
}

// savedCohort reads a saved cohort body; its definition must pass
// cohort.Parse and Validate, which report every problem with its path under
// "definition".
func (s *Server) savedCohort(r *http.Request) (store.Cohort, *cohort.Definition, error) {
	var b savedBody
	if err := s.decode(r, &b); err != nil {
		return store.Cohort{}, nil, err
	}
	if len(b.Definition) == 0 {
		return store.Cohort{}, nil, &cohort.ValidationError{Path: "definition", Msg: "missing: a saved cohort needs a definition"}
	}
	def, err := cohort.Parse(b.Definition)
	if err == nil {
		err = def.Validate()
	}
	if err != nil {
		return store.Cohort{}, nil, under("definition", err)
	}
	v := mux.Vars(r)
	return store.Cohort{ID: v["id"], WorkspaceID: v["ws"], Name: b.Name, Description: b.Description}, def, nil
}

func (s *Server) listCohorts(w http.ResponseWriter, r *http.Request) {
	out, err := s.saved.ListCohorts(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) getCohort(w http.ResponseWriter, r *http.Request) {
	out, err := s.saved.Cohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) saveCohort(w http.ResponseWriter, r *http.Request) {
	c, def, err := s.savedCohort(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if c.ID == "" {
		code = http.StatusCreated
	}
	out, err := s.saved.SaveCohort(r.Context(), c, def)
	s.reply(w, r, code, out, err)
}

func (s *Server) deleteCohort(w http.ResponseWriter, r *http.Request) {
	err := s.saved.DeleteCohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) savedCount(w http.ResponseWriter, r *http.Request) {
	n, err := s.saved.Count(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, map[string]int64{"count": n}, err)
}

func (s *Server) savedDemographics(w http.ResponseWriter, r *http.Request) {
	out, err := s.saved.Demographics(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedTopConcepts(w http.ResponseWriter, r *http.Request) {
	n, err := intQuery(r, "n")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n == 0 {
		n = defaultTopConcepts
	}
	out, err := s.saved.TopConcepts(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], cohort.Domain(r.URL.Query().Get("domain")), n)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedParticipants(w http.ResponseWriter, r *http.Request) {
	page, err := intQuery(r, "page")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size, err := intQuery(r, "size")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if size == 0 {
		size = defaultPageSize
	}
	out, err := s.saved.Participants(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], page, size)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedSQL(w http.ResponseWriter, r *http.Request) {
	q, err := s.saved.SQL(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, map[string]any{"sql": q.SQL, "args": q.Args}, err)
}

// reply writes err as a problem, or else v with the code (no body for
// 204).
func (s *Server) reply(w http.ResponseWriter, r *http.Request, code int, v any, err error) {
	switch {
	case err != nil:
		s.fail(w, r, err)
	case code == http.StatusNoContent:
		w.WriteHeader(code)
	default:
		s.encode(w, r, code, v)
	}
}

// under places the validation problems of err, found in the document a
// body holds in its field prefix (a cohort definition, a concept set, a
// notebook), at their paths in the body; other errors pass unchanged.
func under(prefix string, err error) error {
	problems := problemOf(err).Errors
	if len(problems) == 0 || status(err) != http.StatusBadRequest {
		return err
	}
	out := make(invalid, len(problems))
	for i, e := range problems {
		out[i] = fieldError{Path: join(prefix, e.Path), Message: e.Message}
	}
	return out
}

func join(prefix, path string) string {
	if path == "" {
		return prefix
	}
	return prefix + "." + path
}
