package circe_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGoldenSQL compiles representative expressions and compares the
// cohort SQL and its arguments with testdata/golden/NAME.sql.
func TestGoldenSQL(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"celecoxib", "eunomia/celecoxib.json"},
		{"inclusion_rule", "circe-be/cohortgeneration/inclusionRules/simpleInclusionRule.json"},
		{"custom_era_censor", "circe-be/cohortgeneration/exits/continuousExposureCensorExpression.json"},
		{"groups", "circe-be/cohortgeneration/correlatedCriteria/groupExpression.json"},
		{"gi_bleed_inpatient", "phenotype/77.json"},
		{"user_defined_period", "extended/observationPeriodUserDefined.json"},
		{"location_region", "extended/locationRegion.json"},
		{"drug_era_gap_days", "extended/drugEraGapDays.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := circe.Parse(readFile(t, filepath.Join("testdata", tc.file)))
			require.NoError(t, err)
			p, err := circe.Compile(e)
			require.NoError(t, err)
			args, err := json.Marshal(p.Cohort.Args)
			require.NoError(t, err)
			got := "-- args: " + string(args) + "\n" + p.Cohort.SQL + "\n"
			path := filepath.Join("testdata", "golden", tc.name+".sql")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want := string(readFile(t, path))
			assert.Equal(t, want, got)
			assert.Equal(t, strings.Count(p.Cohort.SQL, "?"), len(p.Cohort.Args))
		})
	}
}
