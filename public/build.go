package public

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/atomicdir"
)

// Source is the CDR a release is built from: the database of an opened,
// indexed CDR (cdr.Open(...).DB(), where every OMOP and index table is a
// view of its name) and its index's version id and reference date. The
// package takes the database rather than the CDR so that it stays free of
// the DuckDB driver: the reader is what a public deployment runs.
type Source struct {
	DB            *sql.DB
	VersionID     string
	ReferenceDate string
}

// Progress is told how far a build has come: stage names the step, done
// of total steps are finished.
type Progress func(stage string, done, total int)

// Build computes every aggregate of the public pages from src, releases
// each cell once under the rules of c, and writes the release to the
// folder out: written under a temporary name beside it and renamed into
// place when complete, replacing an older release there. Nothing under
// the threshold and no person id is written.
func Build(ctx context.Context, src Source, out string, c Config, progress Progress) (Manifest, error) {
	if err := c.Validate(); err != nil {
		return Manifest{}, err
	}
	if src.DB == nil || src.VersionID == "" {
		return Manifest{}, fmt.Errorf("%w: build: the source needs a database and a version id (an indexed CDR)", ErrInvalid)
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := checkOut(out); err != nil {
		return Manifest{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".public-")
	if err != nil {
		return Manifest{}, fmt.Errorf("public: build: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("public: build: %w", err)
	}

	b := &builder{db: src.DB, cfg: c, rel: newReleaser(c, src.VersionID), min: c.minBreakdownTotal()}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"participants", b.participants},
		{"concepts", b.concepts},
		{"concept breakdowns", b.conceptBreakdowns},
		{"domains", b.domains},
		{"hierarchy and source codes", b.hierarchy},
		{"histograms", b.histograms},
		{"surveys", b.surveys},
		{"privacy budget", b.budget},
	}
	for i, s := range steps {
		progress("public "+s.name, i, len(steps))
		if err := s.run(ctx); err != nil {
			return Manifest{}, fmt.Errorf("public: build: %s: %w", s.name, err)
		}
	}
	progress("public write", len(steps), len(steps))

	m := Manifest{
		Format:        Format,
		CDRVersionID:  src.VersionID,
		ReferenceDate: src.ReferenceDate,
		BuiltAt:       time.Now().UTC().Format(time.RFC3339),
		Disclosure: Parameters{
			Threshold: c.threshold(), Bin: c.bin(), MinBreakdownTotal: b.min, HistogramBins: c.histogramBins(),
			Noise: c.Noise.Mechanism, NoiseMax: c.Noise.Max, Epsilon: c.Noise.Epsilon, AgeBins: AgeBins,
		},
		Budget: b.budgetOut,
		Rows:   map[string]int{},
	}
	for _, t := range b.tables() {
		if err := writeTable(filepath.Join(tmp, t.file), t.cols); err != nil {
			return Manifest{}, err
		}
		m.Rows[strings.TrimSuffix(t.file, ".parquet")] = t.cols[0].len()
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, manifestFile), append(mb, '\n'), 0o644); err != nil {
		return Manifest{}, fmt.Errorf("public: build: %w", err)
	}
	if err := atomicdir.Replace(tmp, out); err != nil {
		return Manifest{}, fmt.Errorf("public: build: %w", err)
	}
	return m, nil
}

// checkOut refuses to replace a folder that is neither empty nor a
// release: a mistyped --out must not remove someone's files.
func checkOut(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) || err == nil && len(entries) == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("public: build: %w", err)
	}
	if _, err := os.Stat(filepath.Join(out, manifestFile)); err != nil {
		return fmt.Errorf("%w: build: %s is not empty and holds no release", ErrInvalid, out)
	}
	return nil
}

// builder accumulates the release's tables. Raw counts live only in its
// methods' locals: what it keeps has passed rel.
type builder struct {
	db  *sql.DB
	cfg Config
	rel releaser
	min int64

	labels    map[string][]string // labels of each demographic dimension
	known     map[string]map[string]bool
	cons      conceptCols
	index     map[int64]int // concept id -> row of concepts
	cells     cellCols
	hier      [2][]int64 // parent, child
	sources   [2][]int64 // standard, source
	hist      histCols
	surv      surveyCols
	budgetOut *Budget
}

type conceptCols struct {
	id, count, rollup                     []int64
	countAtMost, rollupAtMost, standard   []bool
	name, code, vocabulary, class, domain []string
}

type cellCols struct {
	subject, scope, dim, label []string
	id, subID, count           []int64
	atMost                     []bool
}

type histCols struct {
	concept, unit, bin, count []int64
	unitName, sex             []string
	low, high                 []float64
	hasLow, hasHigh, atMost   []bool
}

type surveyCols struct {
	module, question, answer []int64
	moduleName, answerName   []string
}

// Cell subjects of cells.parquet.
const (
	subjectParticipants = "participants"
	subjectConcept      = "concept"
	subjectDomain       = "domain"
	subjectAnswer       = "answer"
)

// cell releases count as the cell named by its subject, ids, scope,
// dimension and label, and appends it to the cells table.
func (b *builder) cell(subject string, id, subID int64, scope, dim, label string, count int64) access.Released {
	r := b.rel.release(count, cellName(subject, id, subID, scope, dim, label))
	b.cells.subject = append(b.cells.subject, subject)
	b.cells.id = append(b.cells.id, id)
	b.cells.subID = append(b.cells.subID, subID)
	b.cells.scope = append(b.cells.scope, scope)
	b.cells.dim = append(b.cells.dim, dim)
	b.cells.label = append(b.cells.label, label)
	b.cells.count = append(b.cells.count, r.Value())
	b.cells.atMost = append(b.cells.atMost, r.AtMost())
	return r
}

// cellName is the name a cell's noise is drawn from.
func cellName(subject string, id, subID int64, scope, dim, label string) string {
	return strings.Join([]string{subject, strconv.FormatInt(id, 10), strconv.FormatInt(subID, 10), scope, dim, label}, "\x00")
}

// breakdown releases the parts of a breakdown whose total was released as
// total: every label of the dimension, so that 0 and 1-19 look the same,
// or nothing when the released total is under the minimum.
func (b *builder) breakdown(total access.Released, subject string, id, subID int64, scope, dim string, counts map[string]int64) {
	if total.AtMost() || total.Value() < b.min {
		return
	}
	for _, l := range b.labels[dim] {
		b.cell(subject, id, subID, scope, dim, l, counts[l])
	}
}

// fold maps a label of a demographic dimension to one of its released
// labels: a label outside the vocabulary that few persons have would
// otherwise appear or vanish with one person.
func (b *builder) fold(dim, label string) string {
	if b.known[dim][label] {
		return label
	}
	return "Unknown"
}

func (b *builder) query(ctx context.Context, stmt string, args []any, scan func(*sql.Rows) error) error {
	rows, err := b.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ageLabelSQL is the label of search_person's age_bin.
const ageLabelSQL = `CASE age_bin WHEN 0 THEN '0-17' WHEN 1 THEN '18-44' WHEN 2 THEN '45-64' WHEN 3 THEN '65+' ELSE 'Unknown' END`

// participantsSQL counts the persons of each scope (data type), in all and
// by each demographic dimension, in one pass by grouping sets.
const participantsSQL = `WITH p AS (
  SELECT COALESCE(sex_at_birth, 'Unknown') AS sex_at_birth, COALESCE(gender, 'Unknown') AS gender,
    COALESCE(race, 'Unknown') AS race, COALESCE(ethnicity, 'Unknown') AS ethnicity, ` + ageLabelSQL + ` AS age,
    has_ehr_data, has_survey_data, has_physical_measurement_data
  FROM search_person
), s AS (
  SELECT '` + ScopeAll + `' AS scope, * FROM p
  UNION ALL SELECT '` + ScopeEHR + `', * FROM p WHERE has_ehr_data
  UNION ALL SELECT '` + ScopeSurvey + `', * FROM p WHERE has_survey_data
  UNION ALL SELECT '` + ScopePhysicalMeasurement + `', * FROM p WHERE has_physical_measurement_data
)
SELECT scope,
  CASE WHEN GROUPING(sex_at_birth) = 0 THEN 'sex_at_birth' WHEN GROUPING(gender) = 0 THEN 'gender'
    WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(ethnicity) = 0 THEN 'ethnicity' WHEN GROUPING(age) = 0 THEN 'age' ELSE '' END,
  COALESCE(sex_at_birth, gender, race, ethnicity, age, ''), count(*)
FROM s GROUP BY GROUPING SETS ((scope), (scope, sex_at_birth), (scope, gender), (scope, race), (scope, ethnicity), (scope, age))`

// vocabularyLabelsSQL lists the names the vocabulary gives each
// demographic dimension: every one is released, with or without persons.
const vocabularyLabelsSQL = `SELECT DISTINCT domain_id, concept_name FROM concept
WHERE domain_id IN ('Gender', 'Race', 'Ethnicity') AND concept_name IS NOT NULL`

func (b *builder) participants(ctx context.Context) error {
	b.known = map[string]map[string]bool{DimAge: {}}
	for _, d := range []string{DimSexAtBirth, DimGender, DimRace, DimEthnicity} {
		b.known[d] = map[string]bool{"Unknown": true}
	}
	for _, l := range AgeBins {
		b.known[DimAge][l] = true
	}
	err := b.query(ctx, vocabularyLabelsSQL, nil, func(r *sql.Rows) error {
		var domain, name string
		if err := r.Scan(&domain, &name); err != nil {
			return err
		}
		switch domain {
		case "Gender":
			b.known[DimSexAtBirth][name], b.known[DimGender][name] = true, true
		case "Race":
			b.known[DimRace][name] = true
		case "Ethnicity":
			b.known[DimEthnicity][name] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	type key struct{ scope, dim, label string }
	raw := map[key]int64{}
	err = b.query(ctx, participantsSQL, nil, func(r *sql.Rows) error {
		var k key
		var n int64
		if err := r.Scan(&k.scope, &k.dim, &k.label, &n); err != nil {
			return err
		}
		raw[k] = n
		return nil
	})
	if err != nil {
		return err
	}
	// A label outside the vocabulary is released on its own only when
	// more than the threshold have it among all participants.
	for k, n := range raw {
		if k.scope == ScopeAll && k.dim != "" && n > b.rel.threshold {
			b.known[k.dim][k.label] = true
		}
	}
	b.labels = map[string][]string{DimAge: AgeBins}
	for _, d := range []string{DimSexAtBirth, DimGender, DimRace, DimEthnicity} {
		b.labels[d] = slices.Sorted(maps.Keys(b.known[d]))
	}
	for _, s := range Scopes {
		total := b.cell(subjectParticipants, 0, 0, s.ID, "", "", raw[key{s.ID, "", ""}])
		for _, d := range []string{DimSexAtBirth, DimGender, DimRace, DimEthnicity, DimAge} {
			counts := map[string]int64{}
			for k, n := range raw {
				if k.scope == s.ID && k.dim == d {
					counts[b.fold(d, k.label)] += n
				}
			}
			b.breakdown(total, subjectParticipants, 0, 0, s.ID, d, counts)
		}
	}
	return nil
}

// publicConceptsSQL lists the concepts of the release: every standard or
// classification concept of the clinical domains, and every source
// concept that maps to one, whether or not anyone has it, so that a
// concept's presence in the release says nothing about persons. Answers
// of surveys are released as answers of their questions.
const publicConceptsSQL = `SELECT c.concept_id, COALESCE(c.concept_name, ''), COALESCE(c.concept_code, ''), COALESCE(c.vocabulary_id, ''),
  COALESCE(c.concept_class_id, ''), COALESCE(c.standard_concept, '') IN ('S', 'C'),
  CASE WHEN c.vocabulary_id = 'PPI' AND c.domain_id = 'Measurement' THEN '` + DomainPhysicalMeasurement + `'
    WHEN c.vocabulary_id = 'PPI' THEN '` + DomainSurvey + `' ELSE upper(c.domain_id) END,
  COALESCE(n.person_count, 0), COALESCE(n.rollup_person_count, 0)
FROM concept c LEFT JOIN concept_counts n USING (concept_id)
WHERE c.domain_id IN ('Condition', 'Drug', 'Measurement', 'Procedure', 'Observation', 'Device', 'Visit')
  AND COALESCE(c.concept_class_id, '') <> 'Answer'
  AND (c.standard_concept IN ('S', 'C')
    OR c.concept_id IN (SELECT concept_id_1 FROM concept_relationship WHERE relationship_id = 'Maps to' AND concept_id_1 <> concept_id_2))
ORDER BY c.concept_id`

func (b *builder) concepts(ctx context.Context) error {
	b.index = map[int64]int{}
	cs := &b.cons
	return b.query(ctx, publicConceptsSQL, nil, func(r *sql.Rows) error {
		var id, count, rollup int64
		var name, code, vocab, class, domain string
		var std bool
		if err := r.Scan(&id, &name, &code, &vocab, &class, &std, &domain, &count, &rollup); err != nil {
			return err
		}
		c := b.rel.release(count, cellName(subjectConcept, id, 0, "count", "", ""))
		ro := b.rel.release(rollup, cellName(subjectConcept, id, 0, "rollup", "", ""))
		b.index[id] = len(cs.id)
		cs.id, cs.name, cs.code, cs.vocabulary = append(cs.id, id), append(cs.name, name), append(cs.code, code), append(cs.vocabulary, vocab)
		cs.class, cs.domain, cs.standard = append(cs.class, class), append(cs.domain, domain), append(cs.standard, std)
		cs.count, cs.countAtMost = append(cs.count, c.Value()), append(cs.countAtMost, c.AtMost())
		cs.rollup, cs.rollupAtMost = append(cs.rollup, ro.Value()), append(cs.rollupAtMost, ro.AtMost())
		return nil
	})
}

// rollupOf is the released count with descendants of the concept at row i.
func (b *builder) rollupOf(i int) access.Released {
	r, _ := access.ParseReleased(b.cons.rollup[i], b.cons.rollupAtMost[i])
	return r
}

// conceptBreakdownSQL counts the persons of each concept (its argument:
// the concepts whose breakdowns are released) or a descendant, by sex at
// birth and by age bin. concept_person's rolled rows hold each person once
// per standard flag, and demo_key stands for the person's demographics:
// persons are counted per key first, so the join is with the few keys,
// not the persons.
const conceptBreakdownSQL = `WITH k AS (
  SELECT DISTINCT demo_key, COALESCE(sex_at_birth, 'Unknown') AS sex, ` + ageLabelSQL + ` AS age FROM search_person
), cp AS (
  SELECT concept_id, demo_key, count(DISTINCT person_id) AS n FROM concept_person
  WHERE rolled AND concept_id IN (SELECT unnest(?::BIGINT[])) GROUP BY concept_id, demo_key
)
SELECT concept_id, CASE WHEN GROUPING(k.sex) = 0 THEN 'sex_at_birth' ELSE 'age' END, COALESCE(k.sex, k.age), sum(n)
FROM cp JOIN k USING (demo_key) GROUP BY GROUPING SETS ((concept_id, k.sex), (concept_id, k.age))`

func (b *builder) conceptBreakdowns(ctx context.Context) error {
	var ids []int64
	for i, id := range b.cons.id {
		if r := b.rollupOf(i); !r.AtMost() && r.Value() >= b.min {
			ids = append(ids, id)
		}
	}
	raw := map[int64]map[string]map[string]int64{}
	err := b.query(ctx, conceptBreakdownSQL, []any{ids}, func(r *sql.Rows) error {
		var id, n int64
		var dim, label string
		if err := r.Scan(&id, &dim, &label, &n); err != nil {
			return err
		}
		if raw[id] == nil {
			raw[id] = map[string]map[string]int64{DimSexAtBirth: {}, DimAge: {}}
		}
		raw[id][dim][b.fold(dim, label)] += n
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		total := b.rollupOf(b.index[id])
		b.breakdown(total, subjectConcept, id, 0, "rollup", DimSexAtBirth, raw[id][DimSexAtBirth])
		b.breakdown(total, subjectConcept, id, 0, "rollup", DimAge, raw[id][DimAge])
	}
	return nil
}

// domainsSQL counts the persons with an event in each domain: the rows of
// concept_person with a domain are those of the concept of an event.
const domainsSQL = `SELECT domain, count(DISTINCT person_id) FROM concept_person WHERE domain IS NOT NULL GROUP BY domain`

func (b *builder) domains(ctx context.Context) error {
	raw := map[string]int64{}
	err := b.query(ctx, domainsSQL, nil, func(r *sql.Rows) error {
		var d string
		var n int64
		if err := r.Scan(&d, &n); err != nil {
			return err
		}
		raw[d] = n
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range Domains {
		b.cell(subjectDomain, 0, 0, d.ID, "", "", raw[d.ID])
	}
	return nil
}

const (
	// parentsSQL lists the direct parent-child pairs of the hierarchy.
	parentsSQL = `SELECT ancestor_id, descendant_id FROM concept_closure WHERE min_levels = 1 ORDER BY ancestor_id, descendant_id`
	// mapsToSQL lists which source concept maps to which standard one.
	mapsToSQL = `SELECT DISTINCT concept_id_2, concept_id_1 FROM concept_relationship
WHERE relationship_id = 'Maps to' AND concept_id_1 <> concept_id_2 ORDER BY 1, 2`
)

func (b *builder) hierarchy(ctx context.Context) error {
	for _, p := range []struct {
		stmt string
		out  *[2][]int64
	}{{parentsSQL, &b.hier}, {mapsToSQL, &b.sources}} {
		p.out[0], p.out[1] = []int64{}, []int64{}
		err := b.query(ctx, p.stmt, nil, func(r *sql.Rows) error {
			var a, d int64
			if err := r.Scan(&a, &d); err != nil {
				return err
			}
			_, okA := b.index[a]
			_, okD := b.index[d]
			if okA && okD {
				p.out[0], p.out[1] = append(p.out[0], a), append(p.out[1], d)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// measurementValues selects the numeric values of measurements (labs and
// physical measurements) with their unit (0 for none): those of standard
// concepts, and of the PPI concepts of physical measurements, which All
// of Us records as the source concepts of LOINC ones (a blood pressure
// reading is the values of both).
const measurementValues = `SELECT concept_id, COALESCE(unit_concept_id, 0) AS unit_concept_id, person_id, value_as_number FROM search_events
WHERE domain IN ('` + DomainMeasurement + `', '` + DomainPhysicalMeasurement + `') AND value_as_number IS NOT NULL
  AND (is_standard OR (domain = '` + DomainPhysicalMeasurement + `' AND concept_id IN (SELECT concept_id FROM concept WHERE vocabulary_id = 'PPI')))
  AND isfinite(value_as_number)`

// histogramStatsSQL gives the persons of each measurement and unit and,
// over one value per person (their median, so that one person weighs as
// much as any other however many values they have), the values two ranks
// below, at and two ranks above the 5th and the 95th percentile ranks,
// from which the bin edges are chosen (see stableEdges). The extremes,
// which are single persons' values, never are.
const histogramStatsSQL = `WITH p AS (
  SELECT concept_id, unit_concept_id, person_id, median(value_as_number) AS v
  FROM (` + measurementValues + `) GROUP BY ALL
), r AS (
  SELECT concept_id, unit_concept_id, v,
    row_number() OVER (PARTITION BY concept_id, unit_concept_id ORDER BY v) AS rk,
    count(*) OVER (PARTITION BY concept_id, unit_concept_id) AS n
  FROM p
)
SELECT concept_id, unit_concept_id, any_value(n),
  max(v) FILTER (WHERE rk = greatest(ceil(0.05 * n) - 2, 1)), max(v) FILTER (WHERE rk = ceil(0.05 * n)), max(v) FILTER (WHERE rk = ceil(0.05 * n) + 2),
  max(v) FILTER (WHERE rk = ceil(0.95 * n) - 2), max(v) FILTER (WHERE rk = ceil(0.95 * n)), max(v) FILTER (WHERE rk = least(ceil(0.95 * n) + 2, n))
FROM r GROUP BY ALL ORDER BY 1, 2`

// histogramSQL counts the persons by measurement, unit, sex at birth and
// bin (0 under the edges, 1 .. bins between them, bins+1 above), and by
// measurement, unit and sex (bin -1), with the edges of histogram_edges.
const histogramSQL = `WITH v AS (
  SELECT m.concept_id, m.unit_concept_id, m.person_id,
    CAST(least(greatest(floor((m.value_as_number - h.lo) / h.step) + 1, 0), h.bins + 1) AS INTEGER) AS bin
  FROM (` + measurementValues + `) m JOIN histogram_edges h USING (concept_id, unit_concept_id)
), p AS (
  SELECT DISTINCT v.concept_id, v.unit_concept_id, v.person_id, v.bin, COALESCE(s.sex_at_birth, 'Unknown') AS sex
  FROM v JOIN search_person s USING (person_id)
)
SELECT concept_id, unit_concept_id, sex, bin, count(*) FROM p GROUP BY ALL
UNION ALL
SELECT concept_id, unit_concept_id, sex, -1, count(DISTINCT person_id) FROM p GROUP BY ALL`

type histKey struct{ concept, unit int64 }

type edges struct{ lo, step float64 }

func (b *builder) histograms(ctx context.Context) error {
	bins := b.cfg.histogramBins()
	var keys []histKey
	chosen := map[histKey]edges{}
	err := b.query(ctx, histogramStatsSQL, nil, func(r *sql.Rows) error {
		var k histKey
		var persons int64
		var q [6]sql.NullFloat64
		if err := r.Scan(&k.concept, &k.unit, &persons, &q[0], &q[1], &q[2], &q[3], &q[4], &q[5]); err != nil {
			return err
		}
		// The edges are released only with a histogram of enough persons.
		if _, ok := b.index[k.concept]; !ok || !q[0].Valid || persons < minHistogramPersons || b.rel.release(persons, cellName("histogram_edges", k.concept, k.unit, "", "", "")).Value() < b.min {
			return nil
		}
		var v [6]float64
		for i := range q {
			v[i] = q[i].Float64
		}
		e, ok := stableEdges(v, bins)
		if !ok {
			return nil
		}
		keys = append(keys, k)
		chosen[k] = e
		return nil
	})
	if err != nil {
		return err
	}
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE histogram_edges (concept_id BIGINT, unit_concept_id BIGINT, lo DOUBLE, step DOUBLE, bins INTEGER)"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS histogram_edges")
	for _, k := range keys {
		e := chosen[k]
		if _, err := conn.ExecContext(ctx, "INSERT INTO histogram_edges VALUES (?, ?, ?, ?, ?)", k.concept, k.unit, e.lo, e.step, bins); err != nil {
			return err
		}
	}
	type cellKey struct {
		histKey
		sex string
		bin int64
	}
	raw := map[cellKey]int64{}
	if len(keys) > 0 {
		rows, err := conn.QueryContext(ctx, histogramSQL)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k cellKey
			var n int64
			if err := rows.Scan(&k.concept, &k.unit, &k.sex, &k.bin, &n); err != nil {
				return err
			}
			k.sex = b.fold(DimSexAtBirth, k.sex)
			raw[k] += n
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	units, err := b.names(ctx)
	if err != nil {
		return err
	}
	h := &b.hist
	for _, k := range keys {
		e := chosen[k]
		for _, sex := range b.labels[DimSexAtBirth] {
			total := b.rel.release(raw[cellKey{k, sex, -1}], cellName("histogram", k.concept, k.unit, sex, "", ""))
			if total.AtMost() || total.Value() < b.min {
				continue
			}
			for bin := int64(-1); bin <= int64(bins)+1; bin++ {
				r := total
				if bin >= 0 {
					r = b.rel.release(raw[cellKey{k, sex, bin}], cellName("histogram", k.concept, k.unit, sex, "bin", strconv.FormatInt(bin, 10)))
				}
				lo, hi := e.lo+float64(bin-1)*e.step, e.lo+float64(bin)*e.step
				h.concept, h.unit, h.unitName, h.sex = append(h.concept, k.concept), append(h.unit, k.unit), append(h.unitName, units[k.unit]), append(h.sex, sex)
				h.bin, h.low, h.high = append(h.bin, bin), append(h.low, lo), append(h.high, hi)
				h.hasLow, h.hasHigh = append(h.hasLow, bin > 0), append(h.hasHigh, bin >= 0 && bin <= int64(bins))
				h.count, h.atMost = append(h.count, r.Value()), append(h.atMost, r.AtMost())
			}
		}
	}
	return nil
}

// names returns the names of the unit concepts.
func (b *builder) names(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{0: "no unit"}
	err := b.query(ctx, `SELECT concept_id, concept_name FROM concept WHERE domain_id = 'Unit'`, nil, func(r *sql.Rows) error {
		var id int64
		var name sql.NullString
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name.String
		return nil
	})
	return out, err
}

// minHistogramPersons is the fewest persons of a histogram, so that the
// ranks two below and two above its percentile ranks exist.
const minHistogramPersons = 60

// stableEdges chooses the edges of a histogram from its persons' values q
// at the 5th percentile rank r (ceil(0.05 n)) minus two, at r and at r plus
// two, and the same at the 95th, and reports whether one person more or
// fewer could have changed them. With one person more or fewer, the value
// at the percentile rank is one of the values between those two ranks
// away; the edges (niceEdges) are monotone in both percentiles, so when
// those of the narrowest and of the widest choice agree, so do those of
// any choice between. A histogram whose edges could move with one person
// is not released: such edges would tell about that person's value.
func stableEdges(q [6]float64, bins int) (edges, bool) {
	e := niceEdges(q[1], q[4], bins)
	narrow, wide := niceEdges(q[2], q[3], bins), niceEdges(q[0], q[5], bins)
	stable := narrow.step == e.step && wide.step == e.step &&
		math.Floor(q[0]/e.step) == math.Floor(q[2]/e.step)
	return e, stable
}

// niceEdges chooses bins equal bins from about p5 to p95: the step is 1, 2
// or 5 times a power of ten, the first edge a multiple of it, so that the
// edges are round numbers and one person rarely moves them.
func niceEdges(p5, p95 float64, bins int) edges {
	width := (p95 - p5) / float64(bins)
	if !(width > 0) {
		width = math.Max(math.Abs(p5)/float64(bins), 1e-9)
	}
	pow := math.Pow(10, math.Floor(math.Log10(width)))
	step := 10 * pow
	for _, m := range []float64{1, 2, 5} {
		if m*pow >= width {
			step = m * pow
			break
		}
	}
	return edges{lo: math.Floor(p5/step) * step, step: step}
}

// The surveys: modules of the PPI vocabulary above their questions, the
// answers the vocabulary gives each question, and the persons per answer.
const (
	surveyQuestionsSQL = `SELECT m.concept_id, COALESCE(m.concept_name, ''), q.concept_id
FROM concept q
JOIN concept_closure cc ON cc.descendant_id = q.concept_id
JOIN concept m ON m.concept_id = cc.ancestor_id AND m.concept_class_id = 'Module' AND m.vocabulary_id = 'PPI'
WHERE q.concept_class_id = 'Question' AND q.vocabulary_id = 'PPI'
QUALIFY row_number() OVER (PARTITION BY q.concept_id ORDER BY cc.min_levels, m.concept_id) = 1
ORDER BY m.concept_id, q.concept_id`
	surveyAnswersSQL = `SELECT r.concept_id_1, r.concept_id_2, COALESCE(a.concept_name, '')
FROM concept_relationship r JOIN concept a ON a.concept_id = r.concept_id_2
WHERE r.relationship_id = 'Has answer (PPI)'`
	// answerCountsSQL counts the persons per question and answer, in all
	// (dimension '') and by sex at birth and age bin.
	answerCountsSQL = `WITH a AS (
  SELECT DISTINCT e.concept_id AS question_id, e.value_as_concept_id AS answer_id, e.person_id
  FROM search_events e WHERE e.domain = '` + DomainSurvey + `' AND e.is_standard AND e.value_as_concept_id IS NOT NULL
), p AS (
  SELECT a.question_id, a.answer_id, COALESCE(s.sex_at_birth, 'Unknown') AS sex, ` + ageLabelSQL + ` AS age
  FROM a JOIN search_person s USING (person_id)
)
SELECT p.question_id, p.answer_id, COALESCE(c.concept_name, CAST(p.answer_id AS VARCHAR)),
  CASE WHEN GROUPING(sex) = 0 THEN 'sex_at_birth' WHEN GROUPING(age) = 0 THEN 'age' ELSE '' END, COALESCE(sex, age, ''), count(*)
FROM p LEFT JOIN concept c ON c.concept_id = p.answer_id
GROUP BY GROUPING SETS ((p.question_id, p.answer_id, c.concept_name), (p.question_id, p.answer_id, c.concept_name, sex), (p.question_id, p.answer_id, c.concept_name, age))`
)

func (b *builder) surveys(ctx context.Context) error {
	type qa struct{ question, answer int64 }
	var order []qa
	moduleOf := map[int64]int64{}
	moduleName := map[int64]string{}
	var questions []int64
	err := b.query(ctx, surveyQuestionsSQL, nil, func(r *sql.Rows) error {
		var m, q int64
		var name string
		if err := r.Scan(&m, &name, &q); err != nil {
			return err
		}
		if _, ok := b.index[q]; ok {
			moduleOf[q], moduleName[m] = m, name
			questions = append(questions, q)
		}
		return nil
	})
	if err != nil {
		return err
	}
	answerName := map[qa]string{}
	err = b.query(ctx, surveyAnswersSQL, nil, func(r *sql.Rows) error {
		var k qa
		var name string
		if err := r.Scan(&k.question, &k.answer, &name); err != nil {
			return err
		}
		answerName[k] = name
		return nil
	})
	if err != nil {
		return err
	}
	type dimKey struct {
		qa
		dim, label string
	}
	raw := map[dimKey]int64{}
	err = b.query(ctx, answerCountsSQL, nil, func(r *sql.Rows) error {
		var k dimKey
		var name string
		var n int64
		if err := r.Scan(&k.question, &k.answer, &name, &k.dim, &k.label, &n); err != nil {
			return err
		}
		if k.dim != "" {
			k.label = b.fold(k.dim, k.label)
		} else if _, ok := answerName[k.qa]; !ok && n > b.rel.threshold {
			// An answer outside the vocabulary is released when more
			// than the threshold gave it.
			answerName[k.qa] = name
		}
		raw[k] += n
		return nil
	})
	if err != nil {
		return err
	}
	byQuestion := map[int64][]int64{}
	for k := range answerName {
		byQuestion[k.question] = append(byQuestion[k.question], k.answer)
	}
	s := &b.surv
	for _, q := range questions {
		answers := slices.Sorted(slices.Values(byQuestion[q]))
		for _, a := range answers {
			k := qa{q, a}
			order = append(order, k)
			s.module, s.moduleName, s.question = append(s.module, moduleOf[q]), append(s.moduleName, moduleName[moduleOf[q]]), append(s.question, q)
			s.answer, s.answerName = append(s.answer, a), append(s.answerName, answerName[k])
		}
		if len(answers) == 0 { // a question without answers is still listed
			s.module, s.moduleName, s.question = append(s.module, moduleOf[q]), append(s.moduleName, moduleName[moduleOf[q]]), append(s.question, q)
			s.answer, s.answerName = append(s.answer, 0), append(s.answerName, "")
		}
	}
	for _, k := range order {
		total := b.cell(subjectAnswer, k.question, k.answer, "", "", "", raw[dimKey{k, "", ""}])
		for _, dim := range []string{DimSexAtBirth, DimAge} {
			counts := map[string]int64{}
			for _, l := range b.labels[dim] {
				counts[l] = raw[dimKey{k, dim, l}]
			}
			b.breakdown(total, subjectAnswer, k.question, k.answer, "", dim, counts)
		}
	}
	return nil
}

// budgetSQL bounds the cells one person's presence changes: a count for
// each concept of their events, three cells (count with descendants, by
// sex, by age) for each concept they roll up to, three for each survey
// answer, and for each measurement and unit with values every bin and the
// total; the participants' and domains' cells are added in Go.
const budgetSQL = `SELECT
  (SELECT max(n) FROM (SELECT count(DISTINCT concept_id) FILTER (WHERE direct) + 3 * count(DISTINCT concept_id) FILTER (WHERE rolled) AS n
     FROM concept_person GROUP BY person_id)),
  (SELECT max(n) FROM (SELECT 3 * count(DISTINCT (concept_id, value_as_concept_id)) AS n FROM search_events
     WHERE domain = '` + DomainSurvey + `' AND value_as_concept_id IS NOT NULL GROUP BY person_id)),
  (SELECT max(n) FROM (SELECT count(DISTINCT (concept_id, unit_concept_id)) AS n FROM (` + measurementValues + `) GROUP BY person_id))`

func (b *builder) budget(ctx context.Context) error {
	if b.cfg.Noise.Mechanism != NoiseLaplace {
		return nil
	}
	var concepts, answers, measurements sql.NullInt64
	if err := b.db.QueryRowContext(ctx, budgetSQL).Scan(&concepts, &answers, &measurements); err != nil {
		return err
	}
	// Participants: a total and five breakdown cells per scope; domains:
	// one cell each; histograms: bins+2 cells and a total per measurement.
	cells := int64(len(Scopes)*6+len(Domains)) + concepts.Int64 + answers.Int64 + measurements.Int64*int64(b.cfg.histogramBins()+3)
	cells = (cells + 99) / 100 * 100
	eps := b.cfg.Noise.Epsilon
	b.budgetOut = &Budget{Mechanism: NoiseLaplace, EpsilonPerCell: eps, CellsPerPerson: cells, TotalEpsilon: eps * float64(cells), Note: budgetNote}
	return nil
}

type table struct {
	file string
	cols []column
}

// tables returns the release's tables as written, each column non-nil so
// an empty table keeps its types.
func (b *builder) tables() []table {
	cs, ce, h, s := b.cons, b.cells, b.hist, b.surv
	return []table{
		{conceptsFile, []column{
			{name: "concept_id", ints: orEmpty(cs.id)}, {name: "name", strs: orEmpty(cs.name)}, {name: "code", strs: orEmpty(cs.code)},
			{name: "vocabulary", strs: orEmpty(cs.vocabulary)}, {name: "concept_class", strs: orEmpty(cs.class)},
			{name: "domain", strs: orEmpty(cs.domain)}, {name: "standard", bools: orEmpty(cs.standard)},
			{name: "count", ints: orEmpty(cs.count)}, {name: "count_at_most", bools: orEmpty(cs.countAtMost)},
			{name: "rollup", ints: orEmpty(cs.rollup)}, {name: "rollup_at_most", bools: orEmpty(cs.rollupAtMost)},
		}},
		{cellsFile, []column{
			{name: "subject", strs: orEmpty(ce.subject)}, {name: "id", ints: orEmpty(ce.id)}, {name: "sub_id", ints: orEmpty(ce.subID)},
			{name: "scope", strs: orEmpty(ce.scope)}, {name: "dimension", strs: orEmpty(ce.dim)}, {name: "label", strs: orEmpty(ce.label)},
			{name: "count", ints: orEmpty(ce.count)}, {name: "at_most", bools: orEmpty(ce.atMost)},
		}},
		{hierarchyFile, []column{{name: "parent_id", ints: orEmpty(b.hier[0])}, {name: "child_id", ints: orEmpty(b.hier[1])}}},
		{sourceCodesFile, []column{{name: "concept_id", ints: orEmpty(b.sources[0])}, {name: "source_concept_id", ints: orEmpty(b.sources[1])}}},
		{histogramsFile, []column{
			{name: "concept_id", ints: orEmpty(h.concept)}, {name: "unit_concept_id", ints: orEmpty(h.unit)}, {name: "unit", strs: orEmpty(h.unitName)},
			{name: "sex_at_birth", strs: orEmpty(h.sex)}, {name: "bin", ints: orEmpty(h.bin)},
			{name: "low", floats: orEmpty(h.low)}, {name: "high", floats: orEmpty(h.high)},
			{name: "has_low", bools: orEmpty(h.hasLow)}, {name: "has_high", bools: orEmpty(h.hasHigh)},
			{name: "count", ints: orEmpty(h.count)}, {name: "at_most", bools: orEmpty(h.atMost)},
		}},
		{surveysFile, []column{
			{name: "survey_id", ints: orEmpty(s.module)}, {name: "survey_name", strs: orEmpty(s.moduleName)},
			{name: "question_id", ints: orEmpty(s.question)}, {name: "answer_id", ints: orEmpty(s.answer)}, {name: "answer", strs: orEmpty(s.answerName)},
		}},
	}
}

// orEmpty makes a nil column an empty one, so that its type is kept.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
