package engine

// The public tier (the Data Browser): aggregates that anyone may see. Each
// is counted by one aggregate query, so that no row and no person id ever
// leaves DuckDB, and released through an access.Disclosure, so that no
// count from 1 to the threshold is ever shown. The methods return only the
// types of this file and of package access, which hold labels, concept
// metadata and released numbers (public_test.go walks them to prove it).

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// Labels of the age bins of the public breakdowns. A public age is
// search_person.age_at_ref, the age on the CDR's reference date (DESIGN.md:
// "age" without an event), for the deceased too, where AgeCounts (a
// cohort's Demographics) takes the age at death.
const (
	AgeBin0To17   = "0-17"
	AgeBin18To44  = "18-44"
	AgeBin45To64  = "45-64"
	AgeBin65Up    = "65+"
	AgeBinUnknown = "Unknown"
)

// PublicDemographics is every participant broken down five ways. Each
// breakdown's total is the released number of participants, the same as
// PublicTotals.
type PublicDemographics struct {
	SexAtBirth access.PublicBreakdown `json:"sex_at_birth"`
	Gender     access.PublicBreakdown `json:"gender"`
	Race       access.PublicBreakdown `json:"race"`
	Ethnicity  access.PublicBreakdown `json:"ethnicity"`
	// Age is by the bins 0-17, 18-44, 45-64, 65+ (and Unknown) of the age
	// on the CDR's reference date.
	Age access.PublicBreakdown `json:"age"`
}

// PublicConcept is a concept of the vocabulary with released person
// counts. ConceptID is the id of a concept, a fact of the vocabulary, never
// of a person.
type PublicConcept struct {
	ConceptID       int64  `json:"concept_id"`
	Name            string `json:"name"`
	DomainID        string `json:"domain_id"`
	VocabularyID    string `json:"vocabulary_id"`
	ClassID         string `json:"concept_class_id"`
	StandardConcept string `json:"standard_concept"`
	Code            string `json:"concept_code"`
	// Count is the persons with an event of the concept itself;
	// RollupCount of the concept or any descendant.
	Count       access.Released `json:"person_count"`
	RollupCount access.Released `json:"rollup_person_count"`
}

// PublicConceptCounts is the persons with an event of a concept or any of
// its descendants, by sex at birth and by age bin (of the age on the CDR's
// reference date, not at the event: a person counts once whatever the
// number of events). Both totals are the concept's
// PublicConcept.RollupCount.
type PublicConceptCounts struct {
	ConceptID  int64                  `json:"concept_id"`
	Name       string                 `json:"name"`
	SexAtBirth access.PublicBreakdown `json:"sex_at_birth"`
	Age        access.PublicBreakdown `json:"age"`
}

// PublicSurvey is a survey question with the persons who gave each answer.
// Answers.Total is the persons who answered the question at all, the
// question's PublicConcept.Count; a person may give several answers, and
// answers given as numbers count in the total only.
type PublicSurvey struct {
	ConceptID int64                  `json:"concept_id"`
	Question  string                 `json:"question"`
	Answers   access.PublicBreakdown `json:"answers"`
}

// The noise of a released number is drawn from a canonical description of
// what it counts (publicQuery), not of the call that asked: every route to
// one number (a concept's count in a search and as the total of its
// breakdown, a survey question's total and the question's count) gets the
// same answer, so that no number can be asked for twice with fresh noise
// and averaged. The description holds the CDR version, so that a new
// release draws new noise.
func (e *Engine) publicQuery(what ...string) string {
	return e.version + "\x00public\x00persons\x00" + strings.Join(what, "\x00")
}

// PublicTotals returns the number of participants.
func (e *Engine) PublicTotals(ctx context.Context, d access.Disclosure) (access.PublicCount, error) {
	const op = "public_totals"
	if err := publicStart(ctx, op, d); err != nil {
		return access.PublicCount{}, err
	}
	return cached(e, op, disclosureKey(d), func() (access.PublicCount, error) {
		dims, err := e.publicAggregate(ctx, op, e.publicPersons("true"), nil)
		if err != nil {
			return access.PublicCount{}, err
		}
		return access.PublicCount{Label: "participants", Count: d.Release(dims[0][""], e.publicQuery())}, nil
	})
}

// PublicDemographics returns the participants by sex at birth, gender,
// race, ethnicity and age bin, from one aggregate query. Labels are the
// names of the concepts ("Unknown" for a concept without a name); concepts
// of the same name count as one group.
func (e *Engine) PublicDemographics(ctx context.Context, d access.Disclosure) (PublicDemographics, error) {
	const op = "public_demographics"
	if err := publicStart(ctx, op, d); err != nil {
		return PublicDemographics{}, err
	}
	r, err := cached(e, op, disclosureKey(d), func() (PublicDemographics, error) {
		dims, err := e.publicAggregate(ctx, op, e.publicPersons("true", "sex_at_birth", "gender", "race", "ethnicity", "age"), nil)
		if err != nil {
			return PublicDemographics{}, err
		}
		q, total := e.publicQuery(), dims[0][""]
		return PublicDemographics{
			SexAtBirth: d.Breakdown("sex_at_birth", q, total, dims[1]),
			Gender:     d.Breakdown("gender", q, total, dims[2]),
			Race:       d.Breakdown("race", q, total, dims[3]),
			Ethnicity:  d.Breakdown("ethnicity", q, total, dims[4]),
			Age:        d.Breakdown("age", q, total, dims[5]),
		}, nil
	})
	for _, b := range []*access.PublicBreakdown{&r.SexAtBirth, &r.Gender, &r.Race, &r.Ethnicity, &r.Age} {
		b.Groups = slices.Clone(b.Groups) // the caller's copy: the cached one stays
	}
	return r, err
}

// PublicConceptSearch runs the search s (see ConceptSearch) and releases
// the person counts of the concepts found. Ranking and paging are the
// search's, which ranks by exact rollup counts: among concepts released
// with the same count, the order may tell which has more persons (never
// how many).
func (e *Engine) PublicConceptSearch(ctx context.Context, d access.Disclosure, s ConceptSearch) ([]PublicConcept, error) {
	const op = "public_concept_search"
	if err := publicStart(ctx, op, d); err != nil {
		return nil, err
	}
	r, err := cached(e, op, s.String()+"\x00"+disclosureKey(d), func() ([]PublicConcept, error) {
		found, err := e.SearchConcepts(ctx, s)
		if err != nil {
			return nil, err
		}
		out := make([]PublicConcept, len(found))
		for i, c := range found {
			out[i] = e.publicConcept(d, c)
		}
		return out, nil
	})
	return slices.Clone(r), err
}

func (e *Engine) publicConcept(d access.Disclosure, c Concept) PublicConcept {
	id := strconv.FormatInt(c.ID, 10)
	return PublicConcept{
		ConceptID: c.ID, Name: c.Name, DomainID: c.DomainID, VocabularyID: c.VocabularyID,
		ClassID: c.ClassID, StandardConcept: c.StandardConcept, Code: c.Code,
		Count:       d.Release(c.PersonCount, e.publicQuery("concept", id)),
		RollupCount: d.Release(c.RollupPersonCount, e.publicQuery("concept_rollup", id)),
	}
}

// PublicConceptCounts returns the persons with an event of concept id or
// any descendant, by sex at birth and by age bin, from one aggregate
// query. An unknown concept is ErrNotFound.
func (e *Engine) PublicConceptCounts(ctx context.Context, d access.Disclosure, id int64) (PublicConceptCounts, error) {
	const op = "public_concept_counts"
	if err := publicStart(ctx, op, d); err != nil {
		return PublicConceptCounts{}, err
	}
	c, err := e.Concept(ctx, id)
	if err != nil {
		return PublicConceptCounts{}, err
	}
	r, err := cached(e, op, strconv.FormatInt(id, 10)+"\x00"+disclosureKey(d), func() (PublicConceptCounts, error) {
		where := "person_id IN (SELECT person_id FROM " + e.tableName(cdrindex.SearchEvents) +
			" WHERE concept_id IN (SELECT descendant_id FROM " + e.tableName(cdrindex.ConceptClosure) + " WHERE ancestor_id = ?::BIGINT))"
		dims, err := e.publicAggregate(ctx, op, e.publicPersons(where, "sex_at_birth", "age"), []any{id})
		if err != nil {
			return PublicConceptCounts{}, err
		}
		q := e.publicQuery("concept_rollup", strconv.FormatInt(id, 10))
		return PublicConceptCounts{
			ConceptID:  c.ID,
			Name:       c.Name,
			SexAtBirth: d.Breakdown("sex_at_birth", q, dims[0][""], dims[1]),
			Age:        d.Breakdown("age", q, dims[0][""], dims[2]),
		}, nil
	})
	r.SexAtBirth.Groups = slices.Clone(r.SexAtBirth.Groups)
	r.Age.Groups = slices.Clone(r.Age.Groups)
	return r, err
}

// PublicSurvey returns the answers to the survey question id (a concept of
// class Question) with the persons who gave each, from one aggregate
// query. Labels are the answers' concept names. An unknown concept is
// ErrNotFound, a concept that is not a question ErrInvalid.
func (e *Engine) PublicSurvey(ctx context.Context, d access.Disclosure, id int64) (PublicSurvey, error) {
	const op = "public_survey"
	if err := publicStart(ctx, op, d); err != nil {
		return PublicSurvey{}, err
	}
	c, err := e.Concept(ctx, id)
	if err != nil {
		return PublicSurvey{}, err
	}
	if !strings.EqualFold(c.ClassID, "Question") {
		return PublicSurvey{}, invalidf("public survey: concept %d is a %q, not a survey question", id, c.ClassID)
	}
	r, err := cached(e, op, strconv.FormatInt(id, 10)+"\x00"+disclosureKey(d), func() (PublicSurvey, error) {
		stmt := `WITH a AS (SELECT DISTINCT person_id, value_as_concept_id FROM ` + e.tableName(cdrindex.SearchEvents) + ` WHERE concept_id = ?::BIGINT)
SELECT 0, '', count(DISTINCT person_id) FROM a
UNION ALL
SELECT 1, COALESCE(c.concept_name, CAST(a.value_as_concept_id AS VARCHAR)), count(DISTINCT a.person_id)
FROM a LEFT JOIN ` + e.tableName(cdrindex.Concept) + ` c ON c.concept_id = a.value_as_concept_id
WHERE a.value_as_concept_id IS NOT NULL GROUP BY 2`
		dims, err := e.publicAggregate(ctx, op, stmt, []any{id})
		if err != nil {
			return PublicSurvey{}, err
		}
		q := e.publicQuery("concept", strconv.FormatInt(id, 10))
		return PublicSurvey{ConceptID: c.ID, Question: c.Name, Answers: d.Breakdown("answers", q, dims[0][""], dims[1])}, nil
	})
	r.Answers.Groups = slices.Clone(r.Answers.Groups)
	return r, err
}

// PublicCohortCount counts the cohort def for the public tier. It first
// checks def against shape (include items summed over groups, exclude
// groups, temporal groups) and refuses, before any query, with an error
// that wraps the shape's (access.ErrForbidden): the refusal depends on the
// shape alone, never on the data. Rate limiting per client is the HTTP
// server's, not this method's. The noise is keyed by def without its names
// and ids and with its groups, items and parameters in a canonical order,
// so that renaming or reordering a definition does not draw fresh noise.
func (e *Engine) PublicCohortCount(ctx context.Context, d access.Disclosure, shape access.PublicShape, def *cohort.Definition) (access.PublicCount, error) {
	const op = "public_cohort_count"
	if def == nil {
		return access.PublicCount{}, invalidf("public cohort count: no definition")
	}
	if err := shape.Validate(); err != nil {
		return access.PublicCount{}, fmt.Errorf("engine: %s: %w", op, err)
	}
	s := access.Shape{Excludes: len(def.Excludes)}
	for _, g := range def.Includes {
		s.Items += len(g.Items)
		if g.Temporal {
			s.Temporal++
		}
	}
	if err := shape.Check(s); err != nil {
		return access.PublicCount{}, fmt.Errorf("engine: %s: %w", op, err)
	}
	if err := publicStart(ctx, op, d); err != nil {
		return access.PublicCount{}, err
	}
	return cached(e, op, def.String()+"\x00"+disclosureKey(d), func() (access.PublicCount, error) {
		n, err := e.Count(ctx, def)
		if err != nil {
			return access.PublicCount{}, err
		}
		return access.PublicCount{Label: "participants", Count: d.Release(n, e.publicQuery("cohort", def.NoiseForm()))}, nil
	})
}

// publicStart checks what every public call needs before it runs.
func publicStart(ctx context.Context, op string, d access.Disclosure) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("engine: %s: %w", op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("engine: %s: %w", op, err)
	}
	return nil
}

// disclosureKey identifies the settings of d in a cache key, with a hash
// in place of the noise key.
func disclosureKey(d access.Disclosure) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%d\x00%d\x00", d.Threshold, d.Bin, d.NoiseMax)
	h.Write(d.NoiseKey)
	return hex.EncodeToString(h.Sum(nil))
}

// publicPersonsSQL selects from search_person (%[1]s) the persons of the
// condition %[2]s with the columns sex_at_birth, gender, race, ethnicity
// (concept names) and age (the label of the bin of age_at_ref).
const publicPersonsSQL = `SELECT COALESCE(sex_at_birth, 'Unknown') AS sex_at_birth, COALESCE(gender, 'Unknown') AS gender,
    COALESCE(race, 'Unknown') AS race, COALESCE(ethnicity, 'Unknown') AS ethnicity,
    CASE WHEN age_at_ref IS NULL THEN '` + AgeBinUnknown + `' WHEN age_at_ref < 18 THEN '` + AgeBin0To17 + `'
      WHEN age_at_ref < 45 THEN '` + AgeBin18To44 + `' WHEN age_at_ref < 65 THEN '` + AgeBin45To64 + `' ELSE '` + AgeBin65Up + `' END AS age
  FROM %[1]s WHERE %[2]s`

// publicPersons is one aggregate query over the persons of the condition
// where (see publicPersonsSQL): the number of persons (dimension 0), and
// the persons by each column of dims in turn (dimension i+1 for dims[i]),
// in one pass by grouping sets. Its rows are (dimension, label, persons).
func (e *Engine) publicPersons(where string, dims ...string) string {
	dim, label := "0", "''"
	sets := []string{"()"}
	for i, d := range dims {
		dim = fmt.Sprintf("CASE WHEN GROUPING(%s) = 0 THEN %d ELSE %s END", d, i+1, dim)
		label = fmt.Sprintf("CASE WHEN GROUPING(%s) = 0 THEN %s ELSE %s END", d, d, label)
		sets = append(sets, "("+d+")")
	}
	return "SELECT " + dim + ", " + label + ", count(*)\nFROM (" +
		fmt.Sprintf(publicPersonsSQL, e.tableName(cdrindex.SearchPerson), where) +
		")\nGROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
}

// publicAggregate runs an aggregate query whose rows are (dimension,
// label, persons) and returns the persons by dimension and label. The
// counts are raw: they only ever leave through a Disclosure.
func (e *Engine) publicAggregate(ctx context.Context, op, stmt string, args []any) (map[int]map[string]int64, error) {
	dims := map[int]map[string]int64{}
	err := e.query(ctx, op, new(sqlb.Builder).AddQuery(stmt, args), func(r *sql.Rows) error {
		var dim int
		var label sql.NullString
		var n int64
		if err := r.Scan(&dim, &label, &n); err != nil {
			return err
		}
		if dims[dim] == nil {
			dims[dim] = map[string]int64{}
		}
		dims[dim][label.String] += n
		return nil
	})
	return dims, err
}

// tableName is the quoted name of the table in the engine's schema, for
// the SQL of this file, which builds its text by concatenation.
func (e *Engine) tableName(name string) string {
	return e.table(new(sqlb.Builder), name).String()
}
