package circe

import (
	"fmt"
	"strings"
)

// criteria compiles one domain criterion to a query of its events with the
// columns person_id, event_id, start_date, end_date, visit_occurrence_id,
// sort_date and domain_concept_id.
func (c *compiler) criteria(cr *Criteria) *sqlText {
	d := domains[cr.Domain]
	if cr.Domain == "LocationRegion" {
		return c.correlate(cr, c.outer(cr, c.locationRegion(cr)))
	}
	inner := &sqlText{}
	inner.w("SELECT t.*, t.", q(d.id), " AS event_id, ")
	if a := cr.DateAdjustment; a != nil {
		pick := func(with string) string {
			if with == "END_DATE" {
				return d.end
			}
			return d.start
		}
		inner.w(pick(a.StartWith), " + ").days(a.StartOffset).w(" AS start_date, ", pick(a.EndWith), " + ").days(a.EndOffset).w(" AS end_date")
	} else {
		inner.w(d.start, " AS start_date, ", d.end, " AS end_date")
	}
	if d.concept != "" {
		inner.w(", t.", q(d.concept), " AS domain_concept_id")
	} else if d.distinct != "" {
		inner.w(", t.", q(d.distinct), " AS domain_concept_id")
	} else {
		inner.w(", CAST(NULL AS BIGINT) AS domain_concept_id")
	}
	if !d.visit {
		inner.w(", CAST(NULL AS BIGINT) AS visit_occurrence_id")
	}
	if cr.First {
		// First means the first event of the person's whole history among
		// those of the concept set, before any other attribute filters.
		inner.w(", row_number() OVER (PARTITION BY t.person_id ORDER BY ", d.start, ", t.", q(d.id), ") AS ordinal")
	}
	inner.w("\nFROM ", q(d.table), " t")
	var filters []*sqlText
	if cr.CodesetID != nil {
		filters = append(filters, inCodeset("t."+q(d.concept), *cr.CodesetID))
	}
	if cr.SourceCodesetID != nil {
		filters = append(filters, inCodeset("t."+q(d.source), *cr.SourceCodesetID))
	}
	for i, f := range filters {
		inner.w(map[bool]string{true: "\nWHERE ", false: " AND "}[i == 0]).add(f)
	}

	t := c.outer(cr, inner)
	selects := map[string]bool{}
	for _, s := range cr.Selections {
		selects[s.Kind] = true
	}
	needPerson := cr.Age != nil || len(cr.Gender) > 0 || cr.AgeAtStart != nil || cr.AgeAtEnd != nil || selects[attrGender]
	if needPerson {
		t.w("\nJOIN ", q("person"), " P ON C.person_id = P.person_id")
	}
	if (len(cr.VisitType) > 0 || selects[attrVisitType]) && cr.Domain != "VisitOccurrence" {
		t.w("\nJOIN ", q("visit_occurrence"), " V ON C.visit_occurrence_id = V.visit_occurrence_id AND C.person_id = V.person_id")
	}
	if len(cr.Provider) > 0 || selects[attrProvider] {
		t.w("\nLEFT JOIN ", q("provider"), " PR ON C.provider_id = PR.provider_id")
	}
	if len(cr.PlaceOfService) > 0 || selects[attrPlaceOfService] {
		t.w("\nJOIN ", q("care_site"), " CS ON C.care_site_id = CS.care_site_id")
	}
	var where []*sqlText
	add := func(s *sqlText) { where = append(where, s) }
	if p := cr.UserDefinedPeriod; p != nil {
		// The period must contain each date given.
		for _, day := range []string{p.StartDate, p.EndDate} {
			if day != "" {
				add((&sqlText{}).w("C.start_date <= ").date(day).w(" AND C.end_date >= ").date(day))
			}
		}
	}
	if cr.DateAdjustment != nil {
		add((&sqlText{}).w("C.end_date >= C.start_date"))
	}
	if cr.First {
		add((&sqlText{}).w("C.ordinal = 1"))
	}
	if cr.StartDate != nil {
		add(dateClause("C.start_date", cr.StartDate))
	}
	if cr.EndDate != nil {
		// circe-be compares a drug exposure's OccurrenceEndDate with its
		// start date; the same cohort as OHDSI's tools needs the same.
		col := "C.end_date"
		if cr.Domain == "DrugExposure" {
			col = "C.start_date"
		}
		add(dateClause(col, cr.EndDate))
	}
	if len(cr.Provider) > 0 {
		add(inIDs("PR.specialty_concept_id", cr.Provider))
	}
	if len(cr.PlaceOfService) > 0 {
		add(inIDs("CS.place_of_service_concept_id", cr.PlaceOfService))
	}
	for _, cc := range cr.Concepts {
		c.needColumn(cc.Path, d.table, cc.Column)
		add(inIDs("C."+q(cc.Column), cc.IDs))
	}
	for _, cs := range cr.Codesets {
		add(inCodeset("C."+q(cs.Column), cs.CodesetID))
	}
	for _, tc := range cr.Texts {
		add(textClause("C."+q(tc.Column), &tc.Filter))
	}
	for _, s := range cr.Selections {
		if col, ok := strings.CutPrefix(s.Kind, attrConcepts); ok {
			c.needColumn(s.Path, d.table, col)
		}
		add(selectionClause(selectionColumn(d, s.Kind), s))
	}
	if cr.RangeLowRatio != nil {
		add(numClause("(C.value_as_number / NULLIF(C.range_low, 0))", cr.RangeLowRatio, false))
	}
	if cr.RangeHighRatio != nil {
		add(numClause("(C.value_as_number / NULLIF(C.range_high, 0))", cr.RangeHighRatio, false))
	}
	if cr.Abnormal {
		// Abnormal is Circe's rule: outside the reference range, or one of
		// the two SNOMED abnormal values (4155142 Abnormally high, 4155143
		// Abnormally low).
		add((&sqlText{}).w("(C.value_as_number < C.range_low OR C.value_as_number > C.range_high OR C.value_as_concept_id IN ").ids([]int64{4155142, 4155143}).w(")"))
	}
	if len(cr.Types) > 0 {
		s := &sqlText{}
		s.w("C.", q(d.typ))
		if cr.TypesExclude {
			s.w(" NOT")
		}
		add(s.w(" IN ").ids(cr.Types))
	}
	if len(cr.VisitType) > 0 && cr.Domain != "VisitOccurrence" {
		add(inIDs("V.visit_concept_id", cr.VisitType))
	}
	if len(cr.ConditionStatus) > 0 {
		add(inIDs("C.condition_status_concept_id", cr.ConditionStatus))
	}
	if cr.StopReason != nil {
		add(textClause("C.stop_reason", cr.StopReason))
	}
	if cr.Age != nil {
		// circe-be takes a visit detail's age in the year of its end; the
		// same cohort as OHDSI's tools needs the same.
		col := "C.start_date"
		if cr.Domain == "VisitDetail" {
			col = "C.end_date"
		}
		add(numClause("year("+col+") - P.year_of_birth", cr.Age, true))
	}
	if cr.AgeAtStart != nil {
		add(numClause("year(C.start_date) - P.year_of_birth", cr.AgeAtStart, true))
	}
	if cr.AgeAtEnd != nil {
		add(numClause("year(C.end_date) - P.year_of_birth", cr.AgeAtEnd, true))
	}
	if len(cr.Gender) > 0 {
		add(inIDs("P.gender_concept_id", cr.Gender))
	}
	if cr.ValueAsNumber != nil {
		add(numClause("C.value_as_number", cr.ValueAsNumber, false))
	}
	if len(cr.ValueAsConcept) > 0 {
		add(inIDs("C.value_as_concept_id", cr.ValueAsConcept))
	}
	if len(cr.Unit) > 0 {
		add(inIDs("C.unit_concept_id", cr.Unit))
	}
	if cr.Quantity != nil {
		add(numClause("C.quantity", cr.Quantity, false))
	}
	if cr.DaysSupply != nil {
		add(numClause("C.days_supply", cr.DaysSupply, true))
	}
	if cr.Refills != nil {
		add(numClause("C.refills", cr.Refills, true))
	}
	if cr.RangeLow != nil {
		add(numClause("C.range_low", cr.RangeLow, false))
	}
	if cr.RangeHigh != nil {
		add(numClause("C.range_high", cr.RangeHigh, false))
	}
	if cr.DoseValue != nil {
		add(numClause("C.dose_value", cr.DoseValue, false))
	}
	if cr.EffectiveDrugDose != nil {
		c.needColumn(cr.Path+".EffectiveDrugDose", d.table, "effective_drug_dose")
		add(numClause("C.effective_drug_dose", cr.EffectiveDrugDose, false))
	}
	if cr.GapDays != nil {
		// circe-be compares gap_days with EraLength's range, not
		// GapDays' own; the same cohort as OHDSI's tools needs the same.
		add(numClause("C.gap_days", cr.EraLength, true))
	}
	if cr.OccurrenceCount != nil {
		add(numClause("C."+q(d.count), cr.OccurrenceCount, true))
	}
	for _, r := range []*NumRange{cr.EraLength, cr.VisitLength, cr.PeriodLength} {
		if r != nil {
			add(numClause("date_diff('day', C.start_date, C.end_date)", r, true))
		}
	}
	for i, s := range where {
		t.w(map[bool]string{true: "\nWHERE ", false: "\nAND "}[i == 0]).add(s)
	}
	return c.correlate(cr, t)
}

// outer selects the columns of a criteria query from inner, the table's
// rows with event_id, start_date, end_date, visit_occurrence_id and
// domain_concept_id, as the subquery C. A UserDefinedPeriod replaces the
// start and end, not the date that orders events.
func (c *compiler) outer(cr *Criteria, inner *sqlText) *sqlText {
	start, end := (&sqlText{}).w("C.start_date"), (&sqlText{}).w("C.end_date")
	if p := cr.UserDefinedPeriod; p != nil {
		if p.StartDate != "" {
			start = (&sqlText{}).date(p.StartDate).w(" AS start_date")
		}
		if p.EndDate != "" {
			end = (&sqlText{}).date(p.EndDate).w(" AS end_date")
		}
	}
	t := &sqlText{}
	return t.w("-- ", cr.Path, "\nSELECT C.person_id, C.event_id, ").add(start).w(", ").add(end).
		w(", C.visit_occurrence_id, C.start_date AS sort_date, C.domain_concept_id\nFROM (\n").add(inner).w("\n) C")
}

// locationRegion is the inner query of a LocationRegion: the location
// history of persons, an event per row, from its start to its end (31
// December 2099 when open), the region of the location as its concept.
func (c *compiler) locationRegion(cr *Criteria) *sqlText {
	c.needColumn(cr.Path, "location", "region_concept_id")
	c.needTable(cr.Path, "location_history", "location_history_id", "location_id", "domain_id", "entity_id", "start_date", "end_date")
	t := &sqlText{}
	t.w(`SELECT CAST(lh.entity_id AS BIGINT) AS person_id, CAST(lh.location_history_id AS BIGINT) AS event_id,
  CAST(lh.start_date AS DATE) AS start_date, COALESCE(CAST(lh.end_date AS DATE), DATE '2099-12-31') AS end_date,
  CAST(NULL AS BIGINT) AS visit_occurrence_id, CAST(l.region_concept_id AS BIGINT) AS domain_concept_id
FROM `, q("location"), " l\nJOIN ", q("location_history"), " lh ON l.location_id = lh.location_id\nWHERE lh.domain_id = 'PERSON'")
	if cr.CodesetID != nil {
		t.w(" AND ").add(inCodeset("l.region_concept_id", *cr.CodesetID))
	}
	return t
}

// correlate restricts the events of the criteria query t by the
// criterion's correlated criteria, if any.
func (c *compiler) correlate(cr *Criteria, t *sqlText) *sqlText {
	if cr.Correlated == nil {
		return t
	}
	// Correlated criteria restrict these events, each taken with the
	// observation period that contains it, as an inclusion rule restricts
	// index events.
	c.n++
	name := fmt.Sprintf("correlated_%d", c.n)
	ev := &sqlText{}
	ev.w("SELECT Q.person_id, Q.event_id, Q.start_date, Q.end_date, Q.visit_occurrence_id, Q.sort_date, Q.domain_concept_id,\n  OP.observation_period_start_date AS op_start_date, OP.observation_period_end_date AS op_end_date\nFROM (\n").
		add(t).w("\n) Q\nJOIN ", q("observation_period"), " OP ON Q.person_id = OP.person_id AND OP.observation_period_start_date <= Q.start_date AND OP.observation_period_end_date >= Q.start_date")
	c.cte(name, cr.Path, ev)
	out := &sqlText{}
	out.w("SELECT PE.person_id, PE.event_id, PE.start_date, PE.end_date, PE.visit_occurrence_id, PE.sort_date, PE.domain_concept_id\nFROM ", name, " PE\nJOIN (\n").
		add(c.group(cr.Correlated, name)).w("\n) AC ON AC.person_id = PE.person_id AND AC.event_id = PE.event_id")
	return out
}

// selectionColumn is the column a concept attribute of kind reads.
func selectionColumn(d *domain, kind string) string {
	switch kind {
	case attrGender:
		return "P.gender_concept_id"
	case attrType:
		return "C." + q(d.typ)
	case attrVisitType:
		return "V.visit_concept_id"
	case attrProvider:
		return "PR.specialty_concept_id"
	case attrPlaceOfService:
		return "CS.place_of_service_concept_id"
	case attrConditionStatus:
		return "C.condition_status_concept_id"
	case attrUnit:
		return "C.unit_concept_id"
	case attrValueAsConcept:
		return "C.value_as_concept_id"
	}
	return "C." + q(strings.TrimPrefix(kind, attrConcepts))
}

func selectionClause(col string, s Selection) *sqlText {
	t := &sqlText{}
	if s.CodesetID == nil {
		if s.IsExclusion {
			return t.w(col, " IS NULL")
		}
		return t.w(col, " IS NOT NULL")
	}
	t.w(col)
	if s.IsExclusion {
		t.w(" NOT")
	}
	return t.w(" IN (SELECT concept_id FROM codesets WHERE codeset_id = ").arg(*s.CodesetID).w(")")
}

func inCodeset(col string, id int64) *sqlText {
	return (&sqlText{}).w(col, " IN (SELECT concept_id FROM codesets WHERE codeset_id = ").arg(id).w(")")
}

func inIDs(col string, ids []int64) *sqlText {
	return (&sqlText{}).w(col, " IN ").ids(ids)
}

var sqlOps = map[string]string{"lt": "<", "lte": "<=", "eq": "=", "!eq": "<>", "gt": ">", "gte": ">="}

// numClause compares expr with a numeric range. Circe compares ages, day
// counts and other integer attributes with the range's whole part, so
// integer ones are bound as integers.
func numClause(expr string, r *NumRange, integer bool) *sqlText {
	val := func(f float64) any {
		if integer {
			return int64(f)
		}
		return f
	}
	t := &sqlText{}
	if strings.HasSuffix(r.Op, "bt") {
		if strings.HasPrefix(r.Op, "!") {
			t.w("NOT ")
		}
		return t.w("(", expr, " >= ").arg(val(r.Value)).w(" AND ", expr, " <= ").arg(val(r.Extent)).w(")")
	}
	return t.w(expr, " ", sqlOps[r.Op], " ").arg(val(r.Value))
}

func dateClause(expr string, r *DateRange) *sqlText {
	t := &sqlText{}
	if strings.HasSuffix(r.Op, "bt") {
		if strings.HasPrefix(r.Op, "!") {
			t.w("NOT ")
		}
		return t.w("(", expr, " >= ").date(r.Value).w(" AND ", expr, " <= ").date(r.Extent).w(")")
	}
	return t.w(expr, " ", sqlOps[r.Op], " ").date(r.Value)
}

// textClause matches a LIKE pattern made from the text as Circe makes it:
// the text's own % and _ stay wildcards.
func textClause(expr string, f *TextFilter) *sqlText {
	op := strings.TrimPrefix(f.Op, "!")
	pattern := f.Text
	if op == "endsWith" || op == "contains" {
		pattern = "%" + pattern
	}
	if op == "startsWith" || op == "contains" {
		pattern += "%"
	}
	t := &sqlText{}
	t.w(expr)
	if strings.HasPrefix(f.Op, "!") {
		t.w(" NOT")
	}
	return t.w(" LIKE ").arg(pattern)
}
