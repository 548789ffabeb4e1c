package circe_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
)

// minimal wraps criteria JSON into an expression with one concept set (id
// 0) and that criterion as its only entry event.
func minimal(criterion string) string {
	return `{"ConceptSets": [{"id": 0, "name": "x", "expression": {"items": [{"concept": {"CONCEPT_ID": 1}}]}}],
"PrimaryCriteria": {"CriteriaList": [` + criterion + `]}}`
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		json string
		want []string // each error, path first
	}{
		{"not JSON", `{`, []string{"not JSON: unexpected EOF"}},
		{"not an object", `[]`, []string{"want an object"}},
		{"no entry events", `{}`, []string{"PrimaryCriteria: want the entry events"}},
		{"empty criteria list", `{"PrimaryCriteria": {"CriteriaList": []}}`, []string{"PrimaryCriteria.CriteriaList: want at least one criterion"}},
		{"unsupported criteria type", minimal(`{"LocationRegion": {"CodesetId": 0}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].LocationRegion: criteria type not supported"}},
		{"unsupported attribute", minimal(`{"ConditionOccurrence": {"CodesetId": 0, "ProviderSpecialty": [{"CONCEPT_ID": 38004456}]}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].ConditionOccurrence.ProviderSpecialty: not supported"}},
		{"unsupported top-level key", `{"PrimaryCriteria": {"CriteriaList": [{"Death": {}}]}, "Extra": 1}`, []string{"Extra: not supported"}},
		{"empty parts are absent", `{"PrimaryCriteria": {"CriteriaList": [{"Death": {}}]}, "AdditionalCriteria": {}, "CensorWindow": {}, "InclusionRules": [], "Extra": null}`, nil},
		{"window days not a number", minimal(`{"ConditionOccurrence": {"CodesetId": 0, "CorrelatedCriteria": {"Type": "ALL", "CriteriaList": [
  {"Criteria": {"Death": {}}, "StartWindow": {"Start": {"Coeff": -1}, "End": {"Coeff": 1}}},
  {"Criteria": {"Death": {}}, "StartWindow": {"Start": {"Days": "30", "Coeff": -1}, "End": {"Coeff": 1}}}]}}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].ConditionOccurrence.CorrelatedCriteria.CriteriaList[1].StartWindow.Start.Days: want a number"}},
		{"every problem at once", `{"PrimaryCriteria": {"CriteriaList": [{"Death": {"Age": {"Op": "about", "Value": 3}}}], "PrimaryCriteriaLimit": {"Type": "Some"}},
"CensorWindow": {"StartDate": "2020-13-01"}, "CollapseSettings": {"EraPad": -1}}`, []string{
			"PrimaryCriteria.CriteriaList[0].Death.Age.Op: want one of lt, lte, eq, !eq, gt, gte, bt, !bt",
			"PrimaryCriteria.PrimaryCriteriaLimit.Type: want one of First, Last, All",
			"CollapseSettings.EraPad: want 0 or more days",
			"CensorWindow.StartDate: want a date YYYY-MM-DD",
		}},
		{"between wants an extent", minimal(`{"Measurement": {"CodesetId": 0, "ValueAsNumber": {"Op": "bt", "Value": 1}}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].Measurement.ValueAsNumber.Extent: want a number"}},
		{"occurrence type", minimal(`{"ConditionOccurrence": {"CodesetId": 0}}`)[:0] + `{"PrimaryCriteria": {"CriteriaList": [{"Death": {}}]}, "AdditionalCriteria": {"Type": "ALL", "CriteriaList": [
  {"Criteria": {"Death": {}}, "StartWindow": {"Start": {"Coeff": -1}, "End": {"Coeff": 1}}, "Occurrence": {"Type": 7, "Count": 1}}]}}`,
			[]string{"AdditionalCriteria.CriteriaList[0].Occurrence.Type: want 0 (exactly), 1 (at most) or 2 (at least)"}},
		{"missing concept set", minimal(`{"DrugExposure": {"CodesetId": 4}}`), []string{"PrimaryCriteria.CriteriaList[0].DrugExposure.CodesetId: no concept set has id 4"}},
		{"custom era without drugs", `{"PrimaryCriteria": {"CriteriaList": [{"Death": {}}]}, "EndStrategy": {"CustomEra": {"GapDays": 30}}}`,
			[]string{"EndStrategy.CustomEra.DrugCodesetId: want the concept set of the drugs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := circe.Parse([]byte(tc.json))
			if err == nil {
				_, err = circe.Compile(e)
			}
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, circe.ErrInvalid)
			var got []string
			switch err := err.(type) {
			case circe.ValidationErrors:
				for _, e := range err {
					got = append(got, pathMsg(e))
				}
			case *circe.ValidationError:
				got = []string{pathMsg(err)}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func pathMsg(e *circe.ValidationError) string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// TestParseAllCriteria: circe-be's expression that uses every criteria type
// parses but for the attributes this package refuses, each named by its
// path.
func TestParseAllCriteria(t *testing.T) {
	_, err := circe.Parse(readFile(t, filepath.Join(circeBE, "cohortgeneration/allCriteria/allCriteriaExpression.json")))
	var errs circe.ValidationErrors
	require.ErrorAs(t, err, &errs)
	for _, e := range errs {
		assert.Equal(t, "not supported", e.Msg, e.Path)
	}
}
