package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
)

// savedConceptSet reads a saved concept set body: its definition holds
// the items, and the set is named by the body's name. The definition may
// also be an OHDSI concept set expression as ATLAS exports it (items of
// {"concept": {"CONCEPT_ID": ...}, "isExcluded", "includeDescendants"}),
// which is imported as the same items.
func (s *Server) savedConceptSet(r *http.Request) (workbench.ConceptSet, *cohort.ConceptSet, error) {
	var b savedBody
	if err := s.decode(r, &b); err != nil {
		return workbench.ConceptSet{}, nil, err
	}
	var def struct {
		Items []cohort.ConceptSetItem `json:"items"`
	}
	switch {
	case circe.IsConceptSetExpression(b.Definition):
		items, err := circe.ConceptSetItems(b.Definition)
		if err != nil {
			return workbench.ConceptSet{}, nil, under("definition", err)
		}
		def.Items = items
	case len(b.Definition) > 0:
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
	out, err := s.svc.ConceptSets.ConceptSets(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) getConceptSet(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.ConceptSets.ConceptSet(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
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
	out, err := s.svc.ConceptSets.SaveConceptSet(r.Context(), c, cs)
	s.reply(w, r, code, out, under("definition", err))
}

func (s *Server) deleteConceptSet(w http.ResponseWriter, r *http.Request) {
	err := s.svc.ConceptSets.DeleteConceptSet(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) expandConceptSet(w http.ResponseWriter, r *http.Request) {
	concepts, err := s.svc.ConceptSets.ExpandConceptSet(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	ids := make([]int64, len(concepts))
	for i, c := range concepts {
		ids[i] = c.ID
	}
	s.reply(w, r, http.StatusOK, map[string]any{"concept_ids": ids, "concepts": concepts}, err)
}
