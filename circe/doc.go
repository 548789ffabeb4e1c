// Package circe runs OHDSI Circe cohort definitions, the JSON that ATLAS
// exports and the OHDSI Phenotype Library publishes, over a CDR, with the
// cohort that OHDSI's own tools produce.
//
// The pipeline is pure until it runs: [Parse] reads the JSON into an
// [Expression] (every problem reported at once, each with its JSON path,
// and any key that would change the cohort but that this package does not
// implement refused with its path rather than ignored), [Expression.Validate]
// checks references between parts, and [Compile] turns it into a [Program]:
// DuckDB SQL statements over the OMOP tables of a CDR, every value from the
// JSON (concept ids, dates, numbers, texts) bound as an argument. [Rows],
// [Count], [InclusionStats] and [Censored] run those statements on the
// *sql.DB of an opened CDR, after [Check] has found there what the
// program needs beyond OMOP CDM v5.3 and v5.4 (its [Program.Needs]).
// [ParseConceptSet] and [ExpandConceptSet] do the same for an OHDSI concept
// set expression alone.
//
// # Semantics
//
// The rules are circe-be's (github.com/OHDSI/circe-be), stated here in this
// project's words and checked by its own test cases (testdata/circe-be).
//
// Concept sets. An item contributes its concept if the concept table has
// it; with includeDescendants, its descendants in concept_ancestor whose
// invalid_reason is null; with includeMapped, the concepts that map to
// those ('Maps to' rows of concept_relationship with a null invalid_reason).
// Excluded items are expanded the same way and subtracted.
//
// Criteria. Each criteria type reads one table. Its event starts on the
// table's start date and ends on its end date, or where that is missing on
// the start plus one day (drug exposures: plus days_supply first); a
// measurement, observation, procedure, specimen or death ends the day after
// it starts. CodesetId keeps events whose concept is in the concept set; a
// *SourceConcept attribute does the same with the source concept. First
// keeps each person's earliest event of the concept set over their whole
// history, before the other attributes filter. Age is the year of the
// event's start less the year of birth (no birthday involved); AgeAtStart
// and AgeAtEnd use the start and end years. Date ranges compare the start
// or end date; numeric ranges take lt, lte, eq, !eq, gt, gte, bt and !bt
// (both bounds included), and ages, day counts and other counts compare
// with the whole part of the range's numbers. ProviderSpecialty reads the
// event's provider, PlaceOfService the visit's care site, VisitType the
// event's visit. A *CS form of a concept attribute (GenderCS,
// ConditionTypeCS, ...) names a concept set, which the column must hold a
// concept of (none of, with IsExclusion), or without a concept set, must be
// non-null (null). DateAdjustment moves the event's start and end to its start
// or end plus a number of days, and drops it when the end comes first;
// Abnormal means outside the reference range or valued
// 4155142 or 4155143 (abnormally high or low).
//
// Attributes of some types. A DoseEra's Unit (UnitCS) and DoseValue read
// dose_era's unit_concept_id and dose_value. A DrugExposure's DoseUnit
// (DoseUnitCS) and EffectiveDrugDose read drug_exposure's
// dose_unit_concept_id and effective_drug_dose, columns of CDM v5.0 that a
// CDR may keep. A UserDefinedPeriod of an ObservationPeriod or
// PayerPlanPeriod keeps the periods that contain its StartDate and its
// EndDate, and makes the event start on the one and end on the other where
// given (the other attributes still read the period's own dates, and so
// does the order of events). PayerPlanPeriod's PayerConcept, PlanConcept,
// SponsorConcept, StopReasonConcept and their *SourceConcept forms name a
// concept set that the column must hold a concept of. A LocationRegion is
// the location history of a person (location_history rows of domain
// PERSON, from start_date to end_date or 31 December 2099), with the
// location's region_concept_id in its concept set; a CDR needs the table
// location_history and the column location.region_concept_id, which CDM
// v5.3 and v5.4 lack. Distinct counts count an ObservationPeriod's type and
// a PayerPlanPeriod's payer as its concept.
//
// Entry events. The primary criteria's events of all types, each with the
// observation period that contains its start, kept when the period began
// at least PriorDays before and ends at least PostDays after. The
// PrimaryCriteriaLimit (First, Last or All) then keeps the earliest,
// latest or every event per person.
//
// Criteria groups (AdditionalCriteria, inclusion rules, CorrelatedCriteria)
// hold for an index event when ALL members match, ANY does, AT_LEAST Count
// or AT_MOST Count do. A correlated criterion matches when the number of its
// events, counted against Occurrence (0 exactly, 1 at most, 2 at least
// Count; IsDistinct counts distinct concepts, start dates or visits), fall
// in its windows: StartWindow bounds the event's start (its end with
// UseEventEnd) between the index start (its end with UseIndexEnd) plus
// Start.Days*Start.Coeff and plus End.Days*End.Coeff; EndWindow does the
// same for the event's end. A bound without Days stops at the index's
// observation period, and the event must start inside that period, unless
// IgnoreObservationPeriod. RestrictVisit asks for the index's visit. A
// demographic criterion reads the person at the index event.
//
// Qualifying events are the entry events for which AdditionalCriteria
// holds; QualifiedLimit applies only when there are additional criteria.
// Each inclusion rule is evaluated on each qualifying event; the events that
// pass every rule are kept, then ExpressionLimit applies. Absent limits mean
// First, as in circe-be.
//
// End of an episode: the earliest, on or after its start, of the end of
// the observation period (unless the end strategy is DateOffset), the end
// strategy's date, and the first start of a CensoringCriteria event on or
// after the index and within the period. DateOffset is the index start or
// end plus Offset days, capped at the period's end. CustomEra is the end of
// the era of exposures to DrugCodesetId (drug or source concept) that
// contains the index start: exposures end at their end date (else start
// plus days_supply, else plus one day; DaysSupplyOverride replaces all of
// these with start plus N), extended by GapDays plus Offset, merged when
// they overlap; the era ends GapDays before its last extended end. An
// episode without any end on or after its start is dropped.
//
// Collapse: a person's episodes that overlap once each end is extended by
// EraPad days merge into one, which ends at its latest end (the pad taken
// off again). CensorWindow then moves starts up to StartDate and ends down
// to EndDate and drops what is left empty; [Censored] counts the persons it
// removed.
//
// Inclusion statistics follow Circe's cohort_inclusion_result: for each
// qualifying event, a mask with bit i set when rule i holds; mode 0 counts
// events, mode 1 counts each person once by their best event (most rules,
// then the lowest first rule, then the earliest). [Attrition] derives from
// them, for each rule, those passing it, those passing it and all before
// it, and those failing only it.
//
// # Tables and columns beyond CDM v5.3 and v5.4
//
// Compile cannot see the CDR, so a part of an expression that reads what
// CDM v5.3 and v5.4 lack (DoseUnit, DoseUnitCS, EffectiveDrugDose,
// LocationRegion) compiles, and the program lists it in Needs with its
// path. [Rows], [RowsPage], [Count], [Censored] and [InclusionStats] call
// [Check] first, which returns an error matching [ErrInvalid] that names
// each such part and what the CDR lacks; a CDR that keeps these columns
// (a table's unknown columns pass through) or tables (an unknown table is a
// view of its name) runs them.
//
// # Not supported
//
// Refused with their path, each with why:
//   - VisitOccurrence's and VisitDetail's PlaceOfServiceLocation: circe-be's
//     SQL for it joins on visit dates that its own subquery does not
//     select, so OHDSI's tools make no cohort of it to match.
//   - Specimen's SpecimenSourceConcept: the specimen table has no source
//     concept, and circe-be ignores the key.
//   - LocationRegion's StartDate, EndDate and DateAdjustment: circe-be
//     ignores them, so the cohort would not be the one asked for.
//   - A DrugEra's GapDays without EraLength: circe-be makes no SQL of it.
//
// A text filter needs its Text.
//
// Four circe-be quirks are kept on purpose, so that cohorts match OHDSI's:
// a DrugExposure's OccurrenceEndDate is compared with the exposure's start
// date; a demographic criterion's RaceCS and EthnicityCS, like its
// GenderCS, test the person's gender_concept_id; a VisitDetail's Age is
// taken in the year of its end; and a DrugEra's GapDays compares the era's
// gap_days with EraLength's range, not its own.
package circe
