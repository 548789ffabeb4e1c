package app

import (
	"context"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
)

// Cohorts is the saved cohorts and concept sets of workspaces, and
// the engine over them, gated and audited.
type Cohorts struct {
	gate   *gate
	store  *store.Store
	engine workbench.Engine
}

// Cohorts is the saved cohorts of the workspace.
func (sv Cohorts) Cohorts(ctx context.Context, ws string) ([]workbench.Cohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.Cohort, string, int64, error) {
		out, err := sv.store.ListCohorts(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Cohort is the saved cohort id of the workspace.
func (sv Cohorts) Cohort(ctx context.Context, ws, id string) (workbench.Cohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.Cohort, string, int64, error) {
		out, err := sv.store.Cohort(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveCohort creates c in its workspace when c.ID is empty, and changes it
// otherwise. Its definition, already parsed by cohort.Parse, is kept as
// its canonical JSON.
func (sv Cohorts) SaveCohort(ctx context.Context, c workbench.Cohort, def *cohort.Definition) (workbench.Cohort, error) {
	action := access.CreateCohort
	if c.ID != "" {
		action = access.UpdateCohort
	}
	return guarded(ctx, sv.gate, action, c.WorkspaceID, func(req access.Request) (workbench.Cohort, string, int64, error) {
		var err error
		if c.Definition, err = def.MarshalJSON(); err != nil {
			return workbench.Cohort{}, "", 0, err
		}
		var out workbench.Cohort
		if c.ID == "" {
			out, err = sv.store.CreateCohort(ctx, req.User.ID, c)
		} else {
			out, err = sv.store.UpdateCohort(ctx, req.User.ID, c)
		}
		return out, out.ID, 1, err
	})
}

// DeleteCohort deletes the saved cohort id of the workspace.
func (sv Cohorts) DeleteCohort(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.DeleteCohort, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteCohort(ctx, ws, id)
	})
	return err
}

// definition checks action in the workspace and reads the definition of
// its saved cohort id.
func (sv Cohorts) definition(ctx context.Context, action access.Action, ws, id string) (access.Request, *cohort.Definition, error) {
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
		return req, nil, fmt.Errorf("app: saved cohort %s no longer parses: %v", id, err)
	}
	return req, def, nil
}

// CohortCount is the size of the saved cohort id.
func (sv Cohorts) CohortCount(ctx context.Context, ws, id string) (int64, error) {
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
func (sv Cohorts) Demographics(ctx context.Context, ws, id string) (*engine.Demographics, error) {
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
func (sv Cohorts) TopConcepts(ctx context.Context, ws, id string, domain cohort.Domain, n int) ([]engine.ConceptCount, error) {
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

// Participants is a page of the person ids of the saved cohort id:
// row-level data.
func (sv Cohorts) Participants(ctx context.Context, ws, id string, page, size int) (workbench.Page, error) {
	req, def, err := sv.definition(ctx, access.CohortParticipants, ws, id)
	if err != nil {
		return workbench.Page{}, err
	}
	ids, total, err := sv.engine.Participants(ctx, def, page, size)
	if err != nil {
		return workbench.Page{}, err
	}
	sv.gate.audit(ctx, req, allowed, ws, id, int64(len(ids)))
	return workbench.Page{PersonIDs: nonNil(ids), Total: total, Page: page, Size: size}, nil
}

// SQL is the query the engine runs for the saved cohort id.
func (sv Cohorts) SQL(ctx context.Context, ws, id string) (cohort.Query, error) {
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
