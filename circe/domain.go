package circe

// domain is how one Circe criteria type reads its OMOP table: the columns
// of the event and the start and end dates Circe gives it, with the
// defaults Circe applies when an end date is missing. Expressions are over
// the table alias t.
type domain struct {
	table   string
	id      string // event id column
	concept string // the concept a CodesetId filters ("" for none)
	source  string // the source concept a *SourceConcept filters
	start   string
	end     string
	visit   bool   // has visit_occurrence_id
	typ     string // *_type_concept_id column
	count   string // an era's occurrence count column
	// distinct is the concept column that distinct occurrence counts
	// count when the table has no concept (concept is empty).
	distinct string
	// keys are the JSON names of the attributes this type accepts beyond
	// those every type has, mapped to the Criteria field they fill.
	keys map[string]string
	// refused are keys circe-be knows that this type refuses, with why.
	refused map[string]string
}

// The attribute kinds a JSON key may fill (values of domain.keys).
const (
	attrCodeset         = "CodesetId"
	attrSource          = "SourceConcept"
	attrFirst           = "First"
	attrStartDate       = "StartDate"
	attrEndDate         = "EndDate"
	attrAge             = "Age"
	attrGender          = "Gender"
	attrType            = "Type"
	attrTypeExclude     = "TypeExclude"
	attrVisitType       = "VisitType"
	attrConditionStatus = "ConditionStatus"
	attrStopReason      = "StopReason"
	attrValueAsNumber   = "ValueAsNumber"
	attrValueAsConcept  = "ValueAsConcept"
	attrUnit            = "Unit"
	attrQuantity        = "Quantity"
	attrDaysSupply      = "DaysSupply"
	attrRefills         = "Refills"
	attrRangeLow        = "RangeLow"
	attrRangeHigh       = "RangeHigh"
	attrEraLength       = "EraLength"
	attrOccurrenceCount = "OccurrenceCount"
	attrAgeAtStart      = "AgeAtStart"
	attrAgeAtEnd        = "AgeAtEnd"
	attrVisitLength     = "VisitLength"
	attrPeriodLength    = "PeriodLength"
	attrProvider        = "ProviderSpecialty"
	attrPlaceOfService  = "PlaceOfService"
	attrAbnormal        = "Abnormal"
	attrRangeLowRatio   = "RangeLowRatio"
	attrRangeHighRatio  = "RangeHighRatio"
	attrDoseValue       = "DoseValue"
	attrEffectiveDose   = "EffectiveDrugDose"
	attrGapDays         = "GapDays"
	attrUserPeriod      = "UserDefinedPeriod"
	// attrConcepts and attrText prefix a column name: a list of concepts
	// that the column must hold, or a text filter on the column.
	attrConcepts = "concepts:"
	attrText     = "text:"
	// attrCodesetOf prefixes a column name that must hold a concept of the
	// concept set whose id the key holds.
	attrCodesetOf = "codeset:"
)

// event returns the keys every event table with a visit accepts: its own
// type column's key and source concept key named by prefix.
func event(prefix string, extra map[string]string) map[string]string {
	m := map[string]string{
		"CodesetId":              attrCodeset,
		"First":                  attrFirst,
		"OccurrenceStartDate":    attrStartDate,
		"OccurrenceEndDate":      attrEndDate,
		"Age":                    attrAge,
		"Gender":                 attrGender,
		prefix + "Type":          attrType,
		prefix + "TypeExclude":   attrTypeExclude,
		prefix + "SourceConcept": attrSource,
		"VisitType":              attrVisitType,
		"ProviderSpecialty":      attrProvider,
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// noEnd removes OccurrenceEndDate from the keys of a table whose events
// last a day: Circe has no such attribute there.
func noEnd(m map[string]string) map[string]string {
	delete(m, "OccurrenceEndDate")
	return m
}

// era returns the keys of the era tables; counted tells whether the table
// has an occurrence count column; extra are the table's own keys.
func era(counted bool, extra map[string]string) map[string]string {
	m := map[string]string{
		"CodesetId":       attrCodeset,
		"First":           attrFirst,
		"EraStartDate":    attrStartDate,
		"EraEndDate":      attrEndDate,
		"EraLength":       attrEraLength,
		"OccurrenceCount": attrOccurrenceCount,
		"AgeAtStart":      attrAgeAtStart,
		"AgeAtEnd":        attrAgeAtEnd,
		"Gender":          attrGender,
	}
	if !counted {
		delete(m, "OccurrenceCount")
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// Why some keys that circe-be knows are refused.
const (
	whyPlaceOfServiceLocation = "not supported: circe-be's SQL for it reads visit dates that its own subquery does not select, so OHDSI's tools make no cohort of it"
	whyIgnored                = "not supported: circe-be ignores it for this criteria type, so the cohort would not be the one asked for"
)

// beyond are the tables and columns outside OMOP CDM v5.3 and v5.4 that
// some criteria read, with where they come from. A CDR may have them (its
// tables keep unknown columns, and unknown tables are views of their
// name): the compiled program lists what it needs of them, and [Check]
// looks for them before a query runs.
var beyond = map[string]string{
	"drug_exposure.effective_drug_dose":  "a column of CDM v5.0 that v5.3 and v5.4 dropped",
	"drug_exposure.dose_unit_concept_id": "a column of CDM v5.0 that v5.3 and v5.4 dropped",
	"location.region_concept_id":         "a column of the OHDSI geographic extension, which circe-be marks for CDM 6.1 and later",
	"location_history":                   "a table of CDM v6 and the OHDSI geographic extension, absent from v5.3 and v5.4",
}

// domains maps each supported criteria type to its table. LocationRegion
// reads two tables (see locationRegion).
var domains = map[string]*domain{
	"ConditionOccurrence": {
		table: "condition_occurrence", id: "condition_occurrence_id",
		concept: "condition_concept_id", source: "condition_source_concept_id",
		start: "t.condition_start_date", end: "COALESCE(t.condition_end_date, t.condition_start_date + 1)",
		visit: true, typ: "condition_type_concept_id",
		keys: event("Condition", map[string]string{"ConditionStatus": attrConditionStatus, "StopReason": attrStopReason}),
	},
	"DrugExposure": {
		table: "drug_exposure", id: "drug_exposure_id",
		concept: "drug_concept_id", source: "drug_source_concept_id",
		start: "t.drug_exposure_start_date",
		end:   "COALESCE(t.drug_exposure_end_date, t.drug_exposure_start_date + CAST(t.days_supply AS INTEGER), t.drug_exposure_start_date + 1)",
		visit: true, typ: "drug_type_concept_id",
		keys: event("Drug", map[string]string{
			"Quantity": attrQuantity, "DaysSupply": attrDaysSupply, "Refills": attrRefills, "StopReason": attrStopReason,
			"RouteConcept": attrConcepts + "route_concept_id", "LotNumber": attrText + "lot_number",
			"EffectiveDrugDose": attrEffectiveDose, "DoseUnit": attrConcepts + "dose_unit_concept_id",
		}),
	},
	"ProcedureOccurrence": {
		table: "procedure_occurrence", id: "procedure_occurrence_id",
		concept: "procedure_concept_id", source: "procedure_source_concept_id",
		start: "t.procedure_date", end: "t.procedure_date + 1",
		visit: true, typ: "procedure_type_concept_id",
		keys: noEnd(event("Procedure", map[string]string{"Quantity": attrQuantity, "Modifier": attrConcepts + "modifier_concept_id"})),
	},
	"Measurement": {
		table: "measurement", id: "measurement_id",
		concept: "measurement_concept_id", source: "measurement_source_concept_id",
		start: "t.measurement_date", end: "t.measurement_date + 1",
		visit: true, typ: "measurement_type_concept_id",
		keys: noEnd(event("Measurement", map[string]string{
			"ValueAsNumber": attrValueAsNumber, "ValueAsConcept": attrValueAsConcept, "Unit": attrUnit,
			"RangeLow": attrRangeLow, "RangeHigh": attrRangeHigh, "RangeLowRatio": attrRangeLowRatio,
			"RangeHighRatio": attrRangeHighRatio, "Abnormal": attrAbnormal, "Operator": attrConcepts + "operator_concept_id",
		})),
	},
	"Observation": {
		table: "observation", id: "observation_id",
		concept: "observation_concept_id", source: "observation_source_concept_id",
		start: "t.observation_date", end: "t.observation_date + 1",
		visit: true, typ: "observation_type_concept_id",
		keys: noEnd(event("Observation", map[string]string{
			"ValueAsNumber": attrValueAsNumber, "ValueAsConcept": attrValueAsConcept, "Unit": attrUnit,
			"Qualifier": attrConcepts + "qualifier_concept_id", "ValueAsString": attrText + "value_as_string",
		})),
	},
	"DeviceExposure": {
		table: "device_exposure", id: "device_exposure_id",
		concept: "device_concept_id", source: "device_source_concept_id",
		start: "t.device_exposure_start_date", end: "COALESCE(t.device_exposure_end_date, t.device_exposure_start_date + 1)",
		visit: true, typ: "device_type_concept_id",
		keys: event("Device", map[string]string{"Quantity": attrQuantity, "UniqueDeviceId": attrText + "unique_device_id"}),
	},
	"VisitOccurrence": {
		table: "visit_occurrence", id: "visit_occurrence_id",
		concept: "visit_concept_id", source: "visit_source_concept_id",
		start: "t.visit_start_date", end: "t.visit_end_date",
		visit: true, typ: "visit_type_concept_id",
		keys: map[string]string{
			"CodesetId": attrCodeset, "First": attrFirst, "OccurrenceStartDate": attrStartDate,
			"OccurrenceEndDate": attrEndDate, "Age": attrAge, "Gender": attrGender,
			"VisitType": attrType, "VisitTypeExclude": attrTypeExclude, "VisitSourceConcept": attrSource,
			"VisitLength": attrVisitLength, "ProviderSpecialty": attrProvider, "PlaceOfService": attrPlaceOfService,
		},
		refused: map[string]string{"PlaceOfServiceLocation": whyPlaceOfServiceLocation},
	},
	"VisitDetail": {
		table: "visit_detail", id: "visit_detail_id",
		concept: "visit_detail_concept_id", source: "visit_detail_source_concept_id",
		start: "t.visit_detail_start_date", end: "t.visit_detail_end_date",
		visit: true, typ: "visit_detail_type_concept_id",
		keys: map[string]string{
			"CodesetId": attrCodeset, "First": attrFirst, "VisitDetailStartDate": attrStartDate,
			"VisitDetailEndDate": attrEndDate, "Age": attrAge, "Gender": attrGender,
			"VisitDetailSourceConcept": attrSource, "VisitDetailLength": attrVisitLength, "ProviderSpecialty": attrProvider,
			"VisitDetailType": attrType, "PlaceOfService": attrPlaceOfService,
		},
		refused: map[string]string{"PlaceOfServiceLocation": whyPlaceOfServiceLocation},
	},
	"ConditionEra": {
		table: "condition_era", id: "condition_era_id", concept: "condition_concept_id",
		start: "t.condition_era_start_date", end: "t.condition_era_end_date",
		count: "condition_occurrence_count", keys: era(true, nil),
	},
	"DrugEra": {
		table: "drug_era", id: "drug_era_id", concept: "drug_concept_id",
		start: "t.drug_era_start_date", end: "t.drug_era_end_date",
		count: "drug_exposure_count", keys: era(true, map[string]string{"GapDays": attrGapDays}),
	},
	"DoseEra": {
		table: "dose_era", id: "dose_era_id", concept: "drug_concept_id",
		start: "t.dose_era_start_date", end: "t.dose_era_end_date",
		keys: era(false, map[string]string{"Unit": attrUnit, "DoseValue": attrDoseValue}),
	},
	"Death": {
		table: "death", id: "person_id", concept: "cause_concept_id", source: "cause_source_concept_id",
		start: "t.death_date", end: "t.death_date + 1", typ: "death_type_concept_id",
		keys: map[string]string{
			"CodesetId": attrCodeset, "OccurrenceStartDate": attrStartDate, "Age": attrAge, "Gender": attrGender,
			"DeathType": attrType, "DeathTypeExclude": attrTypeExclude, "DeathSourceConcept": attrSource,
		},
	},
	"ObservationPeriod": {
		table: "observation_period", id: "observation_period_id",
		start: "t.observation_period_start_date", end: "t.observation_period_end_date",
		typ: "period_type_concept_id", distinct: "period_type_concept_id",
		keys: map[string]string{
			"First": attrFirst, "PeriodStartDate": attrStartDate, "PeriodEndDate": attrEndDate,
			"PeriodType": attrType, "PeriodTypeExclude": attrTypeExclude, "PeriodLength": attrPeriodLength,
			"AgeAtStart": attrAgeAtStart, "AgeAtEnd": attrAgeAtEnd, "UserDefinedPeriod": attrUserPeriod,
		},
	},
	"Specimen": {
		table: "specimen", id: "specimen_id", concept: "specimen_concept_id",
		start: "t.specimen_date", end: "t.specimen_date + 1", typ: "specimen_type_concept_id",
		keys: map[string]string{
			"CodesetId": attrCodeset, "First": attrFirst, "OccurrenceStartDate": attrStartDate,
			"Age": attrAge, "Gender": attrGender, "SpecimenType": attrType, "SpecimenTypeExclude": attrTypeExclude,
			"Quantity": attrQuantity, "Unit": attrUnit, "AnatomicSite": attrConcepts + "anatomic_site_concept_id",
			"DiseaseStatus": attrConcepts + "disease_status_concept_id", "SourceId": attrText + "specimen_source_id",
		},
		refused: map[string]string{"SpecimenSourceConcept": "not supported: the specimen table has no source concept column, and circe-be ignores it"},
	},
	"PayerPlanPeriod": {
		table: "payer_plan_period", id: "payer_plan_period_id",
		start: "t.payer_plan_period_start_date", end: "t.payer_plan_period_end_date", distinct: "payer_concept_id",
		keys: map[string]string{
			"First": attrFirst, "PeriodStartDate": attrStartDate, "PeriodEndDate": attrEndDate,
			"PeriodLength": attrPeriodLength, "AgeAtStart": attrAgeAtStart, "AgeAtEnd": attrAgeAtEnd, "Gender": attrGender,
			"UserDefinedPeriod": attrUserPeriod,
			"PayerConcept":      attrCodesetOf + "payer_concept_id", "PlanConcept": attrCodesetOf + "plan_concept_id",
			"SponsorConcept": attrCodesetOf + "sponsor_concept_id", "StopReasonConcept": attrCodesetOf + "stop_reason_concept_id",
			"PayerSourceConcept": attrCodesetOf + "payer_source_concept_id", "PlanSourceConcept": attrCodesetOf + "plan_source_concept_id",
			"SponsorSourceConcept": attrCodesetOf + "sponsor_source_concept_id", "StopReasonSourceConcept": attrCodesetOf + "stop_reason_source_concept_id",
		},
	},
	"LocationRegion": {
		table: "location_history", id: "location_history_id", concept: "region_concept_id",
		keys: map[string]string{"CodesetId": attrCodeset},
		refused: map[string]string{
			"StartDate": whyIgnored, "EndDate": whyIgnored, "DateAdjustment": whyIgnored,
		},
	},
}
