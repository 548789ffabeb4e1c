package circe

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Row is one cohort episode.
type Row struct {
	SubjectID int64     `json:"subject_id"`
	Start     time.Time `json:"cohort_start_date"`
	End       time.Time `json:"cohort_end_date"`
}

// Counts are the size of a cohort: its episodes and its distinct persons.
type Counts struct {
	Entries  int64 `json:"entries"`
	Subjects int64 `json:"count"`
}

// Check reports, as an error matching [ErrInvalid] with the JSON path of
// each part, the tables and columns beyond OMOP CDM v5.3 and v5.4 that p
// needs (its Needs) and db lacks. The functions that run p check first;
// a caller that runs p's statements itself calls Check.
func Check(ctx context.Context, db *sql.DB, p *Program) error {
	if len(p.Needs) == 0 {
		return nil
	}
	var tables []string
	for _, n := range p.Needs {
		tables = append(tables, n.Table)
	}
	rows, err := db.QueryContext(ctx, "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN (SELECT unnest(CAST(? AS VARCHAR[])))", tables)
	if err != nil {
		return fmt.Errorf("circe: reading the CDR's columns: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return fmt.Errorf("circe: reading the CDR's columns: %w", err)
		}
		have[table] = true
		have[table+"."+column] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("circe: reading the CDR's columns: %w", err)
	}
	var errs errorList
	for _, n := range p.Needs {
		if !have[n.Table] {
			errs.add(n.Path, fmt.Sprintf("the CDR has no table %s (%s)", n.Table, n.Why))
			continue
		}
		var missing []string
		for _, col := range n.Columns {
			if !have[n.Table+"."+col] {
				missing = append(missing, col)
			}
		}
		if len(missing) > 0 {
			errs.add(n.Path, fmt.Sprintf("the CDR's %s has no %s (%s)", n.Table, strings.Join(missing, ", "), n.Why))
		}
	}
	return errs.err()
}

// Rows runs the cohort query of p on db, the database of an opened CDR.
func Rows(ctx context.Context, db *sql.DB, p *Program) ([]Row, error) {
	if err := Check(ctx, db, p); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, p.Cohort.SQL, p.Cohort.Args...)
	if err != nil {
		return nil, fmt.Errorf("circe: cohort rows: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.SubjectID, &r.Start, &r.End); err != nil {
			return nil, fmt.Errorf("circe: cohort rows: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("circe: cohort rows: %w", err)
	}
	return out, nil
}

// RowsPage is the rows of p from offset, at most limit of them, in the
// order of Rows.
func RowsPage(ctx context.Context, db *sql.DB, p *Program, offset, limit int) ([]Row, error) {
	if err := Check(ctx, db, p); err != nil {
		return nil, err
	}
	q := "SELECT subject_id, cohort_start_date, cohort_end_date FROM (\n" + p.Cohort.SQL + "\n) ORDER BY subject_id, cohort_start_date, cohort_end_date LIMIT ? OFFSET ?"
	rows, err := db.QueryContext(ctx, q, append(append([]any{}, p.Cohort.Args...), int64(limit), int64(offset))...)
	if err != nil {
		return nil, fmt.Errorf("circe: cohort rows: %w", err)
	}
	defer rows.Close()
	out := []Row{}
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.SubjectID, &r.Start, &r.End); err != nil {
			return nil, fmt.Errorf("circe: cohort rows: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("circe: cohort rows: %w", err)
	}
	return out, nil
}

// Count runs the count query of p on db.
func Count(ctx context.Context, db *sql.DB, p *Program) (Counts, error) {
	if err := Check(ctx, db, p); err != nil {
		return Counts{}, err
	}
	var c Counts
	if err := db.QueryRowContext(ctx, p.Count.SQL, p.Count.Args...).Scan(&c.Entries, &c.Subjects); err != nil {
		return Counts{}, fmt.Errorf("circe: cohort count: %w", err)
	}
	return c, nil
}

// Censored returns how many persons the censor window removed entirely
// (Circe's cohort_censor_stats.lost_count); 0 without a censor window.
func Censored(ctx context.Context, db *sql.DB, p *Program) (int64, error) {
	if err := Check(ctx, db, p); err != nil {
		return 0, err
	}
	var n int64
	if err := db.QueryRowContext(ctx, p.Censored.SQL, p.Censored.Args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("circe: censored persons: %w", err)
	}
	return n, nil
}

// RuleStat is one inclusion rule's line of an attrition table.
type RuleStat struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	// Passing counts those that satisfy this rule, whatever the others.
	Passing int64 `json:"passing"`
	// Remaining counts those that satisfy this rule and every rule before
	// it: the attrition.
	Remaining int64 `json:"remaining"`
	// Gain counts those that fail only this rule: what dropping it would
	// add.
	Gain int64 `json:"gain"`
}

// Attrition is the inclusion rule statistics of one mode: Base counts the
// qualifying events (or persons, by their best event) before the rules,
// Final those that satisfy them all.
type Attrition struct {
	Base  int64      `json:"base"`
	Final int64      `json:"final"`
	Rules []RuleStat `json:"rules"`
}

// Inclusion is Circe's inclusion rule report: by event (every qualifying
// event) and by person (each person's best event: the one satisfying the
// most rules, then the lowest-numbered first rule, then the earliest).
type Inclusion struct {
	Events  Attrition `json:"events"`
	Persons Attrition `json:"persons"`
	// Results are the counts by mode and mask that the figures above
	// derive from, as Circe writes them to cohort_inclusion_result.
	Results []MaskCount `json:"results"`
}

// MaskCount is one row of cohort_inclusion_result: Count events (Mode 0) or
// persons by their best event (Mode 1) whose passed rules are the bits of
// Mask.
type MaskCount struct {
	Mode  int64 `json:"mode_id"`
	Mask  int64 `json:"inclusion_rule_mask"`
	Count int64 `json:"count"`
}

// InclusionStats runs the inclusion query of p on db.
func InclusionStats(ctx context.Context, db *sql.DB, p *Program) (*Inclusion, error) {
	if err := Check(ctx, db, p); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, p.Inclusion.SQL, p.Inclusion.Args...)
	if err != nil {
		return nil, fmt.Errorf("circe: inclusion statistics: %w", err)
	}
	defer rows.Close()
	masks := [2]map[int64]int64{{}, {}}
	results := []MaskCount{}
	for rows.Next() {
		var m MaskCount
		if err := rows.Scan(&m.Mode, &m.Mask, &m.Count); err != nil {
			return nil, fmt.Errorf("circe: inclusion statistics: %w", err)
		}
		masks[m.Mode][m.Mask] += m.Count
		results = append(results, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("circe: inclusion statistics: %w", err)
	}
	return &Inclusion{Events: attrition(p.Rules, masks[0]), Persons: attrition(p.Rules, masks[1]), Results: results}, nil
}

// attrition derives the per-rule figures from the counts by mask.
func attrition(rules []string, masks map[int64]int64) Attrition {
	all := int64(1)<<len(rules) - 1
	a := Attrition{Rules: []RuleStat{}}
	for mask, n := range masks {
		a.Base += n
		if mask&all == all {
			a.Final += n
		}
	}
	for i, name := range rules {
		bit := int64(1) << i
		prefix := bit<<1 - 1
		s := RuleStat{Index: i, Name: name}
		for mask, n := range masks {
			if mask&bit != 0 {
				s.Passing += n
			}
			if mask&prefix == prefix {
				s.Remaining += n
			}
			if mask == all&^bit {
				s.Gain += n
			}
		}
		a.Rules = append(a.Rules, s)
	}
	return a
}
