package circe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/fault"
)

// Parse reads a Circe cohort expression as ATLAS exports it. Every problem
// is reported at once with its JSON path; a key the compiler does not act
// on is refused, not ignored, except the descriptive ones (names, concept
// captions, cdmVersionRange) that do not change the cohort. An empty object,
// array or null stands for an absent part, as in ATLAS exports.
func Parse(data []byte) (*Expression, error) {
	root, err := decode(data)
	if err != nil {
		return nil, err
	}
	var errs errorList
	o := object(&errs, "", root)
	if o == nil {
		return nil, errs.err()
	}
	e := parseExpression(o)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return e, nil
}

// ParseConceptSet reads an OHDSI concept set expression ({"items": [...]}).
func ParseConceptSet(data []byte) (*ConceptSetExpression, error) {
	root, err := decode(data)
	if err != nil {
		return nil, err
	}
	var errs errorList
	o := object(&errs, "", root)
	if o == nil {
		return nil, errs.err()
	}
	cs := parseConceptSetExpression(o)
	o.done()
	if err := errs.err(); err != nil {
		return nil, err
	}
	return cs, nil
}

func decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fault.At(ErrInvalid, "", "not JSON: %v", err)
	}
	if d.More() {
		return nil, fault.At(ErrInvalid, "", "not JSON: more than one value")
	}
	return v, nil
}

// obj reads one JSON object, remembering which keys were read so that done
// can refuse the others.
type obj struct {
	errs *errorList
	path string
	m    map[string]any
	read map[string]bool
}

func object(errs *errorList, path string, v any) *obj {
	m, ok := v.(map[string]any)
	if !ok {
		errs.add(path, "want an object")
		return nil
	}
	return &obj{errs: errs, path: path, m: m, read: map[string]bool{}}
}

func (o *obj) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// get returns the value of key, nil when it is absent or null.
func (o *obj) get(key string) any {
	o.read[key] = true
	return o.m[key]
}

// ignore marks descriptive keys as read.
func (o *obj) ignore(keys ...string) {
	for _, k := range keys {
		o.read[k] = true
	}
}

// done refuses every key that was not read, unless its value says nothing
// (null, false, an empty array or object).
func (o *obj) done() {
	keys := make([]string, 0, len(o.m))
	for k := range o.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !o.read[k] && !blank(o.m[k]) {
			o.errs.add(o.at(k), "not supported")
		}
	}
}

func blank(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// sub returns the object at key, nil when absent, null or empty.
func (o *obj) sub(key string) *obj {
	v := o.get(key)
	if blank(v) {
		if _, isBool := v.(bool); isBool {
			o.errs.add(o.at(key), "want an object")
		}
		return nil
	}
	return object(o.errs, o.at(key), v)
}

// list returns the elements of the array at key with their paths.
func (o *obj) list(key string) ([]any, []string) {
	v := o.get(key)
	if v == nil {
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		o.errs.add(o.at(key), "want an array")
		return nil, nil
	}
	paths := make([]string, len(a))
	for i := range a {
		paths[i] = fmt.Sprintf("%s[%d]", o.at(key), i)
	}
	return a, paths
}

// integer returns the whole number at key (ok false when absent).
func (o *obj) integer(key string) (int64, bool) {
	v := o.get(key)
	if v == nil {
		return 0, false
	}
	n, err := wholeNumber(v)
	if err != nil {
		o.errs.add(o.at(key), err.Error())
		return 0, false
	}
	return n, true
}

func wholeNumber(v any) (int64, error) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("want a number")
	}
	n, err := strconv.ParseInt(num.String(), 10, 64)
	if err != nil {
		f, ferr := num.Float64()
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, fmt.Errorf("want a whole number")
		}
		n = int64(f)
	}
	return n, nil
}

// intPtr is integer as a pointer, nil when absent.
func (o *obj) intPtr(key string) *int64 {
	n, ok := o.integer(key)
	if !ok {
		return nil
	}
	return &n
}

func (o *obj) number(key string) (float64, bool) {
	v := o.get(key)
	if v == nil {
		return 0, false
	}
	num, ok := v.(json.Number)
	if !ok {
		o.errs.add(o.at(key), "want a number")
		return 0, false
	}
	f, err := num.Float64()
	if err != nil || math.IsInf(f, 0) {
		o.errs.add(o.at(key), "want a finite number")
		return 0, false
	}
	return f, true
}

func (o *obj) boolean(key string) bool {
	v := o.get(key)
	if v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		o.errs.add(o.at(key), "want true or false")
	}
	return b
}

func (o *obj) str(key string) (string, bool) {
	v := o.get(key)
	if v == nil {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		o.errs.add(o.at(key), "want a string")
		return "", false
	}
	return s, true
}

// oneOf reads a string that must be one of choices, compared without case;
// it returns the choice as spelled in choices.
func (o *obj) oneOf(key string, choices ...string) (string, bool) {
	s, ok := o.str(key)
	if !ok {
		return "", false
	}
	for _, c := range choices {
		if strings.EqualFold(s, c) {
			return c, true
		}
	}
	o.errs.add(o.at(key), "want one of "+strings.Join(choices, ", "))
	return "", false
}

func parseExpression(o *obj) *Expression {
	e := &Expression{}
	o.ignore("Title", "cdmVersionRange")
	items, paths := o.list("ConceptSets")
	ids := map[int64]bool{}
	for i, v := range items {
		c := object(o.errs, paths[i], v)
		if c == nil {
			continue
		}
		var cs ConceptSet
		id, ok := c.integer("id")
		if !ok {
			o.errs.add(c.at("id"), "want a number")
		} else if ids[id] {
			o.errs.add(c.at("id"), fmt.Sprintf("concept set %d defined twice", id))
		}
		ids[id] = true
		cs.ID = id
		cs.Name, _ = c.str("name")
		if x := c.sub("expression"); x != nil {
			cs.Expression = *parseConceptSetExpression(x)
			x.done()
		}
		c.done()
		e.ConceptSets = append(e.ConceptSets, cs)
	}
	if p := o.sub("PrimaryCriteria"); p == nil {
		o.errs.add(o.at("PrimaryCriteria"), "want the entry events")
	} else {
		e.Primary = parsePrimary(p)
		p.done()
	}
	if g := o.sub("AdditionalCriteria"); g != nil {
		e.Additional = parseGroup(g)
		g.done()
	}
	e.QualifiedLimit = limit(o, "QualifiedLimit", LimitFirst)
	e.ExpressionLimit = limit(o, "ExpressionLimit", LimitFirst)
	items, paths = o.list("InclusionRules")
	for i, v := range items {
		r := object(o.errs, paths[i], v)
		if r == nil {
			continue
		}
		r.ignore("description")
		rule := InclusionRule{Group: &Group{Path: r.at("expression"), Type: GroupAll}}
		rule.Name, _ = r.str("name")
		if g := r.sub("expression"); g != nil {
			rule.Group = parseGroup(g)
			g.done()
		}
		r.done()
		e.InclusionRules = append(e.InclusionRules, rule)
	}
	if s := o.sub("EndStrategy"); s != nil {
		if d := s.sub("DateOffset"); d != nil {
			field, ok := d.oneOf("DateField", "StartDate", "EndDate")
			if !ok {
				field = "StartDate"
			}
			off, _ := d.integer("Offset")
			e.End.DateOffset = &DateOffset{DateField: field, Offset: off}
			d.done()
		}
		if c := s.sub("CustomEra"); c != nil {
			id, ok := c.integer("DrugCodesetId")
			if !ok {
				o.errs.add(c.at("DrugCodesetId"), "want the concept set of the drugs")
			}
			ce := &CustomEra{DrugCodesetID: id}
			ce.GapDays, _ = c.integer("GapDays")
			ce.Offset, _ = c.integer("Offset")
			ce.DaysSupplyOverride = c.intPtr("DaysSupplyOverride")
			e.End.CustomEra = ce
			c.done()
		}
		if e.End.DateOffset != nil && e.End.CustomEra != nil {
			o.errs.add(o.at("EndStrategy"), "want one of DateOffset and CustomEra")
		}
		s.done()
	}
	items, paths = o.list("CensoringCriteria")
	for i, v := range items {
		if c := parseCriteria(o.errs, paths[i], v); c != nil {
			e.Censoring = append(e.Censoring, c)
		}
	}
	if c := o.sub("CollapseSettings"); c != nil {
		c.oneOf("CollapseType", "ERA")
		e.EraPad, _ = c.integer("EraPad")
		if e.EraPad < 0 {
			o.errs.add(c.at("EraPad"), "want 0 or more days")
		}
		c.done()
	}
	if w := o.sub("CensorWindow"); w != nil {
		e.CensorStart = date(w, "StartDate")
		e.CensorEnd = date(w, "EndDate")
		w.done()
	}
	o.done()
	return e
}

// limit reads {"Type": First|Last|All}; def is what an absent limit means.
func limit(o *obj, key string, def Limit) Limit {
	l := o.sub(key)
	if l == nil {
		return def
	}
	defer l.done()
	s, ok := l.oneOf("Type", string(LimitFirst), string(LimitLast), string(LimitAll))
	if !ok {
		return def
	}
	return Limit(s)
}

// date reads a YYYY-MM-DD date, "" when absent.
func date(o *obj, key string) string {
	s, ok := o.str(key)
	if !ok {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		o.errs.add(o.at(key), "want a date YYYY-MM-DD")
		return ""
	}
	return s
}

// requiredNumber is number for a number that must be there.
func requiredNumber(o *obj, key string) float64 {
	if o.m[key] == nil {
		o.errs.add(o.at(key), "want a number")
	}
	f, _ := o.number(key)
	return f
}

// requiredDate is date for a date that must be there.
func requiredDate(o *obj, key string) string {
	if o.m[key] == nil {
		o.errs.add(o.at(key), "want a date YYYY-MM-DD")
	}
	return date(o, key)
}

func parseConceptSetExpression(o *obj) *ConceptSetExpression {
	cs := &ConceptSetExpression{}
	items, paths := o.list("items")
	for i, v := range items {
		it := object(o.errs, paths[i], v)
		if it == nil {
			continue
		}
		var item ConceptSetItem
		if c := it.sub("concept"); c == nil {
			o.errs.add(it.at("concept"), "want the concept")
		} else {
			// integer reports a value that is not a whole number itself.
			id, ok := c.integer("CONCEPT_ID")
			if !ok && c.m["CONCEPT_ID"] == nil {
				o.errs.add(c.at("CONCEPT_ID"), "want a number")
			}
			item.ConceptID = id
			// The captions describe the concept; the vocabulary of the CDR
			// is what counts.
			for k := range c.m {
				c.read[k] = true
			}
		}
		item.IsExcluded = it.boolean("isExcluded")
		item.IncludeDescendants = it.boolean("includeDescendants")
		item.IncludeMapped = it.boolean("includeMapped")
		it.done()
		cs.Items = append(cs.Items, item)
	}
	return cs
}

func parsePrimary(o *obj) Primary {
	p := Primary{Limit: LimitFirst}
	items, paths := o.list("CriteriaList")
	for i, v := range items {
		if c := parseCriteria(o.errs, paths[i], v); c != nil {
			p.Criteria = append(p.Criteria, c)
		}
	}
	if len(items) == 0 {
		o.errs.add(o.at("CriteriaList"), "want at least one criterion")
	}
	if w := o.sub("ObservationWindow"); w != nil {
		p.PriorDays, _ = w.integer("PriorDays")
		p.PostDays, _ = w.integer("PostDays")
		w.done()
	}
	p.Limit = limit(o, "PrimaryCriteriaLimit", LimitFirst)
	return p
}

func parseGroup(o *obj) *Group {
	g := &Group{Path: o.path, Type: GroupAll}
	if t, ok := o.oneOf("Type", string(GroupAll), string(GroupAny), string(GroupAtLeast), string(GroupAtMost)); ok {
		g.Type = GroupType(t)
	}
	g.Count, _ = o.integer("Count")
	items, paths := o.list("CriteriaList")
	for i, v := range items {
		c := object(o.errs, paths[i], v)
		if c == nil {
			continue
		}
		g.Correlated = append(g.Correlated, parseCorrelated(c))
		c.done()
	}
	items, paths = o.list("DemographicCriteriaList")
	for i, v := range items {
		d := object(o.errs, paths[i], v)
		if d == nil {
			continue
		}
		dem := &Demographic{Path: d.path}
		dem.Age = numRange(d, "Age")
		dem.Gender = concepts(d, "Gender")
		dem.Race = concepts(d, "Race")
		dem.Ethnicity = concepts(d, "Ethnicity")
		for _, key := range []string{"GenderCS", "RaceCS", "EthnicityCS"} {
			if sel := d.sub(key); sel != nil {
				dem.Selections = append(dem.Selections, Selection{Path: sel.path, Kind: strings.TrimSuffix(key, "CS"),
					CodesetID: sel.intPtr("CodesetId"), IsExclusion: sel.boolean("IsExclusion")})
				sel.done()
			}
		}
		dem.StartDate = dateRange(d, "OccurrenceStartDate")
		dem.EndDate = dateRange(d, "OccurrenceEndDate")
		d.done()
		g.Demographics = append(g.Demographics, dem)
	}
	items, paths = o.list("Groups")
	for i, v := range items {
		s := object(o.errs, paths[i], v)
		if s == nil {
			continue
		}
		g.Groups = append(g.Groups, parseGroup(s))
		s.done()
	}
	return g
}

func parseCorrelated(o *obj) *Correlated {
	c := &Correlated{Path: o.path, Occurrence: Occurrence{Type: AtLeast, Count: 1}}
	if v := o.get("Criteria"); v == nil {
		o.errs.add(o.at("Criteria"), "want a criterion")
	} else {
		c.Criteria = parseCriteria(o.errs, o.at("Criteria"), v)
	}
	if w := o.sub("StartWindow"); w != nil {
		c.StartWindow = parseWindow(w)
		w.done()
	} else {
		o.errs.add(o.at("StartWindow"), "want a window")
	}
	if w := o.sub("EndWindow"); w != nil {
		ew := parseWindow(w)
		// Circe compares the event's end in an end window unless UseEventEnd
		// is false explicitly.
		if v, ok := w.m["UseEventEnd"]; !ok || v == nil {
			ew.UseEventEnd = true
		}
		c.EndWindow = &ew
		w.done()
	}
	c.RestrictVisit = o.boolean("RestrictVisit")
	c.IgnoreObservationPeriod = o.boolean("IgnoreObservationPeriod")
	if oc := o.sub("Occurrence"); oc != nil {
		if t, ok := oc.integer("Type"); ok {
			if t < Exactly || t > AtLeast {
				o.errs.add(oc.at("Type"), "want 0 (exactly), 1 (at most) or 2 (at least)")
			}
			c.Occurrence.Type = t
		}
		if n, ok := oc.integer("Count"); ok {
			if n < 0 {
				o.errs.add(oc.at("Count"), "want 0 or more")
			}
			c.Occurrence.Count = n
		}
		c.Occurrence.IsDistinct = oc.boolean("IsDistinct")
		if col, ok := oc.oneOf("CountColumn", "DOMAIN_CONCEPT", "START_DATE", "VISIT_ID"); ok {
			c.Occurrence.CountColumn = col
		}
		oc.done()
	}
	return c
}

func parseWindow(o *obj) Window {
	w := Window{StartCoeff: -1, EndCoeff: 1}
	bound := func(key string) (*int64, int64) {
		b := o.sub(key)
		if b == nil {
			o.errs.add(o.at(key), "want a window bound")
			return nil, 1
		}
		defer b.done()
		days := b.intPtr("Days")
		coeff, ok := b.integer("Coeff")
		if !ok || (coeff != -1 && coeff != 1) {
			o.errs.add(b.at("Coeff"), "want -1 (before) or 1 (after)")
			coeff = 1
		}
		return days, coeff
	}
	w.StartDays, w.StartCoeff = bound("Start")
	w.EndDays, w.EndCoeff = bound("End")
	w.UseIndexEnd = o.boolean("UseIndexEnd")
	w.UseEventEnd = o.boolean("UseEventEnd")
	return w
}

// parseCriteria reads {"<Type>": {attributes}}.
func parseCriteria(errs *errorList, path string, v any) *Criteria {
	o := object(errs, path, v)
	if o == nil {
		return nil
	}
	if len(o.m) != 1 {
		errs.add(path, "want exactly one criteria type")
		return nil
	}
	var name string
	for k := range o.m {
		name = k
	}
	d, ok := domains[name]
	if !ok {
		errs.add(o.at(name), "criteria type not supported")
		return nil
	}
	a := o.sub(name)
	c := &Criteria{Path: o.at(name), Domain: name}
	if a == nil {
		return c
	}
	for _, key := range slices.Sorted(maps.Keys(d.refused)) {
		if v := a.get(key); !blank(v) {
			errs.add(a.at(key), d.refused[key])
		}
	}
	keys := make([]string, 0, len(d.keys))
	for key := range d.keys {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		kind := d.keys[key]
		if sel := a.sub(key + "CS"); sel != nil && selectable(kind) {
			s := Selection{Path: sel.path, Kind: kind, CodesetID: sel.intPtr("CodesetId"), IsExclusion: sel.boolean("IsExclusion")}
			sel.done()
			c.Selections = append(c.Selections, s)
		}
		if _, present := a.m[key]; !present {
			continue
		}
		switch kind {
		case attrCodeset:
			c.CodesetID = a.intPtr(key)
		case attrSource:
			c.SourceCodesetID = a.intPtr(key)
		case attrFirst:
			c.First = a.boolean(key)
		case attrStartDate:
			c.StartDate = dateRange(a, key)
		case attrEndDate:
			c.EndDate = dateRange(a, key)
		case attrGender:
			c.Gender = concepts(a, key)
		case attrType:
			c.Types = concepts(a, key)
		case attrTypeExclude:
			c.TypesExclude = a.boolean(key)
		case attrVisitType:
			c.VisitType = concepts(a, key)
		case attrConditionStatus:
			c.ConditionStatus = concepts(a, key)
		case attrValueAsConcept:
			c.ValueAsConcept = concepts(a, key)
		case attrUnit:
			c.Unit = concepts(a, key)
		case attrStopReason:
			c.StopReason = textFilter(a, key)
		case attrProvider:
			c.Provider = concepts(a, key)
		case attrPlaceOfService:
			c.PlaceOfService = concepts(a, key)
		case attrAbnormal:
			c.Abnormal = a.boolean(key)
		case attrRangeLowRatio:
			c.RangeLowRatio = numRange(a, key)
		case attrRangeHighRatio:
			c.RangeHighRatio = numRange(a, key)
		case attrUserPeriod:
			if p := a.sub(key); p != nil {
				c.UserDefinedPeriod = &Period{StartDate: date(p, "StartDate"), EndDate: date(p, "EndDate")}
				p.done()
			}
		default:
			if col, ok := strings.CutPrefix(kind, attrConcepts); ok {
				if ids := concepts(a, key); len(ids) > 0 {
					c.Concepts = append(c.Concepts, ColumnConcepts{Path: a.at(key), Column: col, IDs: ids})
				}
				continue
			}
			if col, ok := strings.CutPrefix(kind, attrCodesetOf); ok {
				if id := a.intPtr(key); id != nil {
					c.Codesets = append(c.Codesets, ColumnCodeset{Path: a.at(key), Column: col, CodesetID: *id})
				}
				continue
			}
			if col, ok := strings.CutPrefix(kind, attrText); ok {
				if f := textFilter(a, key); f != nil {
					c.Texts = append(c.Texts, ColumnText{Column: col, Filter: *f})
				}
				continue
			}
			*numField(c, kind) = numRange(a, key)
		}
	}
	if c.GapDays != nil && c.EraLength == nil {
		errs.add(a.at("GapDays"), "want EraLength beside it: circe-be compares gap_days with EraLength's range, and makes no SQL without one")
	}
	if _, refused := d.refused["DateAdjustment"]; !refused {
		c.DateAdjustment = dateAdjustment(a)
	}
	if g := a.sub("CorrelatedCriteria"); g != nil {
		grp := parseGroup(g)
		g.done()
		if !grp.empty() {
			c.Correlated = grp
		}
	}
	a.done()
	return c
}

// dateAdjustment reads the DateAdjustment of criteria attributes a, nil
// when absent.
func dateAdjustment(a *obj) *DateAdjustment {
	d := a.sub("DateAdjustment")
	if d == nil {
		return nil
	}
	defer d.done()
	adj := &DateAdjustment{StartWith: "START_DATE", EndWith: "END_DATE"}
	if w, ok := d.oneOf("StartWith", "START_DATE", "END_DATE"); ok {
		adj.StartWith = w
	}
	if w, ok := d.oneOf("EndWith", "START_DATE", "END_DATE"); ok {
		adj.EndWith = w
	}
	adj.StartOffset, _ = d.integer("StartOffset")
	adj.EndOffset, _ = d.integer("EndOffset")
	return adj
}

// selectable tells whether an attribute kind is a list of concepts, which
// has a *CS form.
func selectable(kind string) bool {
	switch kind {
	case attrGender, attrType, attrVisitType, attrProvider, attrPlaceOfService,
		attrConditionStatus, attrUnit, attrValueAsConcept:
		return true
	}
	return strings.HasPrefix(kind, attrConcepts)
}

func textFilter(o *obj, key string) *TextFilter {
	t := o.sub(key)
	if t == nil {
		return nil
	}
	defer t.done()
	op, _ := t.oneOf("Op", "startsWith", "!startsWith", "contains", "!contains", "endsWith", "!endsWith")
	text, ok := t.str("Text")
	if !ok {
		o.errs.add(t.at("Text"), "want a string")
	}
	return &TextFilter{Op: op, Text: text}
}

// numField is the Criteria field that a numeric-range attribute fills.
func numField(c *Criteria, kind string) **NumRange {
	switch kind {
	case attrAge:
		return &c.Age
	case attrValueAsNumber:
		return &c.ValueAsNumber
	case attrQuantity:
		return &c.Quantity
	case attrDaysSupply:
		return &c.DaysSupply
	case attrRefills:
		return &c.Refills
	case attrRangeLow:
		return &c.RangeLow
	case attrRangeHigh:
		return &c.RangeHigh
	case attrEraLength:
		return &c.EraLength
	case attrOccurrenceCount:
		return &c.OccurrenceCount
	case attrAgeAtStart:
		return &c.AgeAtStart
	case attrAgeAtEnd:
		return &c.AgeAtEnd
	case attrVisitLength:
		return &c.VisitLength
	case attrDoseValue:
		return &c.DoseValue
	case attrEffectiveDose:
		return &c.EffectiveDrugDose
	case attrGapDays:
		return &c.GapDays
	}
	return &c.PeriodLength
}

var rangeOps = []string{"lt", "lte", "eq", "!eq", "gt", "gte", "bt", "!bt"}

func numRange(o *obj, key string) *NumRange {
	r := o.sub(key)
	if r == nil {
		return nil
	}
	defer r.done()
	op, ok := r.oneOf("Op", rangeOps...)
	if !ok {
		if _, present := r.m["Op"]; !present {
			o.errs.add(r.at("Op"), "want one of "+strings.Join(rangeOps, ", "))
		}
		r.ignore("Value", "Extent")
		return nil
	}
	n := &NumRange{Op: op}
	n.Value = requiredNumber(r, "Value")
	if strings.HasSuffix(op, "bt") {
		n.Extent = requiredNumber(r, "Extent")
	} else {
		r.ignore("Extent")
	}
	return n
}

func dateRange(o *obj, key string) *DateRange {
	r := o.sub(key)
	if r == nil {
		return nil
	}
	defer r.done()
	op, ok := r.oneOf("Op", rangeOps...)
	if !ok {
		if _, present := r.m["Op"]; !present {
			o.errs.add(r.at("Op"), "want one of "+strings.Join(rangeOps, ", "))
		}
		r.ignore("Value", "Extent")
		return nil
	}
	d := &DateRange{Op: op, Value: requiredDate(r, "Value")}
	if strings.HasSuffix(op, "bt") {
		d.Extent = requiredDate(r, "Extent")
	} else {
		r.ignore("Extent")
	}
	return d
}

// concepts reads an array of concepts, keeping their CONCEPT_IDs.
func concepts(o *obj, key string) []int64 {
	items, paths := o.list(key)
	var ids []int64
	for i, v := range items {
		c := object(o.errs, paths[i], v)
		if c == nil {
			continue
		}
		id, ok := c.integer("CONCEPT_ID")
		if !ok {
			o.errs.add(c.at("CONCEPT_ID"), "want a number")
			continue
		}
		ids = append(ids, id)
	}
	return ids
}
