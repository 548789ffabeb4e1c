package cohort

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/fault"
)

// problem is an expected validation error: its exact path and a part of
// its message.
type problem struct{ path, msg string }

func checkProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	list := fault.FieldsOf(err)
	require.NotEmpty(t, list, "want field problems, got %T", err)
	var got []problem
	for _, e := range list {
		got = append(got, problem{e.Path, e.Message})
	}
	require.Len(t, got, len(want), "%v", got)
	for i := range want {
		assert.Equal(t, want[i].path, got[i].path, "problem %d: %v", i, got[i])
		assert.Contains(t, got[i].msg, want[i].msg, "problem %d", i)
	}
}

// condition is a valid CONDITION item; items replace it by text.
const condition = `{"type":"CONDITION","searchParameters":[{"conceptId":201826,"domain":"CONDITION","group":true}],"modifiers":[]}`

// withItem is a definition with one include group holding item.
func withItem(item string) string { return `{"includes":[{"items":[` + item + `]}]}` }

// withModifier is a CONDITION item with one modifier.
func withModifier(m string) string {
	return withItem(`{"type":"CONDITION","searchParameters":[{"conceptId":1}],"modifiers":[` + m + `]}`)
}

// withParam is an item of domain d with one parameter.
func withParam(d, p string) string {
	return withItem(`{"type":"` + d + `","searchParameters":[` + p + `]}`)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []problem
	}{
		{"syntax", `{"includes": [`, []problem{{"", "invalid JSON"}}},
		{"trailing data", `{} {}`, []problem{{"", "data after"}}},
		{"not an object", `[]`, []problem{{"", "want an object, got an array"}}},
		{"unknown top field", `{"include":[]}`, []problem{{"include", "unknown field"}}},
		{"unknown deep field", withParam("CONDITION", `{"conceptId":1,"colour":"red"}`),
			[]problem{{"includes[0].items[0].searchParameters[0].colour", "unknown field"}}},
		{"wrong types", withParam("CONDITION", `{"conceptId":"201826","group":"yes","attributes":{}}`), []problem{
			{"includes[0].items[0].searchParameters[0].group", "want true or false, got a string"},
			{"includes[0].items[0].searchParameters[0].conceptId", "want a whole number, got a string"},
			{"includes[0].items[0].searchParameters[0].attributes", "want an array, got an object"},
		}},
		{"fractional concept id", withParam("CONDITION", `{"conceptId":1.5}`),
			[]problem{{"includes[0].items[0].searchParameters[0].conceptId", "want a whole number, got 1.5"}}},
		{"numeric operands", withModifier(`{"name":"AGE_AT_EVENT","operator":"EQUAL","operands":[65]}`),
			[]problem{{"includes[0].items[0].modifiers[0].operands[0]", "want a string, got a number"}}},
		{"item not an object", withItem(`"CONDITION"`), []problem{{"includes[0].items[0]", "want an object, got a string"}}},
		{"missing timeValue", `{"includes":[{"temporal":true,"mention":"ANY_MENTION","time":"X_DAYS_BEFORE","items":[]}]}`,
			[]problem{{"includes[0].timeValue", "want a number of days for X_DAYS_BEFORE"}}},
		{"bad timeValue", `{"includes":[{"temporal":true,"time":"X_DAYS_AFTER","timeValue":"soon","items":[]}]}`,
			[]problem{{"includes[0].timeValue", `want a whole number, got "soon"`}}},
		{"everything at once", `{"includes":[{"items":[{"type":3,"searchParameters":[{"conceptId":true}],"modifiers":[{"nme":"x"}]}]}],"dataFilters":[1]}`,
			[]problem{
				{"includes[0].items[0].type", "want a string, got a number"},
				{"includes[0].items[0].searchParameters[0].conceptId", "want a whole number, got a boolean"},
				{"includes[0].items[0].modifiers[0].nme", "unknown field"},
				{"dataFilters[0]", "want a string, got a number"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, err := Parse([]byte(tt.json))
			assert.Nil(t, def)
			checkProblems(t, err, tt.want)
		})
	}
}

// TestParseAllOfUs checks the fields All of Us sends that are ignored, and
// its spelling of numbers and defaults.
func TestParseAllOfUs(t *testing.T) {
	def, err := Parse([]byte(`{"includes":[{"id":"includes_1","temporal":true,"mention":"ANY_MENTION","time":"X_DAYS_BEFORE",
		"timeValue":"30","timeFrame":"","status":"active","count":null,"isRequested":false,"items":[
		{"id":"items_1","type":"CONDITION","temporalGroup":0,"count":12,"isRequested":false,"status":"active",
		 "searchParameters":[{"parameterId":"p1","name":"n","value":"X","variantId":null,"domain":"CONDITION","type":"ICD10CM",
		 "subtype":"","group":false,"ancestorData":false,"standard":false,"conceptId":35207668,"attributes":[]}],"modifiers":[]},
		{"id":"items_2","type":"DRUG","temporalGroup":1,"searchParameters":[{"conceptId":1118084,"standard":null}],"modifiers":null}]}],
		"excludes":[],"dataFilters":[]}`))
	require.NoError(t, err)
	require.NoError(t, def.Validate())
	g := def.Includes[0]
	assert.Equal(t, int64(30), g.TimeValue)
	assert.False(t, g.Items[0].Parameters[0].Standard)
	assert.True(t, g.Items[1].Parameters[0].Standard, "a missing standard means true")
	assert.Equal(t, CriteriaType("ICD10CM"), g.Items[0].Parameters[0].Type)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []problem
	}{
		{"empty cohort", `{"includes":[],"excludes":[],"dataFilters":["HAS_EHR_DATA"]}`,
			[]problem{{"includes", "empty cohort"}}},
		{"unknown data filter", `{"excludes":[{"items":[` + condition + `]}],"dataFilters":["HAS_EHR_DATA","HAS_SURVEY_DATA"]}`,
			[]problem{{"dataFilters[1]", `unknown data filter "HAS_SURVEY_DATA"`}}},
		{"group without items", `{"includes":[{"items":[]}]}`, []problem{{"includes[0].items", "want at least one item"}}},
		{"bad temporal group", `{"includes":[{"temporal":true,"mention":"EVERY_MENTION","time":"X_WEEKS_BEFORE","timeValue":-1,"items":[` +
			condition + `]}]}`, []problem{
			{"includes[0].mention", `unknown mention "EVERY_MENTION"`},
			{"includes[0].time", `unknown time "X_WEEKS_BEFORE"`},
			{"includes[0].timeValue", "want a number of days >= 0"},
			{"includes[0].items", "wants items in temporalGroup 0 and in temporalGroup 1"},
		}},
		{"temporal group sides", `{"includes":[{"temporal":true,"mention":"FIRST_MENTION","time":"DURING_SAME_ENCOUNTER_AS","items":[` +
			`{"type":"PERSON","temporalGroup":0,"searchParameters":[{"type":"DECEASED"}]},` +
			`{"type":"CONDITION","temporalGroup":2,"searchParameters":[{"conceptId":1}]}]}]}`, []problem{
			{"includes[0].items[0].type", "not allowed in a temporal group"},
			{"includes[0].items[1].temporalGroup", "want 0 or 1"},
			{"includes[0].items", "wants items in temporalGroup 0 and in temporalGroup 1"},
		}},
		{"non-temporal group with bad defaults", `{"includes":[{"temporal":false,"mention":"any","items":[` + condition + `]}]}`,
			[]problem{{"includes[0].mention", `unknown mention "any"`}}},
		{"unknown domain", withItem(`{"type":"CONDITIONS","searchParameters":[{"conceptId":1}]}`),
			[]problem{{"includes[0].items[0].type", `unknown domain "CONDITIONS"`}}},
		{"no parameters", withItem(`{"type":"DRUG","searchParameters":[]}`),
			[]problem{{"includes[0].items[0].searchParameters", "want at least one search parameter"}}},
		{"parameter domain", withParam("DRUG", `{"conceptId":1,"domain":"CONDITION"}`),
			[]problem{{"includes[0].items[0].searchParameters[0].domain", `domain "CONDITION" differs from the item's type "DRUG"`}}},
		{"concept ids", withItem(`{"type":"DRUG","searchParameters":[{"conceptId":-4},{}]}`), []problem{
			{"includes[0].items[0].searchParameters[0].conceptId", "want a concept id >= 0"},
			{"includes[0].items[0].searchParameters[1].conceptId", "want a concept id"},
		}},
		{"attribute names", withParam("MEASUREMENT", `{"conceptId":1,"attributes":[{"name":"AGE","operator":"EQUAL","operands":["1"]},{"name":"TEXT"}]}`), []problem{
			{"includes[0].items[0].searchParameters[0].attributes[0].name", "AGE attributes belong to PERSON AGE parameters"},
			{"includes[0].items[0].searchParameters[0].attributes[1].name", `unknown attribute "TEXT"`},
		}},
		{"attribute concept", withParam("PHYSICAL_MEASUREMENT", `{"attributes":[{"name":"NUM","operator":"EQUAL","operands":["1"],"conceptId":903118},`+
			`{"name":"NUM","operator":"EQUAL","operands":["1"]}]}`),
			[]problem{{"includes[0].items[0].searchParameters[0].attributes[1].conceptId", "want the concept whose values it constrains"}}},
		{"attribute operands", withParam("MEASUREMENT", `{"conceptId":1,"attributes":[`+
			`{"name":"ANY","operands":["1"]},`+
			`{"name":"CAT","operator":"IN","operands":["yes"]},`+
			`{"name":"CAT","operator":"BETWEEN","operands":["1","2"]},`+
			`{"name":"NUM","operator":"LIKE","operands":["1"]},`+
			`{"name":"NUM","operator":"BETWEEN","operands":["1"]},`+
			`{"name":"NUM","operator":"BETWEEN","operands":["10","1e0"]},`+
			`{"name":"NUM","operator":"LESS_THAN","operands":["NaN"]},`+
			`{"name":"CAT","operator":"IN","operands":[]},`+
			`{"name":"NUM","operator":"EQUAL","operands":["1","2"]}]}`), []problem{
			{"includes[0].items[0].searchParameters[0].attributes[0].operands", "want no operands for ANY"},
			{"includes[0].items[0].searchParameters[0].attributes[1].operands[0]", `want a concept id, got "yes"`},
			{"includes[0].items[0].searchParameters[0].attributes[2].operator", `unusable operator "BETWEEN" (want one of IN, EQUAL)`},
			{"includes[0].items[0].searchParameters[0].attributes[3].operator", `unusable operator "LIKE"`},
			{"includes[0].items[0].searchParameters[0].attributes[4].operands", "want 2 operands for BETWEEN, each a number; got 1"},
			{"includes[0].items[0].searchParameters[0].attributes[5].operands", "want the low operand first"},
			{"includes[0].items[0].searchParameters[0].attributes[6].operands[0]", `want a number, got "NaN"`},
			{"includes[0].items[0].searchParameters[0].attributes[7].operands", "want at least 1 operand for IN, each a concept id"},
			{"includes[0].items[0].searchParameters[0].attributes[8].operands", "want 1 operand for EQUAL, a number; got 2"},
		}},
		{"person parameters", withItem(`{"type":"PERSON","searchParameters":[` +
			`{"type":"AGE"},` +
			`{"type":"AGE","attributes":[{"name":"NUM","operator":"EQUAL","operands":["1"]},{"name":"AGE","operator":"GREATER_THAN","operands":["-1"]}]},` +
			`{"type":"GENDER","attributes":[{"name":"CAT","operator":"IN","operands":["8532"]}]},` +
			`{"type":"RACE"},` +
			`{"type":"INCOME","conceptId":3}],` +
			`"modifiers":[{"name":"AGE_AT_EVENT","operator":"EQUAL","operands":["3"]}]}`), []problem{
			{"includes[0].items[0].searchParameters[0].attributes", "want an AGE attribute"},
			{"includes[0].items[0].searchParameters[1].attributes[0].name", `want AGE, got "NUM"`},
			{"includes[0].items[0].searchParameters[1].attributes[1].operands[0]", `want a whole number >= 0, got "-1"`},
			{"includes[0].items[0].searchParameters[2].attributes", "GENDER takes no attributes"},
			{"includes[0].items[0].searchParameters[2].conceptId", "want a concept id"},
			{"includes[0].items[0].searchParameters[3].conceptId", "want a concept id"},
			{"includes[0].items[0].searchParameters[4].type", `unknown PERSON criteria type "INCOME"`},
			{"includes[0].items[0].modifiers", "PERSON criteria take no modifiers"},
		}},
		{"cati", withModifier(`{"name":"CATI","operator":"IN","operands":["42530794"]}`),
			[]problem{{"includes[0].items[0].modifiers[0].name", "the CATI modifier is not supported"}}},
		{"modifiers", withItem(`{"type":"CONDITION","searchParameters":[{"conceptId":1}],"modifiers":[` +
			`{"name":"AGE","operator":"EQUAL","operands":["1"]},` +
			`{"name":"AGE_AT_EVENT","operator":"GREATER_THAN","operands":["old"]},` +
			`{"name":"AGE_AT_EVENT","operator":"LESS_THAN","operands":["90"]},` +
			`{"name":"EVENT_DATE","operator":"BETWEEN","operands":["2020-01-01","2019-02-30"]},` +
			`{"name":"ENCOUNTERS","operator":"EQUAL","operands":["9201"]},` +
			`{"name":"NUM_OF_OCCURRENCES","operator":"GREATER_THAN_OR_EQUAL_TO","operands":[]}]}`), []problem{
			{"includes[0].items[0].modifiers[0].name", `unknown modifier "AGE"`},
			{"includes[0].items[0].modifiers[1].operands[0]", `want a whole number >= 0, got "old"`},
			{"includes[0].items[0].modifiers[2].name", "modifier AGE_AT_EVENT given twice"},
			{"includes[0].items[0].modifiers[3].operands[1]", `want a date (YYYY-MM-DD), got "2019-02-30"`},
			{"includes[0].items[0].modifiers[4].operator", `unusable operator "EQUAL" (want one of IN)`},
			{"includes[0].items[0].modifiers[5].operands", "want 1 operand for GREATER_THAN_OR_EQUAL_TO, a whole number >= 0; got 0"},
		}},
		{"includes and excludes at once", `{"includes":[{"items":[]},{"items":[` + condition + `]}],` +
			`"excludes":[{"items":[{"type":"X","searchParameters":[{"conceptId":1}]}]}],"dataFilters":["NONE"]}`, []problem{
			{"includes[0].items", "want at least one item"},
			{"excludes[0].items[0].type", `unknown domain "X"`},
			{"dataFilters[0]", `unknown data filter "NONE"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, err := Parse([]byte(tt.json))
			require.NoError(t, err)
			checkProblems(t, def.Validate(), tt.want)
			_, err = Compile(def, Options{})
			checkProblems(t, err, tt.want)
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	def, err := Parse([]byte(withModifier(`{"name":"AGE_AT_EVENT","operator":"BETWEEN","operands":["1"]}`)))
	require.NoError(t, err)
	err = def.Validate()
	assert.Equal(t, "cohort: invalid definition: includes[0].items[0].modifiers[0].operands: want 2 operands for BETWEEN, each a whole number >= 0; got 1", err.Error())
	list := fault.FieldsOf(err)
	require.NotEmpty(t, list, "%v", err)
	assert.Equal(t, "includes[0].items[0].modifiers[0].operands", list[0].Path)
	assert.Error(t, (*Definition)(nil).Validate())
}

// TestTypedOperands checks that Parse reads operands as the values their
// name asks for, that Validate reports one of the wrong kind (built in
// Go) or text that is none (parsed) with its path, and that the canonical
// form spells them as before.
func TestTypedOperands(t *testing.T) {
	def, err := Parse([]byte(withModifier(`{"name":"EVENT_DATE","operator":"BETWEEN","operands":[" 2020-01-02","2021-02-03"]}`)))
	require.NoError(t, err)
	m := def.Includes[0].Items[0].Modifiers[0]
	assert.Equal(t, []Operand{Date(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)), Date(time.Date(2021, 2, 3, 0, 0, 0, 0, time.UTC))}, m.Operands)
	assert.Contains(t, def.String(), `"operands":["2020-01-02","2021-02-03"]`)

	def, err = Parse([]byte(withModifier(`{"name":"AGE_AT_EVENT","operator":"EQUAL","operands":["x1"]}`)))
	require.NoError(t, err, "an operand's text is Validate's to refuse")
	assert.Equal(t, []Operand{BadOperand("x1")}, def.Includes[0].Items[0].Modifiers[0].Operands)
	checkProblems(t, def.Validate(), []problem{{"includes[0].items[0].modifiers[0].operands[0]", `want a whole number >= 0, got "x1"`}})

	def.Includes[0].Items[0].Modifiers[0] = Modifier{Name: EventDate, Operator: LessThan, Operands: []Operand{Whole(3)}}
	checkProblems(t, def.Validate(), []problem{{"includes[0].items[0].modifiers[0].operands[0]", `want a date (YYYY-MM-DD), got "3"`}})
	def.Includes[0].Items[0].Modifiers[0] = Modifier{Name: AgeAtEvent, Operator: Between, Operands: []Operand{Whole(65), Whole(18)}}
	checkProblems(t, def.Validate(), []problem{{"includes[0].items[0].modifiers[0].operands", "want the low operand first"}})
	def.Includes[0].Items[0].Modifiers[0].Operands = []Operand{Whole(18), nil}
	checkProblems(t, def.Validate(), []problem{{"includes[0].items[0].modifiers[0].operands[1]", `want a whole number >= 0, got ""`}})
}

func TestParseDomain(t *testing.T) {
	for _, s := range []string{"CONDITION", "condition", "Condition", "physical_measurement"} {
		d, err := ParseDomain(s)
		require.NoError(t, err, s)
		assert.True(t, d.Valid(), s)
	}
	_, err := ParseDomain("conditions")
	require.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, "domain", fault.FieldsOf(err)[0].Path)
	assert.Contains(t, fault.FieldsOf(err)[0].Message, "CONDITION, DRUG, PROCEDURE")
}
