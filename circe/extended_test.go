package circe_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/fault"
)

// extended is the folder of this package's own cases for the attributes
// that circe-be's cohort generation tests leave out: an expression per
// attribute over the rows of extended_PREP.json (concept set 0 is concept
// 2, concept set 1 is concept 3).
const extended = "testdata/extended"

// extendedSchema is CDM v5.3 with what some criteria read beyond it: the
// dose columns that drug_exposure had in CDM v5.0, the region of a
// location and the location_history table.
func extendedSchema(t *testing.T) *cdr.Schema {
	t.Helper()
	base, err := cdr.SchemaFor(cdr.V53)
	require.NoError(t, err)
	s := &cdr.Schema{Version: base.Version}
	for _, table := range base.Tables {
		table.Columns = slices.Clone(table.Columns)
		switch table.Name {
		case "drug_exposure":
			table.Columns = append(table.Columns, cdr.Column{Name: "effective_drug_dose", Type: cdr.Float}, cdr.Column{Name: "dose_unit_concept_id", Type: cdr.Integer})
		case "location":
			table.Columns = append(table.Columns, cdr.Column{Name: "region_concept_id", Type: cdr.Integer})
		}
		s.Tables = append(s.Tables, table)
	}
	s.Tables = append(s.Tables, cdr.Table{Name: "location_history", Columns: []cdr.Column{
		{Name: "location_history_id", Type: cdr.Integer, Required: true, PrimaryKey: true},
		{Name: "location_id", Type: cdr.Integer, Required: true},
		{Name: "relationship_type_concept_id", Type: cdr.Integer},
		{Name: "domain_id", Type: cdr.Text, Required: true},
		{Name: "entity_id", Type: cdr.Integer, Required: true},
		{Name: "start_date", Type: cdr.Date, Required: true},
		{Name: "end_date", Type: cdr.Date},
	}})
	return s
}

// expression reads an expression of testdata/extended with edits applied.
func expression(t *testing.T, file string, edits ...edit) *circe.Program {
	t.Helper()
	data := readFile(t, filepath.Join(extended, file))
	if len(edits) > 0 {
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		for _, e := range edits {
			e(m)
		}
		var err error
		data, err = json.Marshal(m)
		require.NoError(t, err)
	}
	e, err := circe.Parse(data)
	require.NoError(t, err)
	p, err := circe.Compile(e)
	require.NoError(t, err)
	return p
}

// criterion replaces the attributes of the first primary criterion.
func criterion(domain string, attrs map[string]any) edit {
	return set("PrimaryCriteria.CriteriaList", []any{map[string]any{domain: attrs}})
}

// TestExtended runs each attribute that circe-be's own cases do not cover
// on hand-made rows; the persons and dates follow from circe-be's SQL for
// the attribute.
func TestExtended(t *testing.T) {
	db := loadCDRSchema(t, extendedSchema(t), filepath.Join(circeBE, "datasets/vocabulary.json"), filepath.Join(extended, "extended_PREP.json"))
	cs := func(id any, exclusion bool) map[string]any {
		return map[string]any{"CodesetId": id, "IsExclusion": exclusion}
	}
	for _, tc := range []struct {
		name  string
		file  string
		edits []edit
		want  []string
	}{
		// Doses 5, 20 and 7.5: between 5 and 10, both included.
		{"EffectiveDrugDose", "drugDose.json", nil, []string{"1 2001-01-01 2010-12-31", "3 2001-01-01 2010-12-31"}},
		// Units 2, 3 and none.
		{"DoseUnit", "drugDose.json", []edit{criterion("DrugExposure", map[string]any{"CodesetId": 0, "DoseUnit": []any{map[string]any{"CONCEPT_ID": 2}}})},
			[]string{"1 2001-01-01 2010-12-31"}},
		{"DoseUnitCS", "drugDose.json", []edit{criterion("DrugExposure", map[string]any{"CodesetId": 0, "DoseUnitCS": cs(1, false)})},
			[]string{"2 2001-01-01 2010-12-31"}},
		{"DoseUnitCS without a concept set", "drugDose.json", []edit{criterion("DrugExposure", map[string]any{"CodesetId": 0, "DoseUnitCS": cs(nil, true)})},
			[]string{"3 2001-01-01 2010-12-31"}},
		// Units 2, 3, 2 with doses 10, 10, 2.5.
		{"DoseEra Unit and DoseValue", "doseEra.json", nil, []string{"1 2002-01-01 2002-03-01"}},
		{"DoseEra UnitCS", "doseEra.json", []edit{criterion("DoseEra", map[string]any{"CodesetId": 0, "UnitCS": cs(1, false)})},
			[]string{"2 2002-01-01 2002-03-01"}},
		// Eras of 30, 100 and 20 days with gaps of 5, 5 and 60: GapDays
		// (more than 1,000) takes EraLength's range (less than 50), so the
		// first alone passes both.
		{"DrugEra GapDays", "drugEraGapDays.json", nil, []string{"1 2003-01-01 2003-01-31"}},
		// Periods 2000-2010 (persons 1 to 3), 2000-2005, 2003-2010 and
		// June 2001 to 1 January 2002: those that hold both dates, from
		// the one to the other.
		{"ObservationPeriod UserDefinedPeriod", "observationPeriodUserDefined.json", nil, []string{
			"1 2002-01-01 2004-12-31", "2 2002-01-01 2004-12-31", "3 2002-01-01 2004-12-31", "4 2002-01-01 2004-12-31"}},
		{"ObservationPeriod UserDefinedPeriod from a date", "observationPeriodUserDefined.json",
			[]edit{set("PrimaryCriteria.CriteriaList.0.ObservationPeriod.UserDefinedPeriod", map[string]any{"StartDate": "2002-01-01"})}, []string{
				"1 2002-01-01 2010-12-31", "2 2002-01-01 2010-12-31", "3 2002-01-01 2010-12-31", "4 2002-01-01 2005-12-31", "6 2002-01-01 2002-01-01"}},
		// Payers 2 (2004) and 3 (2004 to 2006).
		{"PayerConcept", "payerPlanPeriod.json", nil, []string{"2 2004-01-01 2006-12-31"}},
		{"PayerPlanPeriod UserDefinedPeriod", "payerPlanPeriod.json",
			[]edit{criterion("PayerPlanPeriod", map[string]any{"UserDefinedPeriod": map[string]any{"EndDate": "2004-06-30"}})},
			[]string{"1 2004-01-01 2004-06-30", "2 2004-01-01 2004-06-30"}},
		{"PlanConcept", "payerPlanPeriod.json", []edit{criterion("PayerPlanPeriod", map[string]any{"PlanConcept": 1})},
			[]string{"1 2004-01-01 2004-12-31"}},
		// Visit details of types 2, 3 and 0 at places of service 2, 3 and
		// none; the third spans the new year 2010 of a person born in 1970.
		{"VisitDetailTypeCS", "visitDetail.json", nil, []string{"1 2007-01-01 2007-01-05"}},
		{"VisitDetail PlaceOfServiceCS", "visitDetail.json", []edit{criterion("VisitDetail", map[string]any{"PlaceOfServiceCS": cs(1, false)})},
			[]string{"2 2007-01-01 2007-01-05"}},
		{"VisitDetail Age at the end", "visitDetail.json", []edit{criterion("VisitDetail", map[string]any{"Age": map[string]any{"Op": "eq", "Value": 40}})},
			[]string{"3 2009-12-30 2010-01-02"}},
		// Persons 1 (from 2001, open) and 4 (2001-02-01 to 2002-06-30) live
		// in region 2; person 3 in region 3; entity 2 is a care site.
		{"LocationRegion", "locationRegion.json", nil, []string{"1 2001-01-01 2010-12-31", "4 2001-02-01 2002-06-30"}},
		{"LocationRegion without a concept set", "locationRegion.json", []edit{criterion("LocationRegion", map[string]any{})},
			[]string{"1 2001-01-01 2010-12-31", "3 2001-01-01 2010-12-31", "4 2001-02-01 2002-06-30"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := expression(t, tc.file, tc.edits...)
			rows, err := circe.Rows(context.Background(), db, p)
			require.NoError(t, err)
			got := []string{}
			for _, r := range rows {
				got = append(got, formatRow(r.SubjectID, r.Start, r.End))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestCheck: a CDR of CDM v5.3 alone lacks what the dose attributes of a
// drug exposure and LocationRegion read; running them names the parts of
// the expression and what is missing.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	db := loadCDR(t, filepath.Join(circeBE, "datasets/vocabulary.json"))
	for _, tc := range []struct {
		name string
		p    *circe.Program
		want []string
	}{
		{"EffectiveDrugDose", expression(t, "drugDose.json"), []string{
			"PrimaryCriteria.CriteriaList[0].DrugExposure.EffectiveDrugDose: the CDR's drug_exposure has no effective_drug_dose (a column of CDM v5.0 that v5.3 and v5.4 dropped)",
		}},
		{"DoseUnitCS", expression(t, "drugDose.json", criterion("DrugExposure", map[string]any{"DoseUnitCS": map[string]any{"CodesetId": 1}})), []string{
			"PrimaryCriteria.CriteriaList[0].DrugExposure.DoseUnitCS: the CDR's drug_exposure has no dose_unit_concept_id (a column of CDM v5.0 that v5.3 and v5.4 dropped)",
		}},
		{"LocationRegion", expression(t, "locationRegion.json"), []string{
			"PrimaryCriteria.CriteriaList[0].LocationRegion: the CDR's location has no region_concept_id (a column of the OHDSI geographic extension, which circe-be marks for CDM 6.1 and later)",
			"PrimaryCriteria.CriteriaList[0].LocationRegion: the CDR has no table location_history (a table of CDM v6 and the OHDSI geographic extension, absent from v5.3 and v5.4)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := circe.Rows(ctx, db, tc.p)
			require.ErrorIs(t, err, circe.ErrInvalid)
			var got []string
			for _, f := range fault.FieldsOf(err) {
				got = append(got, pathMsg(f))
			}
			assert.Equal(t, tc.want, got)
			_, err = circe.Count(ctx, db, tc.p)
			require.ErrorIs(t, err, circe.ErrInvalid)
		})
	}
}
