package circe_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// firstCelecoxib is each person's first drug era of celecoxib (1118084)
// that falls in an observation period, with that period's end.
const firstCelecoxib = `WITH f AS (
SELECT DISTINCT ON (de.person_id) de.person_id, de.drug_era_start_date AS start_date, op.observation_period_end_date AS op_end
FROM drug_era de
JOIN observation_period op ON op.person_id = de.person_id
  AND de.drug_era_start_date BETWEEN op.observation_period_start_date AND op.observation_period_end_date
WHERE de.drug_concept_id = 1118084
ORDER BY de.person_id, de.drug_era_start_date
)
`

// TestGiBleed compiles the CohortGenerator and Phenotype Library cohorts
// and runs them on Eunomia GiBleed.
func TestGiBleed(t *testing.T) {
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	for _, tc := range []struct {
		file string
		// oracle, when set, counts the same cohort with a query written by
		// hand; want is then checked against it as well.
		oracle string
		want   circe.Counts
	}{
		// Published by OHDSI CohortGenerator (testdata/eunomia/GROUND_TRUTH.md).
		{"eunomia/celecoxib.json", firstCelecoxib + `SELECT count(*), count(*) FROM f`, circe.Counts{Entries: 1800, Subjects: 1800}},
		// No published figures: these are checked against hand-written
		// queries of the same rules (each person's first celecoxib era; age
		// as year of the era less year of birth).
		{"eunomia/celecoxibAge40.json", firstCelecoxib + `SELECT count(*), count(*) FROM f JOIN person p USING (person_id)
WHERE year(f.start_date) - p.year_of_birth > 40`, circe.Counts{Entries: 569, Subjects: 569}},
		{"eunomia/celecoxibAge40Male.json", firstCelecoxib + `SELECT count(*), count(*) FROM f JOIN person p USING (person_id)
WHERE year(f.start_date) - p.year_of_birth > 40 AND p.gender_concept_id = 8507`, circe.Counts{Entries: 266, Subjects: 266}},
		{"eunomia/celecoxibCensored.json", firstCelecoxib + `SELECT count(*), count(*) FROM f WHERE f.op_end >= DATE '2000-01-01'`, circe.Counts{Entries: 1750, Subjects: 1750}},
		// GiBleed holds no type 2 diabetes, so the three diabetes phenotypes
		// are empty there; they must still parse, compile and run.
		{"phenotype/503.json", "", circe.Counts{}},
		{"phenotype/1032.json", "", circe.Counts{}},
		{"phenotype/1053.json", "", circe.Counts{}},
		// This project's result, kept so that a change shows.
		{"phenotype/77.json", "", circe.Counts{Entries: 391, Subjects: 391}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e, err := circe.Parse(readFile(t, filepath.Join("testdata", tc.file)))
			require.NoError(t, err)
			p, err := circe.Compile(e)
			require.NoError(t, err)
			got, err := circe.Count(ctx, c.DB(), p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			if tc.oracle != "" {
				var o circe.Counts
				require.NoError(t, c.DB().QueryRowContext(ctx, tc.oracle).Scan(&o.Entries, &o.Subjects))
				assert.Equal(t, o, got, "the hand-written query")
			}
		})
	}
}
