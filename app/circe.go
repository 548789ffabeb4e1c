package app

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

// Circe is the OHDSI Circe cohorts of workspaces, run over the CDR's OMOP
// tables with Circe's semantics, gated and audited like the All of Us
// cohorts: counts and attrition are a cohort's aggregates, rows are
// row-level data.
type Circe struct {
	gate   *gate
	store  *store.Store
	engine workbench.Engine
}

// CirceCohorts is the Circe cohorts of the workspace.
func (sv Circe) CirceCohorts(ctx context.Context, ws string) ([]workbench.CirceCohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.CirceCohort, string, int64, error) {
		out, err := sv.store.ListCirceCohorts(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// CirceCohort is the Circe cohort id of the workspace.
func (sv Circe) CirceCohort(ctx context.Context, ws, id string) (workbench.CirceCohort, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.CirceCohort, string, int64, error) {
		out, err := sv.store.CirceCohort(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveCirceCohort creates c in its workspace when c.ID is empty, and
// changes it otherwise. Its Definition must be a Circe expression that
// compiles: every field the compiler does not support is refused with its
// JSON path under "definition".
func (sv Circe) SaveCirceCohort(ctx context.Context, c workbench.CirceCohort) (workbench.CirceCohort, error) {
	action := access.CreateCohort
	if c.ID != "" {
		action = access.UpdateCohort
	}
	return guarded(ctx, sv.gate, action, c.WorkspaceID, func(req access.Request) (workbench.CirceCohort, string, int64, error) {
		var out workbench.CirceCohort
		if _, err := program(c.Definition); err != nil {
			return out, "", 0, err
		}
		var err error
		if c.ID == "" {
			out, err = sv.store.CreateCirceCohort(ctx, req.User.ID, c)
		} else {
			out, err = sv.store.UpdateCirceCohort(ctx, req.User.ID, c)
		}
		return out, out.ID, 1, err
	})
}

// program parses and compiles a Circe expression.
func program(definition []byte) (*circe.Program, error) {
	e, err := circe.Parse(definition)
	if err != nil {
		return nil, err
	}
	return circe.Compile(e)
}

// DeleteCirceCohort deletes the Circe cohort id of the workspace.
func (sv Circe) DeleteCirceCohort(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.DeleteCohort, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteCirceCohort(ctx, ws, id)
	})
	return err
}

// saved reads the program of the Circe cohort id of the workspace.
func (sv Circe) saved(ctx context.Context, ws, id string) (*circe.Program, error) {
	c, err := sv.store.CirceCohort(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	p, err := program(c.Definition)
	if err != nil {
		// It compiled when saved: the compiler changed since.
		return nil, fmt.Errorf("app: saved Circe cohort %s no longer compiles: %w", id, err)
	}
	return p, nil
}

// CirceCount is the entries and the distinct persons of the Circe cohort.
func (sv Circe) CirceCount(ctx context.Context, ws, id string) (circe.Counts, error) {
	return guarded(ctx, sv.gate, access.CohortCount, ws, func(access.Request) (circe.Counts, string, int64, error) {
		p, err := sv.saved(ctx, ws, id)
		if err != nil {
			return circe.Counts{}, id, 0, err
		}
		db, err := sv.db()
		if err != nil {
			return circe.Counts{}, id, 0, err
		}
		n, err := circe.Count(ctx, db, p)
		return n, id, 1, err
	})
}

// CirceAttrition is the inclusion rule statistics of the Circe cohort:
// the events and the persons passing each rule.
func (sv Circe) CirceAttrition(ctx context.Context, ws, id string) (*circe.Inclusion, error) {
	return guarded(ctx, sv.gate, access.CohortCount, ws, func(access.Request) (*circe.Inclusion, string, int64, error) {
		p, err := sv.saved(ctx, ws, id)
		if err != nil {
			return nil, id, 0, err
		}
		db, err := sv.db()
		if err != nil {
			return nil, id, 0, err
		}
		in, err := circe.InclusionStats(ctx, db, p)
		return in, id, 1, err
	})
}

// CirceRows is a page (from 0) of the Circe cohort's rows (subject_id,
// cohort_start_date, cohort_end_date): row-level data.
func (sv Circe) CirceRows(ctx context.Context, ws, id string, page, size int) (workbench.CircePage, error) {
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if page < 0 {
		problems.Add("page", "%d: want 0 or more", page)
	}
	if size < 1 || size > engine.MaxPageSize {
		problems.Add("size", "%d: want 1 to %d", size, engine.MaxPageSize)
	} else if page > math.MaxInt/size {
		problems.Add("page", "%d is too large", page)
	}
	if err := problems.Err(); err != nil {
		return workbench.CircePage{}, err
	}
	return guarded(ctx, sv.gate, access.CohortParticipants, ws, func(access.Request) (workbench.CircePage, string, int64, error) {
		p, err := sv.saved(ctx, ws, id)
		if err != nil {
			return workbench.CircePage{}, id, 0, err
		}
		db, err := sv.db()
		if err != nil {
			return workbench.CircePage{}, id, 0, err
		}
		n, err := circe.Count(ctx, db, p)
		if err != nil {
			return workbench.CircePage{}, id, 0, err
		}
		rows, err := circe.RowsPage(ctx, db, p, page*size, size)
		return workbench.CircePage{Rows: rows, Page: page, Size: size, Total: n.Entries}, id, int64(len(rows)), err
	})
}

// db is the database that Circe's SQL, DuckDB's, runs on. An engine
// without one (the Spark engine) cannot run Circe cohorts.
func (sv Circe) db() (*sql.DB, error) { return circeDB(sv.engine) }

// circeDB is the database that Circe cohorts run on: the DuckDB engine's.
func circeDB(e workbench.Engine) (*sql.DB, error) {
	if db := e.DB(); db != nil {
		return db, nil
	}
	return nil, fmt.Errorf("%w: Circe cohorts are not available on the Spark engine (they compile to DuckDB SQL only)", engine.ErrUnsupported)
}
