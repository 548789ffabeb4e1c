package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

// ConceptSets is the saved concept sets of the workspace.
func (sv Cohorts) ConceptSets(ctx context.Context, ws string) ([]workbench.ConceptSet, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.ConceptSet, string, int64, error) {
		out, err := sv.store.ListConceptSets(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// ConceptSet is the saved concept set id of the workspace.
func (sv Cohorts) ConceptSet(ctx context.Context, ws, id string) (workbench.ConceptSet, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.ConceptSet, string, int64, error) {
		out, err := sv.store.ConceptSet(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveConceptSet creates c in its workspace when c.ID is empty, and
// changes it otherwise, with the validated set cs as its canonical JSON.
func (sv Cohorts) SaveConceptSet(ctx context.Context, c workbench.ConceptSet, cs *cohort.ConceptSet) (workbench.ConceptSet, error) {
	action := access.CreateConceptSet
	if c.ID != "" {
		action = access.UpdateConceptSet
	}
	return guarded(ctx, sv.gate, action, c.WorkspaceID, func(req access.Request) (workbench.ConceptSet, string, int64, error) {
		if err := sv.knownConcepts(ctx, cs); err != nil {
			return workbench.ConceptSet{}, "", 0, err
		}
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
func (sv Cohorts) DeleteConceptSet(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.DeleteConceptSet, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteConceptSet(ctx, ws, id)
	})
	return err
}

// expandIDs is the concept ids of the saved concept set id, ascending.
func (sv Cohorts) expandIDs(ctx context.Context, ws, id string) ([]int64, error) {
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
		return nil, fmt.Errorf("app: saved concept set %s: %w", id, err)
	}
	ids, err := sv.engine.ExpandConceptSet(ctx, &cs)
	if err != nil {
		return nil, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(ids)))
	return nonNil(ids), nil
}

// knownConcepts refuses a concept set with a concept the CDR's vocabulary
// does not hold, at the path of each such item.
func (sv Cohorts) knownConcepts(ctx context.Context, cs *cohort.ConceptSet) error {
	ids := make([]int64, len(cs.Items))
	for i, it := range cs.Items {
		ids[i] = it.ConceptID
	}
	found, err := sv.engine.Concepts(ctx, ids)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, c := range found {
		known[c.ID] = true
	}
	problems := fault.Fields{Of: cohort.ErrInvalid}
	for i, it := range cs.Items {
		if !known[it.ConceptID] {
			problems.Add(fmt.Sprintf("items[%d].concept_id", i), "concept %d is not in the CDR's vocabulary", it.ConceptID)
		}
	}
	return problems.Err()
}

// ExpandConceptSet is the concepts of the expansion of the saved concept
// set id, with their names and person counts.
func (sv Cohorts) ExpandConceptSet(ctx context.Context, ws, id string) ([]engine.Concept, error) {
	ids, err := sv.expandIDs(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	return sv.engine.Concepts(ctx, ids)
}
