package cohort

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Definition is a cohort: the All of Us CohortDefinition. A person is in the
// cohort when every include group matches, no exclude group matches and
// every data filter holds; no include groups means everyone.
type Definition struct {
	Includes    []Group
	Excludes    []Group
	DataFilters []DataFilter
}

// Group is an All of Us SearchGroup. A non-temporal group matches when any
// of its items matches. A temporal group splits its items by TemporalGroup
// into side 0 and side 1 and matches when an event of side 0 and an event
// of side 1 stand in the relation Time (with TimeValue days), after Mention
// has kept each side's first, last or any events.
type Group struct {
	ID        string
	Name      string
	Temporal  bool
	Mention   Mention
	Time      TimeRelation
	TimeValue int64
	Items     []Item
}

// Item is an All of Us SearchGroupItem: criteria of one domain (Type). It
// matches when any of its parameters matches an event that satisfies every
// modifier; a PERSON item matches on demographics instead.
type Item struct {
	ID   string
	Name string
	Type Domain
	// TemporalGroup is the side (0 or 1) of a temporal group the item is on.
	TemporalGroup int
	Parameters    []Parameter
	Modifiers     []Modifier
}

// Parameter is an All of Us SearchParameter: one concept (or demographic
// criterion) with optional value attributes.
type Parameter struct {
	ParameterID string
	Name        string
	// Domain is the parameter's domain; empty means the item's Type.
	Domain Domain
	// Type is, for PERSON parameters, the demographic criterion (AGE,
	// GENDER, SEX, RACE, ETHNICITY, DECEASED); for other domains the
	// vocabulary or criteria tree the concept came from (SNOMED, ICD10CM,
	// RXNORM, PPI...), kept but not interpreted.
	Type    CriteriaType
	Subtype string
	// Group and AncestorData both ask for the concept's descendants.
	Group        bool
	AncestorData bool
	// Standard selects standard concept rows; false selects source concept
	// rows. A missing "standard" in JSON means true.
	Standard bool
	// ConceptID is the concept; 0 means none (DECEASED, AGE, or a parameter
	// whose attributes name their concepts, like blood pressure).
	ConceptID  int64
	Attributes []Attribute
}

// Attribute constrains an event's value (NUM, CAT), says any value will
// do (ANY), or gives the age range of a PERSON AGE parameter (AGE).
// ConceptID, when set, names the concept whose events carry the value: a
// parameter whose attributes name several concepts (blood pressure:
// systolic and diastolic) matches when one reading of each, of the same
// date and visit, satisfies its attributes.
type Attribute struct {
	Name      AttrName
	Operator  Operator
	Operands  []Operand
	ConceptID int64
}

// Modifier constrains the events of an item: age at event, event date,
// visit type, or the number of distinct event dates.
type Modifier struct {
	Name     ModifierName
	Operator Operator
	Operands []Operand
}

// Operand is one operand of an attribute or a modifier, read by Parse as
// the kind of value its name asks for: a [Number] (NUM), a [Whole] (AGE,
// AGE_AT_EVENT, NUM_OF_OCCURRENCES), a [ConceptID] (CAT, ENCOUNTERS) or a
// [Date] (EVENT_DATE). Text that is not a value of that kind, or an
// operand of an unknown name, is a [BadOperand], which Validate reports
// with its path.
type Operand interface {
	// String is the operand's canonical spelling, as MarshalJSON writes
	// it.
	String() string
	operand()
}

// Number is a NUM operand: a finite decimal number.
type Number float64

// Whole is an operand of AGE, AGE_AT_EVENT or NUM_OF_OCCURRENCES: a whole
// number >= 0.
type Whole int64

// ConceptID is an operand of CAT or ENCOUNTERS: a concept id >= 0.
type ConceptID int64

// Date is an EVENT_DATE operand: a day, YYYY-MM-DD in JSON.
type Date time.Time

// BadOperand is an operand's text as given when it is not a value of its
// kind: Validate reports it, MarshalJSON writes it back unchanged.
type BadOperand string

func (n Number) String() string     { return strconv.FormatFloat(float64(n), 'g', -1, 64) }
func (n Whole) String() string      { return strconv.FormatInt(int64(n), 10) }
func (c ConceptID) String() string  { return strconv.FormatInt(int64(c), 10) }
func (d Date) String() string       { return time.Time(d).Format(time.DateOnly) }
func (b BadOperand) String() string { return string(b) }

func (Number) operand()     {}
func (Whole) operand()      {}
func (ConceptID) operand()  {}
func (Date) operand()       {}
func (BadOperand) operand() {}

// Domain is the kind of criteria of an item: an event domain of the index,
// or PERSON for demographics. The tables of a dataset are named by domains
// too (DatasetDomains), in the same upper-case spelling.
type Domain string

// The domains.
const (
	DomainCondition           Domain = "CONDITION"
	DomainDrug                Domain = "DRUG"
	DomainProcedure           Domain = "PROCEDURE"
	DomainMeasurement         Domain = "MEASUREMENT"
	DomainObservation         Domain = "OBSERVATION"
	DomainDevice              Domain = "DEVICE"
	DomainVisit               Domain = "VISIT"
	DomainSurvey              Domain = "SURVEY"
	DomainPhysicalMeasurement Domain = "PHYSICAL_MEASUREMENT"
	DomainPerson              Domain = "PERSON"
)

// Domains lists every domain of criteria, event domains first.
var Domains = []Domain{
	DomainCondition, DomainDrug, DomainProcedure, DomainMeasurement, DomainObservation,
	DomainDevice, DomainVisit, DomainSurvey, DomainPhysicalMeasurement, DomainPerson,
}

// Valid reports whether d is one of Domains.
func (d Domain) Valid() bool { return slices.Contains(Domains, d) }

// ParseDomain is the domain named s in any case ("condition", "Condition",
// "CONDITION"); anything else is an error at the path "domain" that lists
// the domains.
func ParseDomain(s string) (Domain, error) { return parseDomain(s, Domains) }

// parseDomain is the domain of list named s in any case, else an error at
// the path "domain" that lists them: ParseDomain and ParseDatasetDomain.
func parseDomain(s string, list []Domain) (Domain, error) {
	for _, d := range list {
		if strings.EqualFold(string(d), s) {
			return d, nil
		}
	}
	return "", invalidAt("domain", "%q: want one of %s (in any case)", s, joinDomains(list))
}

// joinDomains is the domains, comma-separated.
func joinDomains(list []Domain) string {
	names := make([]string, len(list))
	for i, d := range list {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// CriteriaType is a parameter's type. Only the demographic types of PERSON
// parameters are interpreted.
type CriteriaType string

// The demographic criteria types of PERSON parameters.
const (
	TypeAge       CriteriaType = "AGE"
	TypeGender    CriteriaType = "GENDER"
	TypeSex       CriteriaType = "SEX" // sex at birth
	TypeRace      CriteriaType = "RACE"
	TypeEthnicity CriteriaType = "ETHNICITY"
	TypeDeceased  CriteriaType = "DECEASED"
)

// PersonTypes lists the demographic criteria types.
var PersonTypes = []CriteriaType{TypeAge, TypeGender, TypeSex, TypeRace, TypeEthnicity, TypeDeceased}

// ValidPerson reports whether t is one of PersonTypes.
func (t CriteriaType) ValidPerson() bool { return slices.Contains(PersonTypes, t) }

// Mention says which events of each side of a temporal group count.
type Mention string

// The mentions.
const (
	AnyMention   Mention = "ANY_MENTION"
	FirstMention Mention = "FIRST_MENTION"
	LastMention  Mention = "LAST_MENTION"
)

// Mentions lists every mention.
var Mentions = []Mention{AnyMention, FirstMention, LastMention}

// Valid reports whether m is one of Mentions.
func (m Mention) Valid() bool { return slices.Contains(Mentions, m) }

// TimeRelation is how an event of side 0 of a temporal group relates to an
// event of side 1 (All of Us TemporalTime).
type TimeRelation string

// The time relations. X is the group's TimeValue in days.
const (
	// SameEncounter: both events have the same visit_occurrence_id.
	SameEncounter TimeRelation = "DURING_SAME_ENCOUNTER_AS"
	// DaysBefore: side 0's date is at most side 1's date minus X.
	DaysBefore TimeRelation = "X_DAYS_BEFORE"
	// DaysAfter: side 0's date is at least side 1's date plus X.
	DaysAfter TimeRelation = "X_DAYS_AFTER"
	// WithinDays: the dates are at most X days apart, either way.
	WithinDays TimeRelation = "WITHIN_X_DAYS_OF"
)

// TimeRelations lists every time relation.
var TimeRelations = []TimeRelation{SameEncounter, DaysBefore, DaysAfter, WithinDays}

// Valid reports whether t is one of TimeRelations.
func (t TimeRelation) Valid() bool { return slices.Contains(TimeRelations, t) }

// ModifierName is the kind of a modifier (All of Us ModifierType).
type ModifierName string

// The modifiers.
const (
	// AgeAtEvent compares age_at_event (completed years) with whole numbers.
	AgeAtEvent ModifierName = "AGE_AT_EVENT"
	// NumOfOccurrences compares the number of distinct event dates among a
	// person's qualifying events with a whole number.
	NumOfOccurrences ModifierName = "NUM_OF_OCCURRENCES"
	// EventDate compares the event date with dates (YYYY-MM-DD).
	EventDate ModifierName = "EVENT_DATE"
	// Encounters keeps events whose visit has one of the visit concept ids
	// given as operands (operator IN).
	Encounters ModifierName = "ENCOUNTERS"
	// CATI (survey collection mode) is recognised only to be refused.
	CATI ModifierName = "CATI"
)

// ModifierNames lists the supported modifiers.
var ModifierNames = []ModifierName{AgeAtEvent, NumOfOccurrences, EventDate, Encounters}

// Valid reports whether m is one of ModifierNames.
func (m ModifierName) Valid() bool { return slices.Contains(ModifierNames, m) }

// AttrName is the kind of an attribute.
type AttrName string

// The attribute names.
const (
	// AttrAny: any value; no operands.
	AttrAny AttrName = "ANY"
	// AttrNum compares value_as_number with numbers.
	AttrNum AttrName = "NUM"
	// AttrCat: value_as_concept_id is one of the operands (IN or EQUAL).
	AttrCat AttrName = "CAT"
	// AttrAge compares the age at the reference date of a living person
	// with whole numbers; only in PERSON AGE parameters.
	AttrAge AttrName = "AGE"
)

// AttrNames lists every attribute name.
var AttrNames = []AttrName{AttrAny, AttrNum, AttrCat, AttrAge}

// Valid reports whether a is one of AttrNames.
func (a AttrName) Valid() bool { return slices.Contains(AttrNames, a) }

// Operator compares a value with an attribute's or modifier's operands.
type Operator string

// The operators. BETWEEN is inclusive at both ends and wants two operands;
// IN wants one or more; the others want one.
const (
	Equal              Operator = "EQUAL"
	NotEqual           Operator = "NOT_EQUAL"
	LessThan           Operator = "LESS_THAN"
	GreaterThan        Operator = "GREATER_THAN"
	LessThanOrEqual    Operator = "LESS_THAN_OR_EQUAL_TO"
	GreaterThanOrEqual Operator = "GREATER_THAN_OR_EQUAL_TO"
	In                 Operator = "IN"
	Between            Operator = "BETWEEN"
)

// Operators lists every operator.
var Operators = []Operator{Equal, NotEqual, LessThan, GreaterThan, LessThanOrEqual, GreaterThanOrEqual, In, Between}

// Valid reports whether o is one of Operators.
func (o Operator) Valid() bool { return slices.Contains(Operators, o) }

// comparisons are the operators that compare one value with one or two
// operands.
var comparisons = []Operator{Equal, NotEqual, LessThan, GreaterThan, LessThanOrEqual, GreaterThanOrEqual, Between}

// DataFilter is a condition every person of the cohort must satisfy. The
// list is closed: anything else is a validation error.
type DataFilter string

// The data filters.
const (
	HasEHRData                 DataFilter = "HAS_EHR_DATA"
	HasPhysicalMeasurementData DataFilter = "HAS_PHYSICAL_MEASUREMENT_DATA"
)

// DataFilters lists every data filter.
var DataFilters = []DataFilter{HasEHRData, HasPhysicalMeasurementData}

// Valid reports whether f is one of DataFilters.
func (f DataFilter) Valid() bool { return slices.Contains(DataFilters, f) }

// descendants reports whether p's concepts stand for themselves and all
// their descendants: when the parameter asks (group or ancestorData), and
// always for drugs, where an ingredient stands for every drug containing
// it, as in All of Us.
func (p Parameter) descendants(item Domain) bool {
	return p.Group || p.AncestorData || p.domain(item) == DomainDrug
}

// domain is p's domain, the item's when p leaves it empty.
func (p Parameter) domain(item Domain) Domain {
	if p.Domain == "" {
		return item
	}
	return p.Domain
}

// reading is the concept one value-carrying event of a parameter must have,
// with the attributes that event must satisfy.
type reading struct {
	concept int64
	attrs   []Attribute
}

// readings splits p's attributes by the concept they name (the parameter's
// own concept when they name none), in order of first appearance. A
// parameter without attributes has one reading of its concept.
func (p Parameter) readings() []reading {
	var rs []reading
	add := func(c int64, a *Attribute) {
		i := slices.IndexFunc(rs, func(r reading) bool { return r.concept == c })
		if i < 0 {
			rs = append(rs, reading{concept: c})
			i = len(rs) - 1
		}
		if a != nil {
			rs[i].attrs = append(rs[i].attrs, *a)
		}
	}
	if len(p.Attributes) == 0 {
		add(p.ConceptID, nil)
	}
	for _, a := range p.Attributes {
		c := a.ConceptID
		if c == 0 {
			c = p.ConceptID
		}
		add(c, &a)
	}
	return rs
}
