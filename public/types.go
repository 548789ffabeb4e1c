package public

import "github.com/openworkbench/workbench/access"

// The answers of a Release. They hold labels of the vocabulary and of the
// demographic categories, ids of concepts (never of persons) and released
// numbers (access.Released, which only a Disclosure can make), with shares
// computed from released numbers. Field names in JSON are stable: the
// server answers with them.

// Search domains: the domain of a concept in the release.
const (
	DomainCondition           = "CONDITION"
	DomainDrug                = "DRUG"
	DomainMeasurement         = "MEASUREMENT"
	DomainProcedure           = "PROCEDURE"
	DomainObservation         = "OBSERVATION"
	DomainDevice              = "DEVICE"
	DomainVisit               = "VISIT"
	DomainSurvey              = "SURVEY"
	DomainPhysicalMeasurement = "PHYSICAL_MEASUREMENT"
)

// Domains lists the search domains in the order of the search page, with
// their labels.
var Domains = []struct{ ID, Label string }{
	{DomainCondition, "Conditions"},
	{DomainDrug, "Drug exposures"},
	{DomainMeasurement, "Labs and measurements"},
	{DomainProcedure, "Procedures"},
	{DomainObservation, "Observations"},
	{DomainDevice, "Devices"},
	{DomainVisit, "Visits"},
	{DomainSurvey, "Surveys"},
	{DomainPhysicalMeasurement, "Physical measurements"},
}

// Data types of the participants, the scopes of Demographics.
const (
	ScopeAll                 = "all"
	ScopeEHR                 = "ehr"
	ScopeSurvey              = "survey"
	ScopePhysicalMeasurement = "physical_measurement"
)

// Scopes lists the scopes with their labels.
var Scopes = []struct{ ID, Label string }{
	{ScopeAll, "All participants"},
	{ScopeEHR, "Electronic health records"},
	{ScopeSurvey, "Surveys"},
	{ScopePhysicalMeasurement, "Physical measurements"},
}

// Labels of the age bins.
var AgeBins = []string{"0-17", "18-44", "45-64", "65+", "Unknown"}

// Dimensions of the demographic breakdowns.
const (
	DimSexAtBirth = "sex_at_birth"
	DimGender     = "gender"
	DimRace       = "race"
	DimEthnicity  = "ethnicity"
	DimAge        = "age"
)

// Totals is the number of participants, and of participants with each
// type of data (their shares of the whole from released numbers).
type Totals struct {
	Participants access.Released      `json:"participants"`
	ByDataType   []access.PublicCount `json:"by_data_type"`
}

// Demographics is the participants of a scope broken down five ways.
// Every breakdown's total is Participants.
type Demographics struct {
	Scope        string                 `json:"scope"`
	Participants access.Released        `json:"participants"`
	SexAtBirth   access.PublicBreakdown `json:"sex_at_birth"`
	Gender       access.PublicBreakdown `json:"gender"`
	Race         access.PublicBreakdown `json:"race"`
	Ethnicity    access.PublicBreakdown `json:"ethnicity"`
	Age          access.PublicBreakdown `json:"age"`
}

// Concept is a concept of the vocabulary with its released counts: the
// persons with an event of the concept itself, and of it or any
// descendant.
type Concept struct {
	ID                   int64           `json:"concept_id"`
	Name                 string          `json:"name"`
	Code                 string          `json:"code"`
	Vocabulary           string          `json:"vocabulary"`
	Class                string          `json:"concept_class"`
	Domain               string          `json:"domain"`
	Standard             bool            `json:"standard"`
	Count                access.Released `json:"count"`
	CountWithDescendants access.Released `json:"count_with_descendants"`
}

// ConceptPage is everything the concept page shows.
type ConceptPage struct {
	Concept
	// SexAtBirth and Age break CountWithDescendants down; nil when that
	// count is under the release's minimum for breakdowns.
	SexAtBirth *access.PublicBreakdown `json:"sex_at_birth,omitempty"`
	Age        *access.PublicBreakdown `json:"age,omitempty"`
	// Parents and Children are the concepts one level up and down the
	// hierarchy, in the release's list order.
	Parents  []Concept `json:"parents"`
	Children []Concept `json:"children"`
	// SourceCodes are the source concepts that map to this standard one;
	// MapsTo the standard concepts a source concept maps to.
	SourceCodes []Concept   `json:"source_codes"`
	MapsTo      []Concept   `json:"maps_to"`
	Histograms  []Histogram `json:"histograms"`
}

// Histogram is the persons by value of a measurement in one unit, for one
// sex at birth: a person counts once in every bin that holds one of their
// values.
type Histogram struct {
	ConceptID  int64           `json:"concept_id"`
	UnitID     int64           `json:"unit_concept_id"`
	Unit       string          `json:"unit"`
	SexAtBirth string          `json:"sex_at_birth"`
	Total      access.Released `json:"total"`
	Bins       []Bin           `json:"bins"`
}

// Bin is the persons with a value from Low (included) to High (excluded);
// the first bin has no Low, the last no High.
type Bin struct {
	Low   *float64        `json:"low,omitempty"`
	High  *float64        `json:"high,omitempty"`
	Count access.Released `json:"count"`
}

// Sorts of Query.Sort.
const (
	SortCount = "count"
	SortName  = "name"
)

// Query is a concept search.
type Query struct {
	// Text is words that must all appear in the name (in any case), or a
	// code, or a concept id; empty finds every concept.
	Text string `json:"q"`
	// Domain keeps one search domain; empty keeps all.
	Domain string `json:"domain,omitempty"`
	// Sort is SortCount (the default: by count with descendants, then
	// count, largest first) or SortName; ties go by concept id.
	Sort   string `json:"sort,omitempty"`
	Offset int    `json:"offset,omitempty"`
	// Limit is the page size: 0 means 50, at most 1000.
	Limit int `json:"limit,omitempty"`
}

// SearchResult is one page of a search and the number of concepts found.
type SearchResult struct {
	Total    int       `json:"total"`
	Concepts []Concept `json:"concepts"`
}

// DomainResult is what a search finds in one domain, for the search page:
// the number of concepts found and the participants with any event of the
// domain.
type DomainResult struct {
	Domain       string          `json:"domain"`
	Label        string          `json:"label"`
	Concepts     int             `json:"concepts"`
	Participants access.Released `json:"participants"`
}

// SurveySummary is a survey (a module of questions) and the participants
// who answered any of its questions.
type SurveySummary struct {
	ID           int64           `json:"survey_id"`
	Name         string          `json:"name"`
	Questions    int             `json:"questions"`
	Participants access.Released `json:"participants"`
}

// Survey is a survey with its questions.
type Survey struct {
	SurveySummary
	QuestionList []Question `json:"question_list"`
}

// Question is a survey question with its answers. Participants is the
// persons who answered it at all (a person may give several answers;
// answers given as numbers count here only).
type Question struct {
	ID           int64           `json:"question_id"`
	SurveyID     int64           `json:"survey_id"`
	Text         string          `json:"text"`
	Code         string          `json:"code"`
	Participants access.Released `json:"participants"`
	Answers      []Answer        `json:"answers"`
}

// Answer is one answer with the persons who gave it; its breakdowns are
// nil when its count is under the release's minimum for breakdowns.
type Answer struct {
	ID         int64                   `json:"answer_id"`
	Text       string                  `json:"text"`
	Count      access.Released         `json:"count"`
	Share      float64                 `json:"share"`
	SexAtBirth *access.PublicBreakdown `json:"sex_at_birth,omitempty"`
	Age        *access.PublicBreakdown `json:"age,omitempty"`
}
