package public_test

import (
	"fmt"

	"github.com/openworkbench/workbench/public"
)

// Example opens a release (here the one built from a 400-person synthetic
// CDR with the default rules) and answers as the public pages would.
func Example() {
	f, err := sharedFixture()
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := public.Open(f.out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("participants:", r.Totals().Participants)
	found, _ := r.Search(public.Query{Text: "systolic", Domain: public.DomainMeasurement})
	for _, c := range found.Concepts {
		page, _ := r.Concept(c.ID)
		fmt.Printf("%s (%s %s): %s persons, %d histograms\n", c.Name, c.Vocabulary, c.Code, c.Count, len(page.Histograms))
		if page.SexAtBirth == nil {
			fmt.Println("  by sex at birth: not released")
			continue
		}
		for _, g := range page.SexAtBirth.Groups {
			fmt.Printf("  %s: %s\n", g.Label, g.Count)
		}
	}
	q, _ := r.Question(2001000004)
	fmt.Printf("%s: %s answered, %d answers\n", q.Text, q.Participants, len(q.Answers))
	// Output:
	// participants: 400
	// Systolic blood pressure (LOINC 8480-6): 380 persons, 0 histograms
	//   FEMALE: 200
	//   MALE: 200
	//   Unknown: <= 20
	// Blood pressure systolic and diastolic (LOINC 55284-4): <= 20 persons, 0 histograms
	//   by sex at birth: not released
	// Birthplace: Birthplace: 360 answered, 2 answers
}
