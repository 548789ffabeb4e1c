package circe

import "fmt"

// group compiles a criteria group over the event table et (a common table
// expression with person_id, event_id, start_date, end_date, op_start_date,
// op_end_date and visit_occurrence_id) to the person_id and event_id of the
// events for which the group holds. Each member yields the events it
// matches, tagged with its index; the group counts the members matched.
func (c *compiler) group(g *Group, et string) *sqlText {
	t := &sqlText{}
	if g.empty() {
		return t.w("SELECT person_id, event_id FROM ", et)
	}
	var members []*sqlText
	for _, cc := range g.Correlated {
		members = append(members, c.correlated(cc, et, len(members)))
	}
	for _, d := range g.Demographics {
		members = append(members, demographic(d, et, len(members)))
	}
	for _, sub := range g.Groups {
		m := &sqlText{}
		m.w(fmt.Sprintf("SELECT %d AS index_id, person_id, event_id FROM (\n", len(members))).add(c.group(sub, et)).w("\n)")
		members = append(members, m)
	}
	join := "JOIN"
	having := &sqlText{}
	switch g.Type {
	case GroupAll:
		having.w(fmt.Sprintf("= %d", len(members)))
	case GroupAny:
		having.w("> 0")
	case GroupAtLeast:
		having.w(">= ").arg(g.Count)
	case GroupAtMost:
		having.w("<= ").arg(g.Count)
		join = "LEFT JOIN"
	}
	// A count of zero can only be met by events that no member matched,
	// which only a left join keeps.
	if (g.Type == GroupAtLeast || g.Type == GroupAtMost) && g.Count == 0 {
		join = "LEFT JOIN"
	}
	t.w("-- ", g.Path, "\nSELECT E.person_id, E.event_id\nFROM ", et, " E\n", join, " (\n")
	for i, m := range members {
		if i > 0 {
			t.w("\nUNION ALL\n")
		}
		t.add(m)
	}
	return t.w("\n) CQ ON E.person_id = CQ.person_id AND E.event_id = CQ.event_id\nGROUP BY E.person_id, E.event_id\nHAVING count(CQ.index_id) ").add(having)
}

// countColumns are the columns of a criteria query that distinct
// occurrence counts count.
var countColumns = map[string]string{
	"":               "domain_concept_id",
	"DOMAIN_CONCEPT": "domain_concept_id",
	"START_DATE":     "start_date",
	"VISIT_ID":       "visit_occurrence_id",
}

// correlated compiles a windowed criterion: the events of et with the
// number of the criterion's events in the windows that Occurrence asks.
func (c *compiler) correlated(cc *Correlated, et string, index int) *sqlText {
	col := "event_id"
	if cc.Occurrence.IsDistinct {
		col = countColumns[cc.Occurrence.CountColumn]
	}
	win := &sqlText{}
	win.w("SELECT P.person_id, P.event_id, A.", col, " AS counted\nFROM ", et, " P\nJOIN (\n").add(c.criteria(cc.Criteria)).w("\n) A ON A.person_id = P.person_id")
	checkOP := !cc.IgnoreObservationPeriod
	if checkOP {
		win.w(" AND A.start_date >= P.op_start_date AND A.start_date <= P.op_end_date")
	}
	windowClauses(win, cc.StartWindow, checkOP)
	if cc.EndWindow != nil {
		windowClauses(win, *cc.EndWindow, checkOP)
	}
	if cc.RestrictVisit {
		win.w(" AND A.visit_occurrence_id = P.visit_occurrence_id")
	}
	count := "count("
	if cc.Occurrence.IsDistinct {
		count = "count(DISTINCT "
	}
	op := map[int64]string{Exactly: "=", AtMost: "<=", AtLeast: ">="}[cc.Occurrence.Type]
	t := &sqlText{}
	t.w("-- ", cc.Path, "\n")
	if cc.Occurrence.Type == AtMost || cc.Occurrence.Count == 0 {
		// Events without any correlated event must count as zero.
		t.w(fmt.Sprintf("SELECT %d AS index_id, p.person_id, p.event_id\nFROM %s p\nLEFT JOIN (\n", index, et)).add(win).
			w("\n) cc ON p.person_id = cc.person_id AND p.event_id = cc.event_id\nGROUP BY p.person_id, p.event_id\nHAVING ", count, "cc.counted) ", op, " ").arg(cc.Occurrence.Count)
		return t
	}
	t.w(fmt.Sprintf("SELECT %d AS index_id, cc.person_id, cc.event_id\nFROM (\n", index)).add(win).
		w("\n) cc\nGROUP BY cc.person_id, cc.event_id\nHAVING ", count, "cc.counted) ", op, " ").arg(cc.Occurrence.Count)
	return t
}

// windowClauses bounds the correlated event's date (its start, or its end
// with UseEventEnd) by the index date (start, or end with UseIndexEnd) plus
// the window's days; an unbounded side stops at the observation period
// unless it is ignored.
func windowClauses(t *sqlText, w Window, checkOP bool) {
	index := "P.start_date"
	if w.UseIndexEnd {
		index = "P.end_date"
	}
	event := "A.start_date"
	if w.UseEventEnd {
		event = "A.end_date"
	}
	bound := func(days *int64, coeff int64, cmp string) {
		switch {
		case days != nil:
			t.w(" AND ", event, " ", cmp, " ", index, " + ").days(coeff * *days)
		case checkOP && coeff == -1:
			t.w(" AND ", event, " ", cmp, " P.op_start_date")
		case checkOP:
			t.w(" AND ", event, " ", cmp, " P.op_end_date")
		}
	}
	bound(w.StartDays, w.StartCoeff, ">=")
	bound(w.EndDays, w.EndCoeff, "<=")
}

// demographic compiles a demographic criterion: the events of et whose
// person and dates satisfy it. Age is the year of the event less the year
// of birth.
func demographic(d *Demographic, et string, index int) *sqlText {
	t := &sqlText{}
	t.w("-- ", d.Path, "\n", fmt.Sprintf("SELECT %d AS index_id, E.person_id, E.event_id\nFROM %s E\nJOIN ", index, et), q("person"), " P ON P.person_id = E.person_id")
	var where []*sqlText
	if d.Age != nil {
		where = append(where, numClause("year(E.start_date) - P.year_of_birth", d.Age, true))
	}
	if len(d.Gender) > 0 {
		where = append(where, inIDs("P.gender_concept_id", d.Gender))
	}
	if len(d.Race) > 0 {
		where = append(where, inIDs("P.race_concept_id", d.Race))
	}
	if len(d.Ethnicity) > 0 {
		where = append(where, inIDs("P.ethnicity_concept_id", d.Ethnicity))
	}
	for _, s := range d.Selections {
		// circe-be reads gender_concept_id for all three; the same cohort
		// as OHDSI's tools needs the same.
		where = append(where, selectionClause("P.gender_concept_id", s))
	}
	if d.StartDate != nil {
		where = append(where, dateClause("E.start_date", d.StartDate))
	}
	if d.EndDate != nil {
		where = append(where, dateClause("E.end_date", d.EndDate))
	}
	for i, s := range where {
		t.w(map[bool]string{true: "\nWHERE ", false: " AND "}[i == 0]).add(s)
	}
	return t.w("\nGROUP BY E.person_id, E.event_id")
}
