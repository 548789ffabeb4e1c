package cohort

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ignored are the fields, per JSON object kind, that the All of Us Cohort
// Builder sends and this package does not use. Any other unknown field is
// an error.
var ignored = map[string][]string{
	"group":     {"count", "isRequested", "status", "timeFrame"},
	"item":      {"count", "isRequested", "status"},
	"parameter": {"value", "variantId"},
}

// Parse reads an All of Us CohortDefinition. It reports every structural
// problem at once as a *fault.Fields: malformed JSON, unknown fields, and
// values of the wrong JSON type, each with its path. It does not check
// enums, operands or the rules of Validate.
func Parse(data []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalidAt("", "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, invalidAt("", "invalid JSON: data after the definition")
	}
	var p parser
	def := p.definition(v)
	if err := p.err(); err != nil {
		return nil, err
	}
	return def, nil
}

type parser struct{ errorList }

func field(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// object returns v as an object, reporting unknown fields: those not in
// known nor in ignored[kind]. It returns nil (reported) when v is not an
// object.
func (p *parser) object(path, kind string, v any, known ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		p.add(path, "want an object, got "+jsonType(v))
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) && !slices.Contains(ignored[kind], k) {
			p.add(field(path, k), "unknown field")
		}
	}
	return m
}

// array returns v as an array; null or absent is an empty array.
func (p *parser) array(path string, v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	p.add(path, "want an array, got "+jsonType(v))
	return nil
}

func (p *parser) str(path string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	p.add(path, "want a string, got "+jsonType(v))
	return ""
}

func (p *parser) boolean(path string, v any, absent bool) bool {
	switch v := v.(type) {
	case nil:
		return absent
	case bool:
		return v
	}
	p.add(path, "want true or false, got "+jsonType(v))
	return false
}

// integer reads a JSON integer; null or absent is 0. With fromString, a
// string holding an integer (or empty, meaning 0) is accepted too, as the
// All of Us UI sends some numbers as strings.
func (p *parser) integer(path string, v any, fromString bool) int64 {
	switch v := v.(type) {
	case nil:
		return 0
	case json.Number:
		if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return n
		}
		p.add(path, "want a whole number, got "+v.String())
		return 0
	case string:
		if fromString {
			if v == "" {
				return 0
			}
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
			p.add(path, fmt.Sprintf("want a whole number, got %q", v))
			return 0
		}
	}
	p.add(path, "want a whole number, got "+jsonType(v))
	return 0
}

func (p *parser) strs(path string, v any) []string {
	var out []string
	for i, e := range p.array(path, v) {
		out = append(out, p.str(index(path, i), e))
	}
	return out
}

// operands reads an array of operand strings as values of kind k.
func (p *parser) operands(path string, v any, k operandKind) []Operand {
	var out []Operand
	for _, s := range p.strs(path, v) {
		out = append(out, parseOperand(k, s))
	}
	return out
}

// asString is v when it is a string, else "" (the parser reports it where
// the field itself is read).
func asString(v any) string {
	s, _ := v.(string)
	return s
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func (p *parser) definition(v any) *Definition {
	m := p.object("", "definition", v, "includes", "excludes", "dataFilters")
	if m == nil {
		return nil
	}
	def := &Definition{
		Includes: p.groups("includes", m["includes"]),
		Excludes: p.groups("excludes", m["excludes"]),
	}
	for _, f := range p.strs("dataFilters", m["dataFilters"]) {
		def.DataFilters = append(def.DataFilters, DataFilter(f))
	}
	return def
}

func (p *parser) groups(path string, v any) []Group {
	var gs []Group
	for i, e := range p.array(path, v) {
		path := index(path, i)
		m := p.object(path, "group", e, "id", "name", "temporal", "mention", "time", "timeValue", "items")
		if m == nil {
			continue
		}
		g := Group{
			ID:        p.str(field(path, "id"), m["id"]),
			Name:      p.str(field(path, "name"), m["name"]),
			Temporal:  p.boolean(field(path, "temporal"), m["temporal"], false),
			Mention:   Mention(p.str(field(path, "mention"), m["mention"])),
			Time:      TimeRelation(p.str(field(path, "time"), m["time"])),
			TimeValue: p.integer(field(path, "timeValue"), m["timeValue"], true),
		}
		if g.Temporal && (g.Time == DaysBefore || g.Time == DaysAfter || g.Time == WithinDays) {
			if tv, ok := m["timeValue"]; !ok || tv == nil || tv == "" {
				p.add(field(path, "timeValue"), "want a number of days for "+string(g.Time))
			}
		}
		for j, e := range p.array(field(path, "items"), m["items"]) {
			if it, ok := p.item(index(field(path, "items"), j), e); ok {
				g.Items = append(g.Items, it)
			}
		}
		gs = append(gs, g)
	}
	return gs
}

func (p *parser) item(path string, v any) (Item, bool) {
	m := p.object(path, "item", v, "id", "name", "type", "temporalGroup", "searchParameters", "modifiers")
	if m == nil {
		return Item{}, false
	}
	it := Item{
		ID:            p.str(field(path, "id"), m["id"]),
		Name:          p.str(field(path, "name"), m["name"]),
		Type:          Domain(p.str(field(path, "type"), m["type"])),
		TemporalGroup: int(p.integer(field(path, "temporalGroup"), m["temporalGroup"], false)),
	}
	pp := field(path, "searchParameters")
	for i, e := range p.array(pp, m["searchParameters"]) {
		path := index(pp, i)
		pm := p.object(path, "parameter", e, "parameterId", "name", "domain", "type", "subtype", "group",
			"ancestorData", "standard", "conceptId", "attributes")
		if pm == nil {
			continue
		}
		par := Parameter{
			ParameterID:  p.str(field(path, "parameterId"), pm["parameterId"]),
			Name:         p.str(field(path, "name"), pm["name"]),
			Domain:       Domain(p.str(field(path, "domain"), pm["domain"])),
			Type:         CriteriaType(p.str(field(path, "type"), pm["type"])),
			Subtype:      p.str(field(path, "subtype"), pm["subtype"]),
			Group:        p.boolean(field(path, "group"), pm["group"], false),
			AncestorData: p.boolean(field(path, "ancestorData"), pm["ancestorData"], false),
			Standard:     p.boolean(field(path, "standard"), pm["standard"], true),
			ConceptID:    p.integer(field(path, "conceptId"), pm["conceptId"], false),
		}
		ap := field(path, "attributes")
		for j, e := range p.array(ap, pm["attributes"]) {
			path := index(ap, j)
			am := p.object(path, "attribute", e, "name", "operator", "operands", "conceptId")
			if am == nil {
				continue
			}
			par.Attributes = append(par.Attributes, Attribute{
				Name:      AttrName(p.str(field(path, "name"), am["name"])),
				Operator:  Operator(p.str(field(path, "operator"), am["operator"])),
				Operands:  p.operands(field(path, "operands"), am["operands"], attrKind(AttrName(asString(am["name"])))),
				ConceptID: p.integer(field(path, "conceptId"), am["conceptId"], false),
			})
		}
		it.Parameters = append(it.Parameters, par)
	}
	mp := field(path, "modifiers")
	for i, e := range p.array(mp, m["modifiers"]) {
		path := index(mp, i)
		mm := p.object(path, "modifier", e, "name", "operator", "operands")
		if mm == nil {
			continue
		}
		it.Modifiers = append(it.Modifiers, Modifier{
			Name:     ModifierName(p.str(field(path, "name"), mm["name"])),
			Operator: Operator(p.str(field(path, "operator"), mm["operator"])),
			Operands: p.operands(field(path, "operands"), mm["operands"], modifierKind(ModifierName(asString(mm["name"])))),
		})
	}
	return it, true
}

// The canonical JSON form: fixed key order, explicit defaults, operands
// normalized, fields without meaning in context left out.
type (
	jsonDefinition struct {
		Includes    []jsonGroup  `json:"includes"`
		Excludes    []jsonGroup  `json:"excludes"`
		DataFilters []DataFilter `json:"dataFilters"`
	}
	jsonGroup struct {
		ID        string       `json:"id,omitempty"`
		Name      string       `json:"name,omitempty"`
		Temporal  bool         `json:"temporal"`
		Mention   Mention      `json:"mention,omitempty"`
		Time      TimeRelation `json:"time,omitempty"`
		TimeValue *int64       `json:"timeValue,omitempty"`
		Items     []jsonItem   `json:"items"`
	}
	jsonItem struct {
		ID               string          `json:"id,omitempty"`
		Name             string          `json:"name,omitempty"`
		Type             Domain          `json:"type"`
		TemporalGroup    *int            `json:"temporalGroup,omitempty"`
		SearchParameters []jsonParameter `json:"searchParameters"`
		Modifiers        []jsonModifier  `json:"modifiers"`
	}
	jsonParameter struct {
		ParameterID  string          `json:"parameterId,omitempty"`
		Name         string          `json:"name,omitempty"`
		Domain       Domain          `json:"domain,omitempty"`
		Type         CriteriaType    `json:"type,omitempty"`
		Subtype      string          `json:"subtype,omitempty"`
		Group        bool            `json:"group"`
		AncestorData bool            `json:"ancestorData"`
		Standard     bool            `json:"standard"`
		ConceptID    int64           `json:"conceptId,omitempty"`
		Attributes   []jsonAttribute `json:"attributes"`
	}
	jsonAttribute struct {
		Name      AttrName `json:"name"`
		Operator  Operator `json:"operator,omitempty"`
		Operands  []string `json:"operands"`
		ConceptID int64    `json:"conceptId,omitempty"`
	}
	jsonModifier struct {
		Name     ModifierName `json:"name"`
		Operator Operator     `json:"operator"`
		Operands []string     `json:"operands"`
	}
)

// MarshalJSON writes the canonical form of d: the All of Us
// CohortDefinition with a fixed key order, every array present, defaults
// explicit (standard), operands normalized (numbers without leading zeros
// or trailing fraction zeros, dates as YYYY-MM-DD), data filters sorted and
// unique, and the temporal fields only on temporal groups. Two definitions
// with the same canonical form have the same meaning, so it serves as a
// cache key; Parse reads it back to an equal definition.
func (d *Definition) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	j := jsonDefinition{
		Includes:    canonicalGroups(d.Includes),
		Excludes:    canonicalGroups(d.Excludes),
		DataFilters: slices.Compact(slices.Sorted(slices.Values(d.DataFilters))),
	}
	if j.DataFilters == nil {
		j.DataFilters = []DataFilter{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads d with Parse, so a Definition can be a field of
// other JSON documents.
func (d *Definition) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*d = *p
	return nil
}

// String returns the canonical JSON form of d (see MarshalJSON).
func (d *Definition) String() string {
	b, err := d.MarshalJSON()
	if err != nil {
		return "cohort: " + err.Error()
	}
	return string(b)
}

func canonicalGroups(gs []Group) []jsonGroup {
	out := []jsonGroup{}
	for _, g := range gs {
		jg := jsonGroup{ID: g.ID, Name: g.Name, Temporal: g.Temporal, Items: []jsonItem{}}
		if g.Temporal {
			jg.Mention, jg.Time = g.Mention, g.Time
			if g.Time != SameEncounter {
				jg.TimeValue = &g.TimeValue
			}
		}
		for _, it := range g.Items {
			ji := jsonItem{ID: it.ID, Name: it.Name, Type: it.Type, SearchParameters: []jsonParameter{}, Modifiers: []jsonModifier{}}
			if g.Temporal {
				ji.TemporalGroup = &it.TemporalGroup
			}
			for _, p := range it.Parameters {
				jp := jsonParameter{
					ParameterID: p.ParameterID, Name: p.Name, Domain: p.Domain, Type: p.Type, Subtype: p.Subtype,
					Group: p.Group, AncestorData: p.AncestorData, Standard: p.Standard, ConceptID: p.ConceptID,
					Attributes: []jsonAttribute{},
				}
				for _, a := range p.Attributes {
					ja := jsonAttribute{Name: a.Name, Operator: a.Operator, Operands: canonicalOperands(a.Operands), ConceptID: a.ConceptID}
					if a.Name == AttrAny {
						ja.Operator = ""
					}
					jp.Attributes = append(jp.Attributes, ja)
				}
				ji.SearchParameters = append(ji.SearchParameters, jp)
			}
			for _, m := range it.Modifiers {
				ji.Modifiers = append(ji.Modifiers, jsonModifier{Name: m.Name, Operator: m.Operator, Operands: canonicalOperands(m.Operands)})
			}
			jg.Items = append(jg.Items, ji)
		}
		out = append(out, jg)
	}
	return out
}

// operandKind is what the operands of an attribute or modifier hold.
type operandKind int

const (
	kindNone    operandKind = iota // no operands allowed
	kindNumber                     // finite decimal numbers
	kindWhole                      // whole numbers >= 0
	kindConcept                    // concept ids >= 0
	kindDate                       // YYYY-MM-DD
	kindUnknown                    // unknown name
)

func attrKind(n AttrName) operandKind {
	switch n {
	case AttrAny:
		return kindNone
	case AttrNum:
		return kindNumber
	case AttrCat:
		return kindConcept
	case AttrAge:
		return kindWhole
	}
	return kindUnknown
}

func modifierKind(n ModifierName) operandKind {
	switch n {
	case AgeAtEvent, NumOfOccurrences:
		return kindWhole
	case EventDate:
		return kindDate
	case Encounters:
		return kindConcept
	}
	return kindUnknown
}

// parseOperand reads one operand of kind k: a Number, a Whole, a
// ConceptID or a Date, or a BadOperand holding s when s is not one.
func parseOperand(k operandKind, s string) Operand {
	t := strings.TrimSpace(s)
	switch k {
	case kindNumber:
		f, err := strconv.ParseFloat(t, 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return Number(f)
		}
	case kindWhole, kindConcept:
		n, err := strconv.ParseInt(t, 10, 64)
		if err == nil && n >= 0 {
			if k == kindWhole {
				return Whole(n)
			}
			return ConceptID(n)
		}
	case kindDate:
		if d, err := time.Parse(time.DateOnly, t); err == nil {
			return Date(d)
		}
	}
	return BadOperand(s)
}

// canonicalOperands spells operands as the canonical form has them; a nil
// operand (of a definition built in Go) as the empty string, which no
// kind accepts.
func canonicalOperands(operands []Operand) []string {
	out := make([]string, len(operands))
	for i, o := range operands {
		if o != nil {
			out[i] = o.String()
		}
	}
	return out
}
