package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
)

// ListConceptSets is the saved concept sets of the workspace.
func (sv Cohorts) ListConceptSets(ctx context.Context, ws string) ([]workbench.ConceptSet, error) {
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

// Expand is the concept ids of the saved concept set id, ascending.
func (sv Cohorts) Expand(ctx context.Context, ws, id string) ([]int64, error) {
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
