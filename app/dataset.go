package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/internal/store"
)

// Datasets is the datasets of workspaces: saved selections in the
// store, and their tables from the engine, gated and audited. Changing
// and deleting a dataset need the role of creating one (WRITER).
type Datasets struct {
	gate   *gate
	store  *store.Store
	engine workbench.Engine
}

// Datasets is the datasets of the workspace.
func (sv Datasets) Datasets(ctx context.Context, ws string) ([]workbench.Dataset, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.Dataset, string, int64, error) {
		out, err := sv.store.ListDatasets(ctx, ws)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Dataset is the dataset id of the workspace.
func (sv Datasets) Dataset(ctx context.Context, ws, id string) (workbench.Dataset, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.Dataset, string, int64, error) {
		out, err := sv.store.Dataset(ctx, ws, id)
		return out, id, 1, err
	})
}

// SaveDataset creates d in its workspace when d.ID is empty, and changes it
// otherwise, after checking its columns against the CDR's catalog: every
// problem comes back with its path (`columns.CONDITION[2]`).
func (sv Datasets) SaveDataset(ctx context.Context, d workbench.Dataset) (workbench.Dataset, error) {
	return guarded(ctx, sv.gate, access.CreateDataset, d.WorkspaceID, func(req access.Request) (workbench.Dataset, string, int64, error) {
		if err := sv.check(ctx, d); err != nil {
			return workbench.Dataset{}, "", 0, err
		}
		var (
			out workbench.Dataset
			err error
		)
		if d.ID == "" {
			out, err = sv.store.CreateDataset(ctx, req.User.ID, d)
		} else {
			out, err = sv.store.UpdateDataset(ctx, req.User.ID, d)
		}
		return out, out.ID, 1, err
	})
}

// DeleteDataset deletes the dataset id of the workspace.
func (sv Datasets) DeleteDataset(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.gate, access.CreateDataset, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.store.DeleteDataset(ctx, ws, id)
	})
	return err
}

// check reports every problem of the selection d at its path: no cohort,
// a Circe cohort that needs what the CDR lacks, columns the CDR's catalog
// does not have.
func (sv Datasets) check(ctx context.Context, d workbench.Dataset) error {
	cat, err := sv.engine.DatasetCatalog(ctx)
	if err != nil {
		return err
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if len(d.CohortIDs) == 0 {
		problems.Add("cohort_ids", "empty: a dataset needs at least one cohort")
	}
	for i, cid := range d.CohortIDs {
		if !strings.HasPrefix(cid, workbench.CircePrefix) {
			continue
		}
		_, err := sv.circeCohort(ctx, d.WorkspaceID, cid)
		fields := fault.FieldsOf(err)
		if err != nil && fields == nil {
			return err
		}
		for _, f := range fields {
			problems.Add(fmt.Sprintf("cohort_ids[%d]", i), "%s: %s", f.Path, f.Message)
		}
	}
	problems.List = append(problems.List, fault.FieldsOf(cat.Check(d.Columns))...)
	return problems.Err()
}

// DatasetColumns is the columns a dataset of the workspace may choose, per
// domain: the CDR's catalog, which the Dataset Builder offers.
func (sv Datasets) DatasetColumns(ctx context.Context, ws string) (cohort.DatasetCatalog, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (cohort.DatasetCatalog, string, int64, error) {
		cat, err := sv.engine.DatasetCatalog(ctx)
		return cat, "", int64(len(cat)), err
	})
}

// load reads the dataset id of the workspace with the definitions of its
// cohorts and concept sets.
func (sv Datasets) load(ctx context.Context, ws, id string) (*cohort.Dataset, error) {
	saved, err := sv.store.Dataset(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	return sv.selection(ctx, ws, saved)
}

// circeCohort is the compiled Circe cohort cid of the workspace. A dataset
// runs the cohort's statement itself, so the tables and columns beyond
// the CDM that it needs are checked here, as circe's own runs check them.
func (sv Datasets) circeCohort(ctx context.Context, ws, cid string) (*circe.Program, error) {
	c, err := sv.store.CirceCohort(ctx, ws, cid)
	if err != nil {
		return nil, err
	}
	p, err := program(c.Definition)
	if err != nil {
		return nil, fmt.Errorf("app: saved Circe cohort %s no longer compiles: %w", cid, err)
	}
	db, err := circeDB(sv.engine)
	if err != nil {
		return nil, err
	}
	if err := circe.Check(ctx, db, p); err != nil {
		return nil, err
	}
	return p, nil
}

// selection is the dataset of the workspace that saved selects (saved or
// not), with the definitions of its cohorts and concept sets, which must
// be the workspace's.
func (sv Datasets) selection(ctx context.Context, ws string, saved workbench.Dataset) (*cohort.Dataset, error) {
	d := &cohort.Dataset{Columns: saved.Columns}
	for _, cid := range saved.CohortIDs {
		if strings.HasPrefix(cid, workbench.CircePrefix) {
			p, err := sv.circeCohort(ctx, ws, cid)
			if err != nil {
				return nil, err
			}
			d.Persons = append(d.Persons, cohort.Query{SQL: p.Persons.SQL, Args: p.Persons.Args})
			continue
		}
		c, err := sv.store.Cohort(ctx, ws, cid)
		if err != nil {
			return nil, err
		}
		def, err := cohort.Parse(c.Definition)
		if err != nil {
			// The definition passed Parse when saved: the server's fault.
			return nil, fmt.Errorf("app: saved cohort %s no longer parses: %v", cid, err)
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
			return nil, fmt.Errorf("app: saved concept set %s: %v", sid, err)
		}
		d.ConceptSets = append(d.ConceptSets, &cs)
	}
	return d, nil
}

// PreviewDataset is the first limit rows of the domain's table of the dataset
// id: row-level data.
func (sv Datasets) PreviewDataset(ctx context.Context, ws, id string, domain cohort.Domain, limit int) (*engine.DatasetPreview, error) {
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

// PreviewSelection is the first limit rows of the domain's table of d, a
// selection of the workspace d.WorkspaceID not saved (the Dataset
// Builder's preview): row-level data, gated and audited as the preview of
// a saved dataset. Its problems come back at their paths, as SaveDataset
// reports them.
func (sv Datasets) PreviewSelection(ctx context.Context, d workbench.Dataset, domain cohort.Domain, limit int) (*engine.DatasetPreview, error) {
	ws := d.WorkspaceID
	return guarded(ctx, sv.gate, access.PreviewDataset, ws, func(access.Request) (*engine.DatasetPreview, string, int64, error) {
		if err := sv.check(ctx, d); err != nil {
			return nil, "", 0, err
		}
		sel, err := sv.selection(ctx, ws, d)
		if err != nil {
			return nil, "", 0, err
		}
		p, err := sv.engine.PreviewDataset(ctx, sel, domain, limit)
		if err != nil {
			return nil, "", 0, err
		}
		return p, "", int64(len(p.Rows)), nil
	})
}

// Export reads the domain's table of the dataset id and hands its columns
// and rows to write, which returns how many rows it wrote: row-level data,
// audited with that number, also when write failed part way (the rows
// written went out).
func (sv Datasets) Export(ctx context.Context, ws, id string, domain cohort.Domain, write func([]export.Column, export.Rows) (int64, error)) error {
	req, err := sv.gate.check(ctx, access.ExportDataset, ws)
	if err != nil {
		return err
	}
	d, err := sv.load(ctx, ws, id)
	if err != nil {
		return err
	}
	var n int64
	err = sv.engine.DatasetRows(ctx, d, domain, func(cols []cohort.DatasetColumn, rows engine.Rows) error {
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

// ExportName is the file name of the download of the domain's table of
// the dataset id in format f: "d_1-condition.csv". The domain is in lower
// case there, as OMOP's tables and most files are named; the API and the
// code that reads the file spell it in upper case.
func ExportName(id string, domain cohort.Domain, f export.Format) string {
	return id + "-" + strings.ToLower(string(domain)) + "." + f.Extension()
}
