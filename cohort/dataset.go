package cohort

// Datasets: the Dataset Builder. A dataset is the persons of some cohorts,
// optionally the events of some concept sets, and the columns a researcher
// chose per domain; each domain becomes one table, read from the OMOP
// table of the CDR. Like definitions, a dataset is validated and compiled
// to a Query by pure functions; package engine runs it.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// datasetTable is the OMOP table behind a dataset domain: its name, the
// column holding the domain's standard concept (which concept sets
// filter; empty when the domain has none) and the columns that order its
// rows after person_id.
type datasetTable struct {
	table   string
	concept string
	order   []string
}

// DomainDeath is the domain of a dataset's death table. It is a domain of
// datasets only, not of criteria: it is not in Domains.
const DomainDeath Domain = "DEATH"

// DatasetDomains lists the domains of a dataset in a fixed order.
var DatasetDomains = []Domain{DomainPerson, DomainCondition, DomainDrug, DomainProcedure, DomainMeasurement,
	DomainObservation, DomainDevice, DomainVisit, DomainDeath}

// datasetTables maps each dataset domain to its OMOP table.
var datasetTables = map[Domain]datasetTable{
	DomainPerson:      {table: "person"},
	DomainCondition:   {table: "condition_occurrence", concept: "condition_concept_id", order: []string{"condition_occurrence_id"}},
	DomainDrug:        {table: "drug_exposure", concept: "drug_concept_id", order: []string{"drug_exposure_id"}},
	DomainProcedure:   {table: "procedure_occurrence", concept: "procedure_concept_id", order: []string{"procedure_occurrence_id"}},
	DomainMeasurement: {table: "measurement", concept: "measurement_concept_id", order: []string{"measurement_id"}},
	DomainObservation: {table: "observation", concept: "observation_concept_id", order: []string{"observation_id"}},
	DomainDevice:      {table: "device_exposure", concept: "device_concept_id", order: []string{"device_exposure_id"}},
	DomainVisit:       {table: "visit_occurrence", concept: "visit_concept_id", order: []string{"visit_occurrence_id"}},
	DomainDeath:       {table: "death", order: []string{"death_date"}},
}

// DatasetTable is the OMOP table behind the dataset domain (one of
// DatasetDomains), or "" for any other: an engine that registers the
// tables itself (package spark) reads it.
func DatasetTable(domain Domain) string { return datasetTables[domain].table }

// ParseDatasetDomain is the dataset domain named s in any case
// ("condition", "CONDITION"); anything else is an error at the path
// "domain" that lists DatasetDomains.
func ParseDatasetDomain(s string) (Domain, error) { return parseDomain(s, DatasetDomains) }

// CanonicalColumns is columns as a client sent them, with each domain
// named in any case spelled as DatasetDomains spell it. A key that names
// no dataset domain, or the same domain as a key before it (in sorted
// order, so an exact spelling comes first), stays as it is, for Check to
// report at its path.
func CanonicalColumns(columns map[Domain][]string) map[Domain][]string {
	out := make(map[Domain][]string, len(columns))
	for _, k := range slices.Sorted(maps.Keys(columns)) {
		d, err := ParseDatasetDomain(string(k))
		if _, taken := out[d]; err != nil || taken {
			d = k
		}
		out[d] = columns[k]
	}
	return out
}

// Dataset is what a dataset selects: the persons of any of Cohorts (and
// of Persons), and,
// when ConceptSets is not empty, only the events whose domain concept is
// in the expansion of any of them; of those, the Columns chosen per domain
// (one of DatasetDomains).
//
// The concept sets filter every event domain by its standard concept
// column (condition_concept_id, drug_concept_id, ...); source concepts are
// not consulted. A concept set of conditions thus leaves the drug table of
// the same dataset empty. The person and death domains have one row per
// person and are not filtered by concept sets.
type Dataset struct {
	Cohorts []*Definition
	// Persons are cohorts compiled elsewhere (a Circe cohort's subjects):
	// each a query of one column, person_id, over the same database.
	Persons     []Query
	ConceptSets []*ConceptSet
	Columns     map[Domain][]string
}

// DatasetColumn is a column a dataset may choose: its name and its DuckDB
// type (BIGINT, INTEGER, DOUBLE, VARCHAR, DATE, TIMESTAMP or BOOLEAN). A
// derived column names the concept of the table's column Concept.
type DatasetColumn struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Concept string `json:"concept,omitempty"`
}

// DatasetCatalog is the columns a dataset may choose, per domain: the
// columns of the domain's OMOP table as the CDR has them, in table order,
// each *_concept_id column followed by a derived *_concept_name column
// (VARCHAR, the concept's name from the concept table; NULL when the
// concept is not in the vocabulary). Column types outside DatasetColumn's
// list are converted: smaller integers to INTEGER, other numbers to
// DOUBLE, everything else to VARCHAR. NewDatasetCatalog makes it from the
// columns of the CDR's tables, which package engine reads from the
// database; a catalog is plain data, so validation against it is pure.
type DatasetCatalog map[Domain][]DatasetColumn

// A derived column x_concept_name names the concept of x_concept_id.
const (
	conceptIDSuffix   = "_concept_id"
	conceptNameSuffix = "_concept_name"
)

// datasetTypes maps a DuckDB type name of information_schema to the type
// a dataset column has; a type absent here becomes VARCHAR.
var datasetTypes = map[string]string{
	"BIGINT": "BIGINT", "INTEGER": "INTEGER", "DOUBLE": "DOUBLE", "VARCHAR": "VARCHAR",
	"DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "BOOLEAN": "BOOLEAN",
	"SMALLINT": "INTEGER", "TINYINT": "INTEGER", "UTINYINT": "INTEGER", "USMALLINT": "INTEGER",
	"UINTEGER": "BIGINT", "FLOAT": "DOUBLE",
}

// datasetType is the type a column of DuckDB type typ has in a dataset.
func datasetType(typ string) string {
	if t, ok := datasetTypes[typ]; ok {
		return t
	}
	if strings.HasPrefix(typ, "DECIMAL") {
		return "DOUBLE"
	}
	return "VARCHAR"
}

// Check reports every problem of the columns chosen per domain at once, as
// a *fault.Fields with paths `columns.CONDITION[2]`: a key that is not one
// of DatasetDomains as they are spelled (see CanonicalColumns), a domain
// with no column, a column the domain's table does not have, a column
// chosen twice.
func (cat DatasetCatalog) Check(columns map[Domain][]string) error {
	var v errorList
	if len(columns) == 0 {
		v.add("columns", "empty: want columns of at least one of "+joinDomains(DatasetDomains))
	}
	for _, domain := range slices.Sorted(maps.Keys(columns)) {
		path := "columns." + string(domain)
		known, ok := cat[domain]
		if !ok {
			_, isDomain := datasetTables[domain]
			d, err := ParseDatasetDomain(string(domain))
			switch {
			case isDomain:
				v.add(path, "the CDR has no table "+datasetTables[domain].table)
			case err == nil:
				v.add(path, fmt.Sprintf("%q: want %s, each domain once", domain, d))
			default:
				v.add(path, fmt.Sprintf("unknown domain %q: want one of %s (in any case)", domain, joinDomains(DatasetDomains)))
			}
			continue
		}
		cols := columns[domain]
		if len(cols) == 0 {
			v.add(path, "empty: want at least one column")
		}
		seen := map[string]int{}
		for i, name := range cols {
			p := index(path, i)
			if j, dup := seen[name]; dup {
				v.add(p, fmt.Sprintf("%q is already %s", name, index(path, j)))
				continue
			}
			seen[name] = i
			if !slices.ContainsFunc(known, func(c DatasetColumn) bool { return c.Name == name }) {
				v.add(p, fmt.Sprintf("unknown column %q of %s", name, datasetTables[domain].table))
			}
		}
	}
	return v.err()
}

// Validate reports every problem of d at once, as a *fault.Fields with
// paths: `cohorts` when there is none, `cohorts[1].includes[0]...` and
// `concept_sets[0].items[2]...` for their own problems, and the problems
// of the columns against cat (see DatasetCatalog.Check).
func (d *Dataset) Validate(cat DatasetCatalog) error {
	var v errorList
	if d == nil {
		v.add("", "no dataset")
		return v.err()
	}
	if len(d.Cohorts)+len(d.Persons) == 0 {
		v.add("cohorts", "empty: a dataset needs at least one cohort")
	}
	for i, def := range d.Cohorts {
		if def == nil {
			v.add(index("cohorts", i), "no definition")
			continue
		}
		v.addUnder(index("cohorts", i), def.Validate())
	}
	for i, cs := range d.ConceptSets {
		v.addUnder(index("concept_sets", i), cs.Validate())
	}
	v.addUnder("", cat.Check(d.Columns))
	return v.err()
}

// addUnder adds the validation errors of err with their paths under
// prefix; any other error is added at prefix.
func (l *errorList) addUnder(prefix string, err error) {
	if err == nil {
		return
	}
	join := func(p string) string {
		switch {
		case prefix == "":
			return p
		case p == "":
			return prefix
		}
		return prefix + "." + p
	}
	fields := fault.FieldsOf(err)
	if fields == nil {
		l.add(prefix, err.Error())
	}
	for _, one := range fields {
		l.add(join(one.Path), one.Message)
	}
}

// CompileDataset validates d against cat and compiles the table of one
// domain: the chosen columns, person_id first (added when not chosen),
// of the rows of the domain's table whose person is in any of the cohorts
// and, for event domains when d has concept sets, whose standard concept
// is in any of their expansions; ordered by person_id and the table's
// key, so the same CDR always gives the same rows in the same order. It
// returns the query and its columns. Every value is an argument; table
// and column names come from datasetTables and cat, through one quoting
// function.
func CompileDataset(d *Dataset, domain Domain, cat DatasetCatalog, opt Options) (Query, []DatasetColumn, error) {
	return (&compiler{opt: opt}).dataset(d, domain, cat)
}

func (c *compiler) dataset(d *Dataset, domain Domain, cat DatasetCatalog) (Query, []DatasetColumn, error) {
	if err := c.opt.check(); err != nil {
		return Query{}, nil, err
	}
	if err := d.Validate(cat); err != nil {
		return Query{}, nil, err
	}
	if _, ok := d.Columns[domain]; !ok {
		return Query{}, nil, invalidAt("domain", "%q is not a domain of the dataset: want one of %s",
			domain, joinDomains(slices.Sorted(maps.Keys(d.Columns))))
	}
	tab := datasetTables[domain]
	names := d.Columns[domain]
	if !slices.Contains(names, "person_id") {
		names = append([]string{"person_id"}, names...)
	}
	cols := make([]DatasetColumn, len(names))
	var exprs, joins []*sqlb.Builder
	for i, name := range names {
		col := cat[domain][slices.IndexFunc(cat[domain], func(col DatasetColumn) bool { return col.Name == name })]
		// A catalog may come from the caller: the type written into the
		// SQL is one of datasetTypes' constants whatever it says.
		col.Type = datasetType(col.Type)
		cols[i] = col
		if col.Concept == "" {
			exprs = append(exprs, new(sqlb.Builder).SQL("CAST(t.").Ident(name).SQL(" AS ", c.castType(col.Type), ")"))
			continue
		}
		alias := "c" + strconv.Itoa(len(joins))
		join := c.table(new(sqlb.Builder).SQL("LEFT JOIN "), cdrindex.Concept)
		joins = append(joins, join.SQL(" ", alias, " ON ", alias, ".concept_id = t.").Ident(col.Concept))
		exprs = append(exprs, new(sqlb.Builder).SQL(alias, ".concept_name"))
	}

	var f sqlb.Builder
	f.SQL("WITH dataset_persons AS (\n")
	for i, def := range d.Cohorts {
		q, err := Compile(def, c.opt)
		if err != nil {
			return Query{}, nil, err
		}
		if i > 0 {
			f.SQL("\nUNION\n")
		}
		f.SQL("SELECT person_id FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n)")
	}
	for i, q := range d.Persons {
		if i > 0 || len(d.Cohorts) > 0 {
			f.SQL("\nUNION\n")
		}
		f.SQL("SELECT person_id FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n)")
	}
	f.SQL("\n)")
	filtered := tab.concept != "" && len(d.ConceptSets) > 0
	if filtered {
		f.SQL(", dataset_concepts AS (\n")
		for i, cs := range d.ConceptSets {
			q, err := c.expand(cs)
			if err != nil {
				return Query{}, nil, err
			}
			if i > 0 {
				f.SQL("\nUNION\n")
			}
			f.SQL("SELECT concept_id FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n)")
		}
		f.SQL("\n)")
	}
	f.SQL("\nSELECT ")
	for i, col := range cols {
		if i > 0 {
			f.SQL(", ")
		}
		f.Add(exprs[i]).SQL(" AS ").Ident(col.Name)
	}
	c.table(f.SQL("\nFROM "), tab.table).SQL(" t")
	for _, j := range joins {
		f.SQL("\n").Add(j)
	}
	f.SQL("\nWHERE t.person_id IN (SELECT person_id FROM dataset_persons)")
	if filtered {
		f.SQL("\n  AND t.").Ident(tab.concept).SQL(" IN (SELECT concept_id FROM dataset_concepts)")
	}
	f.SQL("\nORDER BY t.person_id")
	for _, o := range tab.order {
		f.SQL(", t.").Ident(o)
	}
	q, err := c.query(&f)
	return q, cols, err
}

// castType is the name of the dataset type typ (one of datasetTypes') in
// the dialect: Spark's VARCHAR wants a length, its STRING does not.
func (c *compiler) castType(typ string) string {
	if c.opt.Dialect == Spark && typ == "VARCHAR" {
		return "STRING"
	}
	return typ
}

// NewDatasetCatalog returns the catalog of a CDR whose tables have the
// given columns (by table name, in table order, with their DuckDB types,
// as information_schema has them): the columns of the dataset domains'
// tables with their dataset types, and the derived name columns.
func NewDatasetCatalog(tables map[string][]DatasetColumn) DatasetCatalog {
	cat := DatasetCatalog{}
	for domain, t := range datasetTables {
		cols, ok := tables[t.table]
		if !ok {
			continue
		}
		out := []DatasetColumn{}
		for _, col := range cols {
			out = append(out, DatasetColumn{Name: col.Name, Type: datasetType(col.Type)})
			name, ok := strings.CutSuffix(col.Name, conceptIDSuffix)
			if ok && !slices.ContainsFunc(cols, func(c DatasetColumn) bool { return c.Name == name+conceptNameSuffix }) {
				out = append(out, DatasetColumn{Name: name + conceptNameSuffix, Type: "VARCHAR", Concept: col.Name})
			}
		}
		cat[domain] = out
	}
	return cat
}

// How dates and timestamps of datasets are written as text: in previews
// and in the text export formats. TIMESTAMP has no zone in the CDR, so
// none is written.
const (
	DatasetDateLayout      = time.DateOnly
	DatasetTimestampLayout = "2006-01-02T15:04:05.999999"
)
