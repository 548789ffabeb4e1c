package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
)

// ListConceptSets is the saved concept sets of the workspace.
func (sv savedService) ListConceptSets(ctx context.Context, ws string) ([]workbench.ConceptSet, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.ConceptSet, string, int64, error) {
		out, err := sv.store.ListConceptSets(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// ConceptSet is the saved concept set id of the workspace.
func (sv savedService) ConceptSet(ctx context.Context, ws, id string) (workbench.ConceptSet, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.ConceptSet, string, int64, error) {
		out, err := sv.store.ConceptSet(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveConceptSet creates c in its workspace when c.ID is empty, and
// changes it otherwise, with the validated set cs as its canonical JSON.
func (sv savedService) SaveConceptSet(ctx context.Context, c workbench.ConceptSet, cs *cohort.ConceptSet) (workbench.ConceptSet, error) {
	action := access.CreateConceptSet
	if c.ID != "" {
		action = access.UpdateConceptSet
	}
	return guarded(ctx, sv.gate, action, c.WorkspaceID, func(req access.Request) (workbench.ConceptSet, string, int64, error) {
		var err error
		if c.Definition, err = cs.MarshalJSON(); err != nil {
			return workbench.ConceptSet{}, "", 0, err
		}
		var out workbench.ConceptSet
		if c.ID == "" {
			out, err = sv.store.CreateConceptSet(ctx, req.User.ID, c)
		} else {
			out, err = sv.store.UpdateConceptSet(ctx, req.User.ID, c)
		}
		return out, out.ID, 1, err
	})
}

// DeleteConceptSet deletes the saved concept set id of the workspace.
func (sv savedService) DeleteConceptSet(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.DeleteConceptSet, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteConceptSet(ctx, ws, id)
	})
	return err
}

// Expand is the concept ids of the saved concept set id, ascending.
func (sv savedService) Expand(ctx context.Context, ws, id string) ([]int64, error) {
	req, err := sv.gate.check(ctx, access.ViewWorkspace, ws)
	if err != nil {
		return nil, err
	}
	c, err := sv.store.ConceptSet(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	var cs cohort.ConceptSet
	if err := json.Unmarshal(c.Definition, &cs); err != nil {
		return nil, fmt.Errorf("server: saved concept set %s: %w", id, err)
	}
	ids, err := sv.engine.ExpandConceptSet(ctx, &cs)
	if err != nil {
		return nil, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(ids)))
	return nonNil(ids), nil
}

// savedConceptSet reads a saved concept set body: its definition holds
// the items, and the set is named by the body's name.
func (s *Server) savedConceptSet(r *http.Request) (workbench.ConceptSet, *cohort.ConceptSet, error) {
	var b savedBody
	if err := s.decode(r, &b); err != nil {
		return workbench.ConceptSet{}, nil, err
	}
	var def struct {
		Items []cohort.ConceptSetItem `json:"items"`
	}
	if len(b.Definition) > 0 {
		d := json.NewDecoder(bytes.NewReader(b.Definition))
		d.DisallowUnknownFields()
		if err := d.Decode(&def); err != nil {
			return workbench.ConceptSet{}, nil, fmt.Errorf("%w: definition: %v", workbench.ErrInvalid, err)
		}
	}
	cs := &cohort.ConceptSet{Name: b.Name, Items: def.Items}
	if err := cs.Validate(); err != nil {
		return workbench.ConceptSet{}, nil, under("definition", err)
	}
	v := mux.Vars(r)
	return workbench.ConceptSet{ID: v["id"], WorkspaceID: v["ws"], Name: b.Name, Description: b.Description}, cs, nil
}

func (s *Server) listConceptSets(w http.ResponseWriter, r *http.Request) {
	out, err := s.saved.ListConceptSets(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) getConceptSet(w http.ResponseWriter, r *http.Request) {
	out, err := s.saved.ConceptSet(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) saveConceptSet(w http.ResponseWriter, r *http.Request) {
	c, cs, err := s.savedConceptSet(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if c.ID == "" {
		code = http.StatusCreated
	}
	out, err := s.saved.SaveConceptSet(r.Context(), c, cs)
	s.reply(w, r, code, out, err)
}

func (s *Server) deleteConceptSet(w http.ResponseWriter, r *http.Request) {
	err := s.saved.DeleteConceptSet(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) expandConceptSet(w http.ResponseWriter, r *http.Request) {
	ids, err := s.saved.Expand(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, map[string]any{"concept_ids": ids}, err)
}
