//go:build cgo

package engine_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

func fracture(t *testing.T) *cohort.Definition {
	t.Helper()
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 4134304, "group": true}]}]}]}`))
	require.NoError(t, err)
	return def
}

func names(cols []cohort.DatasetColumn) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// TestDatasetGiBleed runs datasets on the indexed Eunomia GiBleed CDR and
// checks them against plain SQL over its OMOP tables.
func TestDatasetGiBleed(t *testing.T) {
	c := indexedGiBleed(t)
	info, ok := c.Index()
	require.True(t, ok)
	ctx := context.Background()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)

	cat, err := e.DatasetCatalog(ctx)
	require.NoError(t, err)
	for _, domain := range cohort.DatasetDomains {
		assert.Contains(t, cat, domain)
	}
	assert.Contains(t, cat[cohort.DomainCondition], cohort.DatasetColumn{Name: "condition_concept_name", Type: "VARCHAR", Concept: "condition_concept_id"})
	assert.Contains(t, cat[cohort.DomainCondition], cohort.DatasetColumn{Name: "condition_start_date", Type: "DATE"})
	assert.Contains(t, cat[cohort.DomainMeasurement], cohort.DatasetColumn{Name: "value_as_number", Type: "DOUBLE"})

	wrist := readExample(t, "wrist_fracture.json")
	fractures := &cohort.ConceptSet{Name: "fractures", Items: []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}}}
	d := &cohort.Dataset{
		Cohorts:     []*cohort.Definition{wrist},
		ConceptSets: []*cohort.ConceptSet{fractures},
		Columns: map[cohort.Domain][]string{
			cohort.DomainCondition: {"condition_concept_id", "condition_concept_name", "condition_start_date"},
			cohort.DomainPerson:    {"year_of_birth", "gender_concept_name"},
		},
	}
	count := func(t *testing.T, stmt string) int64 {
		var n int64
		require.NoError(t, c.DB().QueryRowContext(ctx, stmt).Scan(&n))
		return n
	}

	t.Run("rows match plain SQL, in order", func(t *testing.T) {
		want := count(t, `SELECT count(*) FROM condition_occurrence WHERE condition_concept_id IN
			(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4134304)`)
		require.Positive(t, want)
		var n int64
		var last int64
		err := e.DatasetRows(ctx, d, cohort.DomainCondition, func(cols []cohort.DatasetColumn, rows engine.Rows) error {
			assert.Equal(t, []string{"person_id", "condition_concept_id", "condition_concept_name", "condition_start_date"}, names(cols))
			for rows.Next() {
				var person, concept int64
				var name sql.NullString
				var start time.Time
				if err := rows.Scan(&person, &concept, &name, &start); err != nil {
					return err
				}
				assert.GreaterOrEqual(t, person, last)
				last = person
				assert.True(t, name.Valid && name.String != "", "concept %d has a name", concept)
				n++
			}
			return nil
		})
		require.NoError(t, err)
		// The cohort is everyone with such a condition, so every one of
		// them is a row.
		assert.Equal(t, want, n)
	})

	t.Run("person table is the cohort", func(t *testing.T) {
		n, err := e.Count(ctx, wrist)
		require.NoError(t, err)
		var rows int64
		err = e.DatasetRows(ctx, d, cohort.DomainPerson, func(cols []cohort.DatasetColumn, r engine.Rows) error {
			assert.Equal(t, []string{"person_id", "year_of_birth", "gender_concept_name"}, names(cols))
			for r.Next() {
				rows++
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, n, rows)
	})

	t.Run("union of cohorts without concept sets", func(t *testing.T) {
		celecoxib := readExample(t, "celecoxib_users.json")
		u := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist, celecoxib}, Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}}
		want := count(t, `SELECT count(DISTINCT person_id) FROM (
			SELECT person_id FROM condition_occurrence WHERE condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4134304)
			UNION ALL SELECT person_id FROM drug_exposure WHERE drug_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 1118084))`)
		var n int64
		err := e.DatasetRows(ctx, u, cohort.DomainPerson, func(_ []cohort.DatasetColumn, r engine.Rows) error {
			for r.Next() {
				n++
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, want, n)
	})

	t.Run("preview", func(t *testing.T) {
		p, err := e.PreviewDataset(ctx, d, cohort.DomainCondition, 5)
		require.NoError(t, err)
		assert.Equal(t, cohort.DomainCondition, p.Domain)
		require.Len(t, p.Rows, 5)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, p.Rows[0][3], "dates as text")
		_, err = e.PreviewDataset(ctx, d, cohort.DomainCondition, engine.MaxDatasetPreview+1)
		require.ErrorIs(t, err, cohort.ErrInvalid)
	})

	t.Run("invalid dataset", func(t *testing.T) {
		bad := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist}, Columns: map[cohort.Domain][]string{cohort.DomainCondition: {"person_id", "no_such_column"}}}
		err := e.DatasetRows(ctx, bad, cohort.DomainCondition, func([]cohort.DatasetColumn, engine.Rows) error { return nil })
		list := fault.FieldsOf(err)
		require.NotEmpty(t, list, "%v", err)
		assert.Equal(t, "columns.CONDITION[1]", list[0].Path)
	})

	t.Run("cancelled before", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := e.DatasetRows(cctx, d, cohort.DomainCondition, func([]cohort.DatasetColumn, engine.Rows) error { return nil })
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("cancelled while reading", func(t *testing.T) {
		// Whether the rows stop early is database/sql's to say (the
		// DuckDB driver hands out rows in chunks); the caller must learn
		// that the table it got may be cut short.
		drugs := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist}, Columns: map[cohort.Domain][]string{cohort.DomainDrug: {"drug_concept_id"}}}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := e.DatasetRows(cctx, drugs, cohort.DomainDrug, func(_ []cohort.DatasetColumn, r engine.Rows) error {
			cancel() // as a client that goes away does
			for r.Next() {
			}
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
	})
}
