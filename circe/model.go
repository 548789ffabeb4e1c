package circe

// Expression is a Circe cohort expression as ATLAS exports it, reduced to
// what the compiler acts on. Each part keeps the JSON path it came from, so
// the compiled SQL can name it in comments and errors can point at it.
type Expression struct {
	ConceptSets     []ConceptSet
	Primary         Primary
	Additional      *Group // nil when absent or empty
	QualifiedLimit  Limit
	ExpressionLimit Limit
	InclusionRules  []InclusionRule
	End             EndStrategy
	Censoring       []*Criteria
	EraPad          int64
	CensorStart     string // YYYY-MM-DD, empty when open
	CensorEnd       string
}

// Limit is a First, Last or All limit on events per person.
type Limit string

// The limits; the JSON spelling is case-insensitive.
const (
	LimitAll   Limit = "All"
	LimitFirst Limit = "First"
	LimitLast  Limit = "Last"
)

// ConceptSet is one entry of ConceptSets: the Id that criteria cite as
// CodesetId and the expression that expands to concept ids.
type ConceptSet struct {
	ID         int64
	Name       string
	Expression ConceptSetExpression
}

// ConceptSetExpression is an OHDSI concept set expression.
type ConceptSetExpression struct {
	Items []ConceptSetItem
}

// ConceptSetItem is one concept of a concept set expression with its flags.
type ConceptSetItem struct {
	ConceptID          int64
	IsExcluded         bool
	IncludeDescendants bool
	IncludeMapped      bool
}

// Primary is PrimaryCriteria: the entry events.
type Primary struct {
	Criteria  []*Criteria
	PriorDays int64
	PostDays  int64
	Limit     Limit
}

// InclusionRule is a named group that each qualifying event must pass.
type InclusionRule struct {
	Name  string
	Group *Group
}

// EndStrategy says where a cohort episode ends. Both nil means the end of
// the observation period.
type EndStrategy struct {
	DateOffset *DateOffset
	CustomEra  *CustomEra
}

// DateOffset ends an episode Offset days after the index event's start
// (DateField StartDate) or end (EndDate).
type DateOffset struct {
	DateField string
	Offset    int64
}

// CustomEra ends an episode at the end of the drug era, built from the
// exposures of DrugCodesetID, that contains the index date.
type CustomEra struct {
	DrugCodesetID      int64
	GapDays            int64
	Offset             int64
	DaysSupplyOverride *int64
}

// GroupType is how many members of a Group must match.
type GroupType string

// The group types.
const (
	GroupAll     GroupType = "ALL"
	GroupAny     GroupType = "ANY"
	GroupAtLeast GroupType = "AT_LEAST"
	GroupAtMost  GroupType = "AT_MOST"
)

// Group is a CriteriaGroup: correlated criteria, demographic criteria and
// nested groups, combined by Type (with Count for AT_LEAST and AT_MOST).
type Group struct {
	Path         string
	Type         GroupType
	Count        int64
	Correlated   []*Correlated
	Demographics []*Demographic
	Groups       []*Group
}

func (g *Group) empty() bool {
	return len(g.Correlated) == 0 && len(g.Demographics) == 0 && len(g.Groups) == 0
}

// Correlated is a windowed criterion of a group: events of Criteria that
// fall in the windows relative to the index event, counted against
// Occurrence.
type Correlated struct {
	Path                    string
	Criteria                *Criteria
	StartWindow             Window
	EndWindow               *Window
	RestrictVisit           bool
	IgnoreObservationPeriod bool
	Occurrence              Occurrence
}

// Window bounds an event date relative to the index date. A nil Days is
// unbounded (up to the observation period unless it is ignored). Coeff is
// -1 for before the index and +1 for after.
type Window struct {
	StartDays, EndDays   *int64
	StartCoeff, EndCoeff int64
	UseIndexEnd          bool
	UseEventEnd          bool
}

// Occurrence types, as Circe numbers them.
const (
	Exactly int64 = 0
	AtMost  int64 = 1
	AtLeast int64 = 2
)

// Occurrence is how many correlated events must be found.
type Occurrence struct {
	Type       int64
	Count      int64
	IsDistinct bool
	// CountColumn is what distinct counts count: DOMAIN_CONCEPT (the
	// default), START_DATE or VISIT_ID.
	CountColumn string
}

// Demographic is a DemographicCriteria of a group, read from the person and
// the index event.
type Demographic struct {
	Path      string
	Age       *NumRange
	Gender    []int64
	Race      []int64
	Ethnicity []int64
	StartDate *DateRange
	EndDate   *DateRange
	// Selections are GenderCS, RaceCS and EthnicityCS (Kind Gender, Race,
	// Ethnicity).
	Selections []Selection
}

// NumRange is a NumericRange: Op one of lt, lte, eq, !eq, gt, gte, bt, !bt;
// Extent is the upper bound of bt and !bt.
type NumRange struct {
	Op     string
	Value  float64
	Extent float64
}

// DateRange is a DateRange with the same operators over YYYY-MM-DD dates.
type DateRange struct {
	Op     string
	Value  string
	Extent string
}

// TextFilter matches a text column: Op one of startsWith, contains,
// endsWith and their negations with a leading '!'.
type TextFilter struct {
	Op   string
	Text string
}

// Criteria is one domain criterion: events of one OMOP table (Domain names
// it as Circe does, e.g. ConditionOccurrence) that satisfy every attribute
// set here.
type Criteria struct {
	Path            string
	Domain          string
	CodesetID       *int64
	SourceCodesetID *int64
	First           bool
	StartDate       *DateRange
	EndDate         *DateRange
	Age             *NumRange
	Gender          []int64
	Types           []int64 // the domain's *_type_concept_id
	TypesExclude    bool
	VisitType       []int64 // visit_concept_id of the event's visit
	ConditionStatus []int64
	StopReason      *TextFilter
	ValueAsNumber   *NumRange
	ValueAsConcept  []int64
	Unit            []int64
	Quantity        *NumRange
	DaysSupply      *NumRange
	Refills         *NumRange
	RangeLow        *NumRange
	RangeHigh       *NumRange
	EraLength       *NumRange
	OccurrenceCount *NumRange
	AgeAtStart      *NumRange
	AgeAtEnd        *NumRange
	VisitLength     *NumRange
	PeriodLength    *NumRange
	RangeLowRatio   *NumRange
	RangeHighRatio  *NumRange
	DoseValue       *NumRange
	// EffectiveDrugDose reads drug_exposure.effective_drug_dose, a column
	// of CDM v5.0 that a CDR may keep.
	EffectiveDrugDose *NumRange
	// GapDays compares the era's gap_days, with EraLength's range: see
	// the package doc.
	GapDays           *NumRange
	UserDefinedPeriod *Period
	Abnormal          bool
	Provider          []int64 // specialty_concept_id of the event's provider
	PlaceOfService    []int64 // place_of_service_concept_id of the visit's care site
	Concepts          []ColumnConcepts
	Codesets          []ColumnCodeset
	Texts             []ColumnText
	DateAdjustment    *DateAdjustment
	// Selections are the *CS forms of concept attributes (GenderCS,
	// ConditionTypeCS, ...): a concept set instead of a list of concepts.
	Selections []Selection
	Correlated *Group // CorrelatedCriteria, nil when absent or empty
}

// Selection is a ConceptSetSelection: the attribute named by Kind (as a
// key of a criteria type's attributes, e.g. Gender or ConditionType) must
// hold a concept of the concept set CodesetID, or none of it with
// IsExclusion. Without a concept set it must be non-null (null with
// IsExclusion).
type Selection struct {
	Path        string
	Kind        string
	CodesetID   *int64
	IsExclusion bool
}

// DateAdjustment moves an event's dates: its start becomes its start
// (StartWith START_DATE) or end (END_DATE) plus StartOffset days, and its
// end likewise; events whose end falls before their start are dropped.
type DateAdjustment struct {
	StartWith   string
	StartOffset int64
	EndWith     string
	EndOffset   int64
}

// ColumnConcepts asks a concept column of the event's table to hold one of
// the concepts.
type ColumnConcepts struct {
	Path   string
	Column string
	IDs    []int64
}

// ColumnCodeset asks a concept column of the event's table to hold a
// concept of the concept set CodesetID (PayerPlanPeriod's PayerConcept,
// PlanSourceConcept, ...).
type ColumnCodeset struct {
	Path      string
	Column    string
	CodesetID int64
}

// Period is a UserDefinedPeriod: the events are the periods that contain
// StartDate and EndDate (YYYY-MM-DD, empty when absent), each taken to
// start on StartDate and end on EndDate where they are given.
type Period struct {
	StartDate string
	EndDate   string
}

// ColumnText asks a text column of the event's table to match a filter.
type ColumnText struct {
	Column string
	Filter TextFilter
}
