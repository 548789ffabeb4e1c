package workbench

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openworkbench/workbench/fault"
)

// ResearchPurpose is what a workspace is for, declared by the researcher
// who creates it, in the spirit of the All of Us research purpose: the
// question, how it will be studied, and the intended uses. Every
// workspace has one; collaborators and administrators read it.
type ResearchPurpose struct {
	// IntendedStudy is the scientific question: what the researcher wants
	// to learn. Required.
	IntendedStudy string `json:"intended_study"`
	// Approach is how the question will be studied: the data, the
	// cohorts, the methods. Required.
	Approach string `json:"approach"`
	// AnticipatedFindings is what the study may show, and whom it serves.
	AnticipatedFindings string `json:"anticipated_findings,omitempty"`
	// Uses are the intended uses: at least one, each once.
	Uses []Use `json:"uses"`
	// DiseaseOfFocus names the disease of a DiseaseFocused use.
	DiseaseOfFocus string `json:"disease_of_focus,omitempty"`
	// OtherPurpose says what an OtherPurpose use is.
	OtherPurpose string `json:"other_purpose,omitempty"`
}

// Use is an intended use of a workspace's data.
type Use string

// The intended uses.
const (
	DiseaseFocused     Use = "disease_focused"
	MethodsDevelopment Use = "methods_development"
	ControlSet         Use = "control_set"
	Ancestry           Use = "ancestry"
	SocialBehavioral   Use = "social_behavioral"
	PopulationHealth   Use = "population_health"
	DrugDevelopment    Use = "drug_development"
	Commercial         Use = "commercial"
	Educational        Use = "educational"
	OtherUse           Use = "other"
)

// Uses lists the intended uses, in the order forms show them.
var Uses = []Use{DiseaseFocused, MethodsDevelopment, ControlSet, Ancestry, SocialBehavioral, PopulationHealth, DrugDevelopment, Commercial, Educational, OtherUse}

// MaxPurposeText bounds each text of a research purpose, in characters.
const MaxPurposeText = 5000

// Clean trims the texts of p and checks it: every problem at its path
// under prefix ("research_purpose.uses[1]").
func (p *ResearchPurpose) Clean(prefix string) error {
	f := fault.Fields{Of: ErrInvalid}
	at := func(name string) string { return prefix + "." + name }
	text := func(name string, s *string, required bool) {
		*s = strings.TrimSpace(*s)
		switch n := utf8.RuneCountInString(*s); {
		case n == 0 && required:
			f.Add(at(name), "empty: required")
		case n > MaxPurposeText:
			f.Add(at(name), "%d characters: want at most %d", n, MaxPurposeText)
		}
	}
	text("intended_study", &p.IntendedStudy, true)
	text("approach", &p.Approach, true)
	text("anticipated_findings", &p.AnticipatedFindings, false)
	if len(p.Uses) == 0 {
		f.Add(at("uses"), "empty: want at least one of %s", useNames())
	}
	for i, u := range p.Uses {
		switch {
		case !slices.Contains(Uses, u):
			f.Add(at("uses")+"["+strconv.Itoa(i)+"]", "%q: want one of %s", string(u), useNames())
		case slices.Index(p.Uses, u) < i:
			f.Add(at("uses")+"["+strconv.Itoa(i)+"]", "%q is already uses[%d]", string(u), slices.Index(p.Uses, u))
		}
	}
	text("disease_of_focus", &p.DiseaseOfFocus, slices.Contains(p.Uses, DiseaseFocused))
	text("other_purpose", &p.OtherPurpose, slices.Contains(p.Uses, OtherUse))
	return f.Err()
}

func useNames() string {
	names := make([]string, len(Uses))
	for i, u := range Uses {
		names[i] = string(u)
	}
	return strings.Join(names, ", ")
}
