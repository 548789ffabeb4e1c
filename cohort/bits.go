package cohort

import (
	"slices"
	"strconv"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

const tableBits = cdrindex.ConceptBits

// CompileBits compiles def, like Compile, to DuckDB SQL over concept_bits
// that selects the cohort's persons as bits, and reports whether it
// could. The query has a row per chunk of cdrindex.BitsChunk person ids
// that holds a person of every include group, with two columns: chunk,
// and bits, a BLOB of the chunk's persons in concept_bits' layout (a
// chunk may hold no person of the cohort once the excludes are taken
// out). It can when some include group is a union of concepts alone (no
// temporal relation, modifiers, value conditions or demographics): such
// a group is the OR of its concepts' bits, and bitwise operations on the
// groups' bits make the cohort. 10's 200 concepts at 1,000,000 persons
// counted in 53-80 ms where reading their 4.5 million rows of
// concept_person took 235-239 in the same runs, and in 23-30 ms once the
// bits were uncompressed and the ids one list argument
// (docs/benchmarks.md). The demographic groups and the data filters are
// one scan of search_person made bits; every other group is selected as
// Compile selects it, then made bits: at 1,000,000 persons, 10's concepts
// with 05's group of an age at event counted in 90-125 ms instead of
// 493-671 through Compile's query, and with 07's temporal group in
// 265-333 instead of 674-787 (a probe, five runs each).
func CompileBits(def *Definition, opt Options) (Query, bool, error) {
	if err := opt.check(); err != nil {
		return Query{}, false, err
	}
	if err := def.Validate(); err != nil {
		return Query{}, false, err
	}
	if opt.Dialect != DuckDB || !slices.ContainsFunc(def.Includes, func(g Group) bool { return !notBits(g) }) {
		return Query{}, false, nil
	}
	c := &compiler{opt: opt, who: "person_id"}
	var includes []string
	for i, g := range def.Includes {
		if demographicsOnly(g) {
			continue
		}
		name := "include" + strconv.Itoa(i)
		c.groupBits(name, index("includes", i), g)
		includes = append(includes, name)
	}
	if persons, paths := personsConditions(def); !persons.Empty() {
		c.personsBits("persons", paths, c.personsWhere(new(sqlb.Builder)).Add(persons))
		includes = append(includes, "persons")
	}
	var final sqlb.Builder
	final.SQL("SELECT s0.chunk, (s0.bits")
	var joins sqlb.Builder
	for i, name := range includes {
		if i == 0 {
			joins.SQL("\nFROM ", name, " s0")
			continue
		}
		a := "s" + strconv.Itoa(i)
		final.SQL(" & ", a, ".bits")
		joins.SQL("\nJOIN ", name, " ", a, " ON ", a, ".chunk = s0.chunk")
	}
	// A chunk without persons of an exclude group has no row in it: its
	// bits are then all zero.
	for i, g := range def.Excludes {
		name := "exclude" + strconv.Itoa(i)
		c.groupBits(name, index("excludes", i), g)
		a := "x" + strconv.Itoa(i)
		final.SQL(" & ~coalesce(", a, ".bits, bitstring('0', ", strconv.Itoa(cdrindex.BitsChunk), "))")
		joins.SQL("\nLEFT JOIN ", name, " ", a, " ON ", a, ".chunk = s0.chunk")
	}
	final.SQL(")::BLOB AS bits").Add(&joins)

	out, err := c.query(c.with(&final))
	return out, true, err
}

// groupBits adds the CTE name of the group g's persons as bits per chunk:
// the OR of its concepts' bits when it is a union of concepts alone
// (bitsGroup), else its persons as Compile selects them (the CTE
// name_persons), made bits.
func (c *compiler) groupBits(name, path string, g Group) {
	if !notBits(g) {
		c.bitsGroup(name, path, g)
		return
	}
	c.group(name+"_persons", path, g)
	c.personsBits(name, path, new(sqlb.Builder).SQL(name+"_persons p"))
}

// personsBits adds the CTE name of the persons that from (an alias p
// with a person_id, and any condition) selects, as bits per chunk in
// concept_bits' layout. A person twice sets one bit.
func (c *compiler) personsBits(name, path string, from *sqlb.Builder) {
	var body sqlb.Builder
	chunk := strconv.Itoa(cdrindex.BitsChunk)
	body.SQL("  SELECT (p.person_id - f.first) // ", chunk, " AS chunk, bitstring_agg(((p.person_id - f.first) % ", chunk, ")::INTEGER, 0, ",
		strconv.Itoa(cdrindex.BitsChunk-1), ") AS bits\n  FROM (SELECT min(person_id) AS first FROM ")
	c.table(&body, tablePerson).SQL(") f, ").Add(from).SQL("\n  GROUP BY chunk")
	c.addCTE(name, path, &body)
}

// notBits reports whether the group g is not a union of concepts alone.
func notBits(g Group) bool {
	return g.Temporal || slices.ContainsFunc(g.Items, func(it Item) bool {
		return it.Type == DomainPerson || len(it.Modifiers) > 0 || slices.ContainsFunc(it.Parameters, func(p Parameter) bool { return !p.plain() })
	})
}

// bitsGroup adds the CTE name of the group g, a union of concepts alone:
// the OR of their bits per chunk, from the rows of concept_bits that
// conceptRows names, as conceptPersons reads concept_person.
func (c *compiler) bitsGroup(name, path string, g Group) {
	var plain buckets
	for i, it := range g.Items {
		for _, p := range it.Parameters {
			plain.add(it.Type, p, index("items", i))
		}
	}
	var body sqlb.Builder
	body.SQL("  SELECT chunk, bit_or(bits::BIT) AS bits FROM (")
	n := 0
	for _, u := range plain {
		standard, rows := conceptRows(u)
		for _, p := range rows {
			if n > 0 {
				body.SQL("\n    UNION ALL")
			}
			n++
			c.table(body.SQL("\n    SELECT chunk, bits FROM "), tableBits)
			// One list argument rather than an argument an id: 10's 200
			// concepts at 1,000,000 persons counted in 23-25 ms against
			// 26-27 (planning). A lone id as itself: 12 and 13 took
			// about 1 ms more from a list.
			if len(p.ids) == 1 {
				body.SQL(" WHERE concept_id = ").Arg(p.ids[0], "BIGINT")
			} else {
				body.SQL(" WHERE concept_id IN ")
				c.idList(&body, p.ids)
			}
			body.SQL(" AND ", standard, " AND ", p.flag)
		}
	}
	body.SQL("\n  )\n  GROUP BY chunk")
	c.addCTE(name, path, &body)
}
