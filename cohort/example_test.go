package cohort_test

import (
	"fmt"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

// Women with a condition of the wrist fracture hierarchy on at least two
// dates, as the All of Us Cohort Builder would send it.
const wristFractures = `{
  "includes": [
    {"items": [{"type": "CONDITION", "searchParameters": [
      {"parameterId": "p4134304", "name": "Fracture of wrist", "domain": "CONDITION", "type": "SNOMED",
       "group": true, "ancestorData": false, "standard": true, "conceptId": 4134304, "attributes": []}],
      "modifiers": [{"name": "NUM_OF_OCCURRENCES", "operator": "GREATER_THAN_OR_EQUAL_TO", "operands": ["2"]}]}]},
    {"items": [{"type": "PERSON", "searchParameters": [
      {"parameterId": "g8532", "name": "Female", "domain": "PERSON", "type": "GENDER", "conceptId": 8532}]}]}
  ],
  "excludes": [],
  "dataFilters": ["HAS_EHR_DATA"]
}`

func ExampleCompile() {
	def, err := cohort.Parse([]byte(wristFractures))
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := cohort.Compile(def, cohort.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.SQL)
	fmt.Println(q.Args...)
	// Output:
	// WITH include0 AS ( -- includes[0]
	//   SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled AND rolled_dates >= ?::BIGINT
	// ),
	// persons AS ( -- includes[1], dataFilters
	//   SELECT person_id FROM "search_person" p WHERE (gender_concept_id = ?::BIGINT) AND has_ehr_data
	// )
	// SELECT s0.person_id FROM include0 s0
	// JOIN persons s1 ON s1.person_id = s0.person_id
	// 32 4134304 2 8532
}

func ExampleParse() {
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "DRUG",
		"searchParameters": [{"conceptId": 1118084, "name": "celecoxib"}], "modifiers": []}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// The canonical form: the cache key.
	fmt.Println(def)
	// Output:
	// {"includes":[{"temporal":false,"items":[{"type":"DRUG","searchParameters":[{"name":"celecoxib","group":false,"ancestorData":false,"standard":true,"conceptId":1118084,"attributes":[]}],"modifiers":[]}]}],"excludes":[],"dataFilters":[]}
}

func ExampleDefinition_Validate() {
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "MEASUREMENT",
		"searchParameters": [{"conceptId": 3004410, "attributes": [{"name": "NUM", "operator": "BETWEEN", "operands": ["7"]}]}],
		"modifiers": [{"name": "CATI", "operator": "IN", "operands": ["42530794"]}]}]}],
		"dataFilters": ["HAS_GENOMIC_DATA"]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if problems := fault.FieldsOf(def.Validate()); problems != nil {
		for _, p := range problems {
			fmt.Println(p.Path + ": " + p.Message)
		}
	}
	// Output:
	// includes[0].items[0].searchParameters[0].attributes[0].operands: want 2 operands for BETWEEN, each a number; got 1
	// includes[0].items[0].modifiers[0].name: the CATI modifier is not supported
	// dataFilters[0]: unknown data filter "HAS_GENOMIC_DATA" (want one of HAS_EHR_DATA, HAS_PHYSICAL_MEASUREMENT_DATA)
}
