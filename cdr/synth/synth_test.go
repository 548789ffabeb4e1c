package synth_test

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
)

const testPersons = 1500 // three blocks, so parts and parallel writers are exercised

// generated is one CDR shared by the content tests.
var generated = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "synth-test-")
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "cdr")
	_, err = synth.Generate(context.Background(), dir, synth.Options{Persons: testPersons, Seed: 42})
	return dir, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := generated(); err == nil {
		os.RemoveAll(filepath.Dir(dir))
	}
	os.Exit(code)
}

func open(t *testing.T) *sql.DB {
	t.Helper()
	dir, err := generated()
	require.NoError(t, err)
	c, err := cdr.Open(context.Background(), dir, cdr.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c.DB()
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	require.NoError(t, db.QueryRow(query, args...).Scan(&n), query)
	return n.Int64
}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	require.NoError(t, err)
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	a, b, c := filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c")
	sum, err := synth.Generate(ctx, a, synth.Options{Persons: 1200, Seed: 7})
	require.NoError(t, err)
	// One worker instead of one per core: the bytes must not depend on it.
	procs := runtime.GOMAXPROCS(1)
	_, err = synth.Generate(ctx, b, synth.Options{Persons: 1200, Seed: 7})
	runtime.GOMAXPROCS(procs)
	require.NoError(t, err)
	_, err = synth.Generate(ctx, c, synth.Options{Persons: 1200, Seed: 8})
	require.NoError(t, err)

	fa, fb, fc := files(t, a), files(t, b), files(t, c)
	assert.Equal(t, 3, sum.Parts)
	assert.Len(t, fa, len(synth.ClinicalTables)*sum.Parts+8)
	require.Equal(t, len(fa), len(fb))
	for name, data := range fa {
		assert.True(t, bytes.Equal(data, fb[name]), "%s differs between runs with the same seed", name)
	}
	differ := 0
	for _, table := range synth.ClinicalTables {
		name := filepath.Join(table, "part-00000.parquet")
		if !bytes.Equal(fa[name], fc[name]) {
			differ++
		}
	}
	assert.Equal(t, len(synth.ClinicalTables), differ, "another seed should change every clinical table")
	assert.True(t, bytes.Equal(fa["concept.parquet"], fc["concept.parquet"]), "the vocabulary does not depend on the seed")
}

func TestColumnsFollowSchema(t *testing.T) {
	db := open(t)
	dir, _ := generated()
	schema, err := cdr.SchemaFor(cdr.V53)
	require.NoError(t, err)
	tables := append([]string{"concept", "concept_ancestor", "concept_relationship", "vocabulary", "domain",
		"concept_class", "relationship", "cdm_source"}, synth.ClinicalTables...)
	for _, name := range tables {
		t.Run(name, func(t *testing.T) {
			table, ok := schema.Table(name)
			require.True(t, ok)
			src := filepath.Join(dir, name+".parquet")
			if _, err := os.Stat(src); err != nil {
				src = filepath.Join(dir, name, "*.parquet")
			}
			rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet('" + strings.ReplaceAll(src, "'", "''") + "')")
			require.NoError(t, err)
			defer rows.Close()
			var got []string
			for rows.Next() {
				var col, typ string
				var null, key, def, extra sql.NullString
				require.NoError(t, rows.Scan(&col, &typ, &null, &key, &def, &extra))
				got = append(got, col+" "+typ)
			}
			var want []string
			for _, c := range table.Columns {
				want = append(want, c.Name+" "+c.Type.SQL())
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestRowCounts(t *testing.T) {
	db := open(t)
	assert.EqualValues(t, testPersons, count(t, db, "SELECT count(*) FROM person"))
	assert.EqualValues(t, testPersons, count(t, db, "SELECT count(DISTINCT person_id) FROM observation_period"))
	var events int64
	for _, table := range []string{"condition_occurrence", "drug_exposure", "procedure_occurrence", "measurement", "observation", "device_exposure"} {
		n := count(t, db, "SELECT count(*) FROM "+table)
		assert.Positive(t, n, table)
		events += n
	}
	perPerson := float64(events) / testPersons
	assert.InDelta(t, 150, perPerson, 40, "events per person")

	deaths := float64(count(t, db, "SELECT count(*) FROM death")) / testPersons
	assert.InDelta(t, 0.03, deaths, 0.025, "share of persons who died")
	surveyed := float64(count(t, db, "SELECT count(DISTINCT person_id) FROM observation WHERE observation_type_concept_id = 45905771")) / testPersons
	assert.InDelta(t, 0.8, surveyed, 0.15, "share of persons with survey answers")
	measured := float64(count(t, db, "SELECT count(DISTINCT person_id) FROM measurement WHERE measurement_source_concept_id = ?", synth.PMHeight)) / testPersons
	assert.InDelta(t, 0.65, measured, 0.2, "share of persons with physical measurements")
	assert.EqualValues(t, 1, count(t, db, "SELECT count(*) FROM cdm_source WHERE cdm_version = 'v5.3' AND source_release_date = DATE '2025-07-01'"))
}

func TestDemographics(t *testing.T) {
	db := open(t)
	assert.Zero(t, count(t, db, `SELECT count(*) FROM person WHERE year_of_birth NOT BETWEEN 1930 AND 2020
		OR birth_datetime::DATE <> make_date(year_of_birth, month_of_birth, day_of_birth)`))
	assert.Zero(t, count(t, db, "SELECT count(*) FROM person WHERE gender_concept_id NOT IN (8507, 8532)"))
	female := float64(count(t, db, "SELECT count(*) FROM person WHERE gender_concept_id = 8532")) / testPersons
	assert.InDelta(t, 0.52, female, 0.05)
	white := float64(count(t, db, "SELECT count(*) FROM person WHERE race_concept_id = 8527")) / testPersons
	assert.InDelta(t, 0.65, white, 0.07)
	hispanic := float64(count(t, db, "SELECT count(*) FROM person WHERE ethnicity_concept_id = 38003563")) / testPersons
	assert.InDelta(t, 0.18, hispanic, 0.04)
	assert.Positive(t, count(t, db, "SELECT count(*) FROM person WHERE year_of_birth < 1950"))
	assert.Positive(t, count(t, db, "SELECT count(*) FROM person WHERE year_of_birth > 2005"))
}

// events lists the dated tables: start and end date, start datetime.
var events = []struct{ table, start, end, datetime string }{
	{"visit_occurrence", "visit_start_date", "visit_end_date", "visit_start_datetime"},
	{"condition_occurrence", "condition_start_date", "condition_end_date", "condition_start_datetime"},
	{"drug_exposure", "drug_exposure_start_date", "drug_exposure_end_date", "drug_exposure_start_datetime"},
	{"procedure_occurrence", "procedure_date", "procedure_date", "procedure_datetime"},
	{"measurement", "measurement_date", "measurement_date", "measurement_datetime"},
	{"observation", "observation_date", "observation_date", "observation_datetime"},
	{"device_exposure", "device_exposure_start_date", "device_exposure_end_date", "device_exposure_start_datetime"},
	{"death", "death_date", "death_date", "death_datetime"},
}

func TestEventDates(t *testing.T) {
	db := open(t)
	for _, e := range events {
		t.Run(e.table, func(t *testing.T) {
			end := "coalesce(e." + e.end + ", e." + e.start + ")"
			from := " FROM " + e.table + " e JOIN person p USING (person_id) LEFT JOIN death d USING (person_id)" +
				" JOIN observation_period o USING (person_id) WHERE "
			checks := map[string]string{
				"before birth":              "e." + e.start + " < p.birth_datetime::DATE",
				"after death + 60 days":     end + " > d.death_date + 60",
				"start after end":           "e." + e.start + " > " + end,
				"outside observation":       "e." + e.start + " < o.observation_period_start_date OR " + end + " > o.observation_period_end_date",
				"after the reference date":  end + " > DATE '2025-07-01'",
				"datetime not on the date":  "e." + e.datetime + "::DATE <> e." + e.start,
				"no observation start date": "o.observation_period_start_date IS NULL",
			}
			for name, cond := range checks {
				assert.Zero(t, count(t, db, "SELECT count(*)"+from+cond), name)
			}
		})
	}
	assert.Zero(t, count(t, db, "SELECT count(*) FROM visit_occurrence WHERE visit_start_datetime > visit_end_datetime"))
	assert.Zero(t, count(t, db, "SELECT count(*) FROM observation_period WHERE observation_period_start_date > observation_period_end_date"))
}

func TestConceptsExist(t *testing.T) {
	db := open(t)
	schema, err := cdr.SchemaFor(cdr.V53)
	require.NoError(t, err)
	for _, name := range append(synth.ClinicalTables, "concept_ancestor", "concept_relationship", "vocabulary", "domain", "concept_class", "relationship") {
		table, ok := schema.Table(name)
		require.True(t, ok)
		for _, c := range table.Columns {
			if c.Type != cdr.Integer || !(strings.HasSuffix(c.Name, "concept_id") || strings.HasPrefix(c.Name, "concept_id_")) {
				continue
			}
			q := fmt.Sprintf("SELECT count(*) FROM %s t WHERE t.%s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM concept c WHERE c.concept_id = t.%s)", name, c.Name, c.Name)
			assert.Zero(t, count(t, db, q), "%s.%s", name, c.Name)
		}
	}
	// The main concept columns hold standard concepts.
	for table, col := range map[string]string{
		"visit_occurrence": "visit_concept_id", "condition_occurrence": "condition_concept_id",
		"drug_exposure": "drug_concept_id", "procedure_occurrence": "procedure_concept_id",
		"measurement": "measurement_concept_id", "observation": "observation_concept_id",
		"device_exposure": "device_concept_id", "person": "gender_concept_id",
	} {
		q := fmt.Sprintf("SELECT count(*) FROM %s t JOIN concept c ON c.concept_id = t.%s WHERE c.standard_concept IS DISTINCT FROM 'S'", table, col)
		assert.Zero(t, count(t, db, q), "%s.%s", table, col)
	}
	assert.Zero(t, count(t, db, "SELECT count(*) FROM drug_exposure JOIN concept ON concept_id = drug_concept_id WHERE concept_class_id NOT IN ('Clinical Drug', 'Quant Clinical Drug')"))
}

func TestVocabulary(t *testing.T) {
	db := open(t)
	assert.GreaterOrEqual(t, count(t, db, "SELECT count(*) FROM concept"), int64(2000))
	assert.Zero(t, count(t, db, "SELECT count(*) - count(DISTINCT concept_id) FROM concept"))
	assert.Zero(t, count(t, db, "SELECT count(*) FROM concept WHERE concept_id >= 2000000001 AND vocabulary_id IN ('Gender', 'Race', 'Ethnicity', 'Visit', 'UCUM') AND concept_id NOT IN (SELECT id FROM (VALUES (2000000101), (2000000102), (2000000103), (2000000104)) t(id))"),
		"invented ids only where the samples lack the concept")
	assert.GreaterOrEqual(t, count(t, db, "SELECT max(max_levels_of_separation) FROM concept_ancestor"), int64(4))
	assert.GreaterOrEqual(t, count(t, db, `SELECT max(a.max_levels_of_separation) FROM concept_ancestor a
		JOIN concept c ON c.concept_id = a.descendant_concept_id WHERE c.domain_id = 'Condition'`), int64(4))
	assert.Positive(t, count(t, db, "SELECT count(*) FROM concept_ancestor WHERE min_levels_of_separation < max_levels_of_separation"))
	assert.Zero(t, count(t, db, "SELECT count(*) FROM concept_ancestor WHERE ancestor_concept_id = descendant_concept_id OR min_levels_of_separation < 1"))

	// ATC 1st level above ingredients above clinical drugs.
	assert.EqualValues(t, 5, count(t, db, `SELECT min(a.min_levels_of_separation) FROM concept_ancestor a
		JOIN concept x ON x.concept_id = a.ancestor_concept_id AND x.concept_class_id = 'ATC 1st' AND x.standard_concept = 'C'
		JOIN concept d ON d.concept_id = a.descendant_concept_id AND d.concept_class_id = 'Clinical Drug'`))
	assert.Zero(t, count(t, db, `SELECT count(*) FROM concept d WHERE d.concept_class_id = 'Clinical Drug' AND NOT EXISTS (
		SELECT 1 FROM concept_ancestor a JOIN concept i ON i.concept_id = a.ancestor_concept_id AND i.concept_class_id = 'Ingredient'
		WHERE a.descendant_concept_id = d.concept_id AND a.min_levels_of_separation = 1)`))
	// Every ICD-like source concept maps to a standard condition.
	assert.Zero(t, count(t, db, `SELECT count(*) FROM concept s WHERE s.vocabulary_id = 'ICD10CM' AND NOT EXISTS (
		SELECT 1 FROM concept_relationship r JOIN concept c ON c.concept_id = r.concept_id_2
		WHERE r.concept_id_1 = s.concept_id AND r.relationship_id = 'Maps to' AND c.standard_concept = 'S' AND c.domain_id = 'Condition')`))
	// Hierarchy edges are in concept_relationship both ways.
	assert.Equal(t, count(t, db, "SELECT count(*) FROM concept_relationship WHERE relationship_id = 'Is a'"),
		count(t, db, "SELECT count(*) FROM concept_relationship WHERE relationship_id = 'Subsumes'"))
	// Survey questions sit below modules and have answers.
	assert.Zero(t, count(t, db, `SELECT count(*) FROM concept q WHERE q.concept_class_id = 'Question' AND NOT EXISTS (
		SELECT 1 FROM concept_ancestor a JOIN concept m ON m.concept_id = a.ancestor_concept_id AND m.concept_class_id = 'Module'
		WHERE a.descendant_concept_id = q.concept_id)`))
	assert.Greater(t, count(t, db, `SELECT count(DISTINCT concept_id_1) FROM concept_relationship WHERE relationship_id = 'Has answer (PPI)'`), int64(40))
}

// TestRealVocabulary: the real OMOP concepts of the samples are there with
// their real ids, names, codes, hierarchy and mappings, and persons have the
// common ones.
func TestRealVocabulary(t *testing.T) {
	db := open(t)
	for _, c := range []struct {
		id                int64
		name, vocab, code string
		table, column     string
	}{
		{320128, "Essential hypertension", "SNOMED", "59621000", "condition_occurrence", "condition_concept_id"},
		{201826, "Type 2 diabetes mellitus", "SNOMED", "44054006", "condition_occurrence", "condition_concept_id"},
		{317009, "Asthma", "SNOMED", "195967001", "condition_occurrence", "condition_concept_id"},
		{40163924, "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet", "RxNorm", "860975", "drug_exposure", "drug_concept_id"},
		{19080128, "lisinopril 10 MG Oral Tablet", "RxNorm", "314076", "drug_exposure", "drug_concept_id"},
		{3004410, "Hemoglobin A1c/Hemoglobin.total in Blood", "LOINC", "4548-4", "measurement", "measurement_concept_id"},
		{synth.SystolicBP, "Systolic blood pressure", "LOINC", "8480-6", "measurement", "measurement_concept_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.EqualValues(t, 1, count(t, db, "SELECT count(*) FROM concept WHERE concept_id = ? AND concept_name = ? AND vocabulary_id = ? AND concept_code = ? AND standard_concept = 'S'",
				c.id, c.name, c.vocab, c.code))
			assert.Positive(t, count(t, db, fmt.Sprintf("SELECT count(DISTINCT person_id) FROM %s WHERE %s = ?", c.table, c.column), c.id))
		})
	}
	// Childhood asthma is an asthma; the ICD10CM code K92.2 maps to
	// gastrointestinal hemorrhage; lisinopril is below the ACE inhibitors.
	assert.EqualValues(t, 1, count(t, db, "SELECT count(*) FROM concept_ancestor WHERE ancestor_concept_id = 317009 AND descendant_concept_id = 4051466"))
	assert.EqualValues(t, 1, count(t, db, "SELECT count(*) FROM concept_relationship WHERE concept_id_1 = 35208414 AND concept_id_2 = 192671 AND relationship_id = 'Maps to'"))
	assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM concept_ancestor a JOIN concept c ON c.concept_id = a.ancestor_concept_id
		WHERE c.concept_code = 'C09AA' AND c.vocabulary_id = 'ATC' AND a.descendant_concept_id = 1308216`))
	// Searching the common terms finds real concepts that persons have.
	for term, table := range map[string]string{"metformin": "drug_exposure", "hypertension": "condition_occurrence", "diabetes": "condition_occurrence"} {
		column := strings.Split(table, "_")[0] + "_concept_id"
		assert.Positive(t, count(t, db, fmt.Sprintf(`SELECT count(DISTINCT person_id) FROM %s JOIN concept ON concept_id = %s
			WHERE concept_id < 2000000001 AND concept_name ILIKE '%%' || ? || '%%'`, table, column), term), term)
	}
	// Type 2 diabetes is common enough that the demo's public release
	// shows it (a count over 20) from a few hundred persons up, so that a
	// visitor's search for "diabetes" finds persons.
	diabetes := float64(count(t, db, "SELECT count(DISTINCT person_id) FROM condition_occurrence WHERE condition_concept_id = 201826")) / testPersons
	assert.Greater(t, diabetes, 0.04, "share of persons with type 2 diabetes")

	// Physical measurements: the real LOINC concept, with the PPI concept
	// that maps to it as the source; waist and hip keep their PPI concept.
	for ppi, loinc := range map[int64]int64{
		synth.PMSystolicBP: synth.SystolicBP, synth.PMDiastolicBP: synth.DiastolicBP, synth.PMHeight: synth.BodyHeight,
		synth.PMWeight: synth.BodyWeight, synth.PMBMI: synth.BodyMassIndex, synth.PMHeartRate: synth.HeartRate,
		synth.PMWaist: synth.PMWaist, synth.PMHip: synth.PMHip,
	} {
		assert.Zero(t, count(t, db, "SELECT count(*) FROM measurement WHERE measurement_source_concept_id = ? AND measurement_concept_id <> ?", ppi, loinc), ppi)
		assert.Positive(t, count(t, db, "SELECT count(*) FROM measurement WHERE measurement_source_concept_id = ? AND measurement_concept_id = ?", ppi, loinc), ppi)
		if ppi != loinc {
			assert.EqualValues(t, 1, count(t, db, `SELECT count(*) FROM concept_relationship r JOIN concept c ON c.concept_id = r.concept_id_1
				WHERE r.concept_id_1 = ? AND r.concept_id_2 = ? AND r.relationship_id = 'Maps to' AND c.vocabulary_id = 'PPI' AND c.standard_concept IS NULL`, ppi, loinc), ppi)
		}
	}
	assert.EqualValues(t, 1, count(t, db, "SELECT count(*) FROM concept WHERE concept_id = ? AND concept_code = '29463-7' AND concept_name = 'Body weight'", synth.BodyWeight))
}

func TestClinicalContent(t *testing.T) {
	db := open(t)
	// Conditions: most rows come from ICD-like source codes.
	share := float64(count(t, db, "SELECT count(*) FILTER (condition_source_concept_id <> condition_concept_id) FROM condition_occurrence")) /
		float64(count(t, db, "SELECT count(*) FROM condition_occurrence"))
	assert.InDelta(t, 0.7, share, 0.2, "share of conditions with a source concept that differs")
	assert.Zero(t, count(t, db, `SELECT count(*) FROM condition_occurrence o WHERE condition_source_concept_id <> condition_concept_id AND NOT EXISTS (
		SELECT 1 FROM concept_relationship r WHERE r.concept_id_1 = o.condition_source_concept_id AND r.concept_id_2 = o.condition_concept_id AND r.relationship_id = 'Maps to')`))

	// Zipf-like prevalence: a few concepts are very common, most are rare.
	top := float64(count(t, db, "SELECT sum(n) FROM (SELECT count(*) n FROM condition_occurrence GROUP BY condition_concept_id ORDER BY n DESC LIMIT 10)")) /
		float64(count(t, db, "SELECT count(*) FROM condition_occurrence"))
	assert.Greater(t, top, 0.25, "top 10 conditions' share of rows")
	assert.Greater(t, count(t, db, "SELECT count(DISTINCT condition_concept_id) FROM condition_occurrence"), int64(300))

	// Events are linked to visits most of the time, and to visits of the
	// same person that cover their date.
	linked := float64(count(t, db, "SELECT count(visit_occurrence_id) FROM condition_occurrence")) / float64(count(t, db, "SELECT count(*) FROM condition_occurrence"))
	assert.InDelta(t, 0.9, linked, 0.08)
	assert.Zero(t, count(t, db, `SELECT count(*) FROM measurement m JOIN visit_occurrence v USING (visit_occurrence_id)
		WHERE v.person_id <> m.person_id OR m.measurement_date NOT BETWEEN v.visit_start_date AND v.visit_end_date`))

	// Blood pressure: systolic and diastolic together, diastolic lower; in
	// the EHR and in physical measurements (by their PPI source concepts).
	for _, pair := range []struct {
		column   string
		sys, dia int64
	}{{"measurement_concept_id", synth.SystolicBP, synth.DiastolicBP}, {"measurement_source_concept_id", synth.PMSystolicBP, synth.PMDiastolicBP}} {
		q := `SELECT count(*) FROM (SELECT * FROM measurement WHERE ` + pair.column + ` = $1) s FULL JOIN (SELECT * FROM measurement WHERE ` + pair.column + ` = $2) d
			ON d.person_id = s.person_id AND d.measurement_datetime = s.measurement_datetime
			AND d.visit_occurrence_id IS NOT DISTINCT FROM s.visit_occurrence_id
			WHERE s.measurement_id IS NULL OR d.measurement_id IS NULL`
		assert.Zero(t, count(t, db, q, pair.sys, pair.dia), "unpaired blood pressure %v", pair)
		assert.Positive(t, count(t, db, "SELECT count(*) FROM measurement WHERE "+pair.column+" = ?", pair.sys))
	}
	assert.Zero(t, count(t, db, `SELECT count(*) FROM measurement s JOIN measurement d USING (person_id, measurement_datetime)
		WHERE s.measurement_concept_id = ? AND d.measurement_concept_id = ? AND d.value_as_number >= s.value_as_number`, synth.SystolicBP, synth.DiastolicBP))

	// Measurements: numbers with units, or answers.
	assert.Zero(t, count(t, db, "SELECT count(*) FROM measurement WHERE (value_as_number IS NULL) = (value_as_concept_id IS NULL)"))
	assert.Zero(t, count(t, db, "SELECT count(*) FROM measurement WHERE value_as_number IS NOT NULL AND unit_concept_id IS NULL"))
	var mean float64
	require.NoError(t, db.QueryRow("SELECT avg(value_as_number) FROM measurement WHERE measurement_source_concept_id = ?", synth.PMHeight).Scan(&mean))
	assert.InDelta(t, 169, mean, 6, "mean adult height")

	// Surveys: question concepts with answer concepts of that question.
	assert.Zero(t, count(t, db, `SELECT count(*) FROM observation o JOIN concept q ON q.concept_id = o.observation_concept_id
		WHERE o.observation_type_concept_id = 45905771 AND (q.vocabulary_id <> 'PPI' OR q.concept_class_id <> 'Question' OR o.observation_source_concept_id <> o.observation_concept_id)`))
	assert.Zero(t, count(t, db, `SELECT count(*) FROM observation o JOIN concept a ON a.concept_id = o.value_as_concept_id
		WHERE o.observation_type_concept_id = 45905771 AND a.concept_class_id <> 'Answer'`))
	assert.Zero(t, count(t, db, `SELECT count(*) FROM observation o JOIN concept a ON a.concept_id = o.value_as_concept_id
		WHERE o.observation_type_concept_id = 45905771 AND a.concept_code NOT LIKE 'PMI%' AND NOT EXISTS (
		SELECT 1 FROM concept_relationship r WHERE r.concept_id_1 = o.observation_concept_id AND r.concept_id_2 = a.concept_id AND r.relationship_id = 'Has answer (PPI)')`))
}

func TestCancel(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "cdr")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := synth.Generate(ctx, dir, synth.Options{Persons: 5000, Seed: 1, Progress: func(stage string, done, total int) {
		if stage == "persons" && done > 0 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, strings.HasPrefix(err.Error(), "synth: "), err.Error())
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing may be left behind")
}

func TestRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644))
	_, err := synth.Generate(context.Background(), dir, synth.Options{Persons: 10, Seed: 1})
	require.Error(t, err)
	assert.FileExists(t, filepath.Join(dir, "keep.txt"))
	_, err = synth.Generate(context.Background(), filepath.Join(dir, "x"), synth.Options{})
	require.ErrorContains(t, err, "synth: persons must be positive")
}

func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "synth-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	sum, err := synth.Generate(context.Background(), filepath.Join(dir, "cdr"), synth.Options{Persons: 100, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(sum.Rows["person"], "persons in", sum.Parts, "part per clinical table")
	// Output: 100 persons in 1 part per clinical table
}

var benchPersons = flag.Int("synth.persons", 10_000, "persons per BenchmarkGenerate run")

// BenchmarkGenerate generates -synth.persons persons (10,000 by default)
// per iteration; run with -benchtime=1x for large sizes.
func BenchmarkGenerate(b *testing.B) {
	base := b.TempDir()
	var sum synth.Summary
	for i := 0; b.Loop(); i++ {
		var err error
		sum, err = synth.Generate(context.Background(), filepath.Join(base, fmt.Sprint(i)), synth.Options{Persons: *benchPersons, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(filepath.Join(base, fmt.Sprint(i)))
		b.StartTimer()
	}
	var rows int64
	for _, n := range sum.Rows {
		rows += n
	}
	b.ReportMetric(float64(rows), "rows/op")
}

// TestValidatesAndIndexes: the generator's output passes every data quality
// check and indexes with the expected domains.
func TestValidatesAndIndexes(t *testing.T) {
	ctx := context.Background()
	src, err := generated()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "cdr")
	require.NoError(t, os.CopyFS(dir, os.DirFS(src)))

	c, err := cdr.Open(ctx, dir, cdr.Options{})
	require.NoError(t, err)
	report, err := cdr.Validate(ctx, c)
	c.Close()
	require.NoError(t, err)
	for _, check := range report.Failed() {
		t.Errorf("check %s failed on %s.%s: %d of %d rows", check.Name, check.Table, check.Field, check.Rows, check.Total)
	}
	assert.True(t, report.Passed())

	info, err := cdr.Index(ctx, dir, cdr.IndexOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(testPersons), info.Persons)
	assert.Equal(t, "2025-07-01", info.ReferenceDate)

	c, err = cdr.Open(ctx, dir, cdr.Options{})
	require.NoError(t, err)
	defer c.Close()
	counts, err := c.DomainCounts(ctx)
	require.NoError(t, err)
	var domains []string
	for _, d := range counts {
		domains = append(domains, d.Domain)
	}
	assert.ElementsMatch(t, []string{cdr.DomainCondition, cdr.DomainDrug, cdr.DomainProcedure, cdr.DomainMeasurement,
		cdr.DomainObservation, cdr.DomainDevice, cdr.DomainVisit, cdr.DomainSurvey, cdr.DomainPhysicalMeasurement}, domains)
}
