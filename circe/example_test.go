package circe_test

import (
	"fmt"
	"strings"

	"github.com/openworkbench/workbench/circe"
)

// Compiling a Circe expression needs no CDR: the values of the JSON travel
// as arguments beside the SQL.
func ExampleCompile() {
	e, err := circe.Parse([]byte(`{
  "ConceptSets": [{"id": 0, "name": "celecoxib", "expression": {"items": [{"concept": {"CONCEPT_ID": 1118084}}]}}],
  "PrimaryCriteria": {
    "CriteriaList": [{"DrugEra": {"CodesetId": 0}}],
    "ObservationWindow": {"PriorDays": 0, "PostDays": 0},
    "PrimaryCriteriaLimit": {"Type": "First"}
  }
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := circe.Compile(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Count(p.Cohort.SQL, "?") == len(p.Cohort.Args))
	fmt.Println(p.Cohort.Args[:2])
	// Output:
	// true
	// [0 [1118084]]
}

// Parse names the path of every problem.
func ExampleParse() {
	_, err := circe.Parse([]byte(`{"PrimaryCriteria": {"CriteriaList": [{"Region": {"CodesetId": 0}}]}}`))
	fmt.Println(err)
	// Output:
	// circe: invalid expression: PrimaryCriteria.CriteriaList[0].Region: criteria type not supported
}
