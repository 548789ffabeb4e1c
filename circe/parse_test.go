package circe_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/fault"
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
		{"unknown criteria type", minimal(`{"Region": {"CodesetId": 0}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].Region: criteria type not supported"}},
		{"unknown attribute", minimal(`{"DrugExposure": {"CodesetId": 0, "Dose": [{"CONCEPT_ID": 8576}]}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].DrugExposure.Dose: not supported"}},
		{"place of service location", minimal(`{"VisitOccurrence": {"CodesetId": 0, "PlaceOfServiceLocation": 0}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].VisitOccurrence.PlaceOfServiceLocation: not supported: circe-be's SQL for it reads visit dates that its own subquery does not select, so OHDSI's tools make no cohort of it"}},
		{"specimen source concept", minimal(`{"Specimen": {"CodesetId": 0, "SpecimenSourceConcept": 0}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].Specimen.SpecimenSourceConcept: not supported: the specimen table has no source concept column, and circe-be ignores it"}},
		{"what circe-be ignores of a location region", minimal(`{"LocationRegion": {"CodesetId": 0, "StartDate": {"Op": "gt", "Value": "2000-01-01"},
  "DateAdjustment": {"StartWith": "START_DATE", "StartOffset": 1}}}`), []string{
			"PrimaryCriteria.CriteriaList[0].LocationRegion.DateAdjustment: not supported: circe-be ignores it for this criteria type, so the cohort would not be the one asked for",
			"PrimaryCriteria.CriteriaList[0].LocationRegion.StartDate: not supported: circe-be ignores it for this criteria type, so the cohort would not be the one asked for",
		}},
		{"gap days without era length", minimal(`{"DrugEra": {"CodesetId": 0, "GapDays": {"Op": "gt", "Value": 30}}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].DrugEra.GapDays: want EraLength beside it: circe-be compares gap_days with EraLength's range, and makes no SQL without one"}},
		{"user-defined period date", minimal(`{"ObservationPeriod": {"UserDefinedPeriod": {"StartDate": "2020-02-30"}}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].ObservationPeriod.UserDefinedPeriod.StartDate: want a date YYYY-MM-DD"}},
		{"payer concept set", minimal(`{"PayerPlanPeriod": {"PlanSourceConcept": 3}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].PayerPlanPeriod.PlanSourceConcept: no concept set has id 3"}},
		{"attribute of another type", minimal(`{"Measurement": {"CodesetId": 0, "OccurrenceEndDate": {"Op": "lt", "Value": "2020-01-01"}}}`),
			[]string{"PrimaryCriteria.CriteriaList[0].Measurement.OccurrenceEndDate: not supported"}},
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
			for _, e := range fault.FieldsOf(err) {
				got = append(got, pathMsg(e))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func pathMsg(e fault.Field) string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// TestAllCriteria: circe-be's expression that uses every criteria type
// and attribute parses but for what this package refuses, each named by its
// path; without those, it compiles, and runs on circe-be's test vocabulary
// once the CDR has the dose columns of a drug exposure, which CDM v5.3
// lacks.
func TestAllCriteria(t *testing.T) {
	data := readFile(t, filepath.Join(circeBE, "cohortgeneration/allCriteria/allCriteriaExpression.json"))
	_, err := circe.Parse(data)
	errs := fault.FieldsOf(err)
	require.NotEmpty(t, errs, "%v", err)
	var got []string
	for _, e := range errs {
		got = append(got, pathMsg(e))
	}
	assert.Equal(t, []string{
		"InclusionRules[4].expression.CriteriaList[0].Criteria.DeviceExposure.UniqueDeviceId.Text: want a string",
	}, got)

	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	del := func(v any, keys ...string) {
		for _, k := range keys[:len(keys)-1] {
			if i, err := strconv.Atoi(k); err == nil {
				v = v.([]any)[i]
			} else {
				v = v.(map[string]any)[k]
			}
		}
		delete(v.(map[string]any), keys[len(keys)-1])
	}
	del(m, "InclusionRules", "4", "expression", "CriteriaList", "0", "Criteria", "DeviceExposure", "UniqueDeviceId")
	data, err = json.Marshal(m)
	require.NoError(t, err)
	e, err := circe.Parse(data)
	require.NoError(t, err)
	p, err := circe.Compile(e)
	require.NoError(t, err)
	ctx := context.Background()
	vocabulary := filepath.Join(circeBE, "datasets/vocabulary.json")
	_, err = circe.Rows(ctx, loadCDR(t, vocabulary), p)
	got = nil
	for _, e := range fault.FieldsOf(err) {
		got = append(got, e.Path)
	}
	assert.Equal(t, []string{
		"InclusionRules[6].expression.CriteriaList[0].Criteria.DrugExposure.DoseUnit",
		"InclusionRules[6].expression.CriteriaList[0].Criteria.DrugExposure.EffectiveDrugDose",
	}, got)
	db := loadCDRSchema(t, extendedSchema(t), vocabulary, filepath.Join(extended, "extended_PREP.json"))
	_, err = circe.Rows(ctx, db, p)
	require.NoError(t, err)
	_, err = circe.InclusionStats(ctx, db, p)
	require.NoError(t, err)
}
