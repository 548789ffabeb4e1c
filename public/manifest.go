package public

// Format is the layout of the release's files; Open refuses another.
const Format = 1

// The files of a release, in its folder.
const (
	manifestFile    = "manifest.json"
	conceptsFile    = "concepts.parquet"
	cellsFile       = "cells.parquet"
	hierarchyFile   = "hierarchy.parquet"
	sourceCodesFile = "source_codes.parquet"
	histogramsFile  = "histograms.parquet"
	surveysFile     = "surveys.parquet"
)

// Manifest says what a release is and how it was protected; it is public,
// and the About page shows it.
type Manifest struct {
	Format int `json:"format"`
	// CDRVersionID is the version id of the CDR's index: the release
	// belongs to that version.
	CDRVersionID string `json:"cdr_version_id"`
	// ReferenceDate is the date ages are computed on.
	ReferenceDate string     `json:"reference_date"`
	BuiltAt       string     `json:"built_at"`
	Disclosure    Parameters `json:"disclosure"`
	// Budget is the privacy budget of the Laplace mechanism; nil without it.
	Budget *Budget `json:"privacy_budget,omitempty"`
	// Rows is the number of rows of each table of the release.
	Rows map[string]int `json:"rows"`
}

// Parameters are the disclosure rules the release applied.
type Parameters struct {
	// Threshold: every count from 0 to Threshold is released as
	// "<= Threshold".
	Threshold int `json:"threshold"`
	// Bin: larger counts are rounded up to a multiple of Bin.
	Bin int `json:"bin"`
	// MinBreakdownTotal: a breakdown whose released total is under it is
	// not released.
	MinBreakdownTotal int64 `json:"min_breakdown_total"`
	HistogramBins     int   `json:"histogram_bins"`
	// Noise is the mechanism: "" (none), "keyed" or "laplace".
	Noise    string  `json:"noise"`
	NoiseMax int     `json:"noise_max,omitempty"`
	Epsilon  float64 `json:"epsilon_per_cell,omitempty"`
	// AgeBins are the labels of the age breakdowns: age on the reference
	// date, or at death for the deceased.
	AgeBins []string `json:"age_bins"`
}

// Budget is the privacy loss of one person under the Laplace mechanism,
// by basic composition: every cell a person's presence can change costs
// EpsilonPerCell.
type Budget struct {
	Mechanism      string  `json:"mechanism"`
	EpsilonPerCell float64 `json:"epsilon_per_cell"`
	// CellsPerPerson bounds the number of released cells one person's
	// presence changes, measured by the build over every person and
	// rounded up to a multiple of 100.
	CellsPerPerson int64 `json:"cells_per_person"`
	// TotalEpsilon is EpsilonPerCell times CellsPerPerson.
	TotalEpsilon float64 `json:"total_epsilon"`
	// Note says what the budget covers and what it does not.
	Note string `json:"note"`
}

// budgetNote is the manifest's statement of what the budget covers.
const budgetNote = "Each count above the threshold gets discrete Laplace noise of parameter exp(-epsilon_per_cell); " +
	"the total composes it over the cells one person can change. Counts at or under the threshold are " +
	"released as '<= threshold' whatever the noise, a rule applied to the true count that the budget does not cover."
