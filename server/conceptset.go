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
	"github.com/openworkbench/workbench/fault"
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
	case isOHDSIConceptSet(b.Definition):
		items, err := ohdsiItems(b.Definition)
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

// isOHDSIConceptSet reports whether def is an OHDSI concept set
// expression: an item holds a "concept" object, which the workbench's
// items never do.
func isOHDSIConceptSet(def json.RawMessage) bool {
	var probe struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if json.Unmarshal(def, &probe) != nil {
		return false
	}
	for _, it := range probe.Items {
		if _, ok := it["concept"]; ok {
			return true
		}
	}
	return false
}

// ohdsiItems are the items of the OHDSI concept set expression def. An
// item that includes mapped concepts is refused at its path: a workbench
// concept set names its concepts, so the source concepts are items of
// their own.
func ohdsiItems(def json.RawMessage) ([]cohort.ConceptSetItem, error) {
	e, err := circe.ParseConceptSet(def)
	if err != nil {
		return nil, err
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	items := make([]cohort.ConceptSetItem, len(e.Items))
	for i, it := range e.Items {
		if it.IncludeMapped {
			problems.Add(fmt.Sprintf("items[%d].includeMapped", i), "mapped concepts are not imported: add the source concepts as items of their own")
		}
		items[i] = cohort.ConceptSetItem{ConceptID: it.ConceptID, IncludeDescendants: it.IncludeDescendants, Exclude: it.IsExcluded}
	}
	return items, problems.Err()
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
