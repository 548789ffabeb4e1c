package circe_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
)

// TestDateAdjustment moves each condition of circe-be's limits data (the
// first of seven months of 2000) to start 10 days and end 20 days after its
// start; the cohort ends at the moved end.
func TestDateAdjustment(t *testing.T) {
	db := loadCDR(t, filepath.Join(circeBE, "datasets/vocabulary.json"), filepath.Join(circeBE, "cohortgeneration/limits/limitTest_PREP.json"))
	e, err := circe.Parse([]byte(`{
  "ConceptSets": [{"id": 0, "expression": {"items": [{"concept": {"CONCEPT_ID": 1}, "includeDescendants": true}]}}],
  "PrimaryCriteria": {
    "CriteriaList": [{"ConditionOccurrence": {"CodesetId": 0,
      "DateAdjustment": {"StartWith": "START_DATE", "StartOffset": 10, "EndWith": "START_DATE", "EndOffset": 20}}}],
    "ObservationWindow": {"PriorDays": 0, "PostDays": 0},
    "PrimaryCriteriaLimit": {"Type": "All"}
  },
  "ExpressionLimit": {"Type": "All"},
  "EndStrategy": {"DateOffset": {"DateField": "EndDate", "Offset": 0}}
}`))
	require.NoError(t, err)
	p, err := circe.Compile(e)
	require.NoError(t, err)
	rows, err := circe.Rows(context.Background(), db, p)
	require.NoError(t, err)
	var got []string
	for _, r := range rows {
		got = append(got, formatRow(r.SubjectID, r.Start, r.End))
	}
	assert.Equal(t, []string{
		"1 2000-01-11 2000-01-21", "1 2000-02-11 2000-02-21", "1 2000-06-11 2000-06-21", "1 2000-07-11 2000-07-21",
		"1 2000-08-11 2000-08-21", "1 2000-11-11 2000-11-21", "1 2000-12-11 2000-12-21",
	}, got)
}
