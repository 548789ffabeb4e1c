package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/circe"
)

func circeCommands() []command {
	return []command{
		{"count", "count a Circe cohort's entries and distinct persons", runCirceCount},
		{"rows", "print a Circe cohort's rows: subject, start and end dates", runCirceRows},
		{"attrition", "print a Circe cohort's inclusion rule statistics", runCirceAttrition},
		{"sql", "print the SQL a Circe cohort compiles to, with its arguments", runCirceSQL},
	}
}

func runCirce(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "circe", "Run an OHDSI Circe cohort definition (the JSON ATLAS exports; FILE - reads stdin)\nwith Circe's semantics, over the OMOP tables of a CDR.", circeCommands(), args)
}

// readCirce reads and compiles the Circe expression in file (- is stdin).
// An invalid one has every problem printed with its path, and the error is
// errFailed.
func readCirce(e env, cmd, file string) (*circe.Program, error) {
	data, err := readInput(e, cmd, file)
	if err != nil {
		return nil, err
	}
	var p *circe.Program
	x, err := circe.Parse(data)
	if err == nil {
		p, err = circe.Compile(x)
	}
	if printProblems(e, err, "workbench: %s: %s is not a Circe expression this workbench runs:", cmd, file) {
		return nil, errFailed
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return p, nil
}

// circeFlags are the flags of the commands that run an expression on a
// CDR, which need not be indexed.
type circeFlags struct {
	dir    *string
	asJSON *bool
	opt    cdr.Options
}

func newCirceFlags(e env, name, synopsis string) (*circeFlags, *flag.FlagSet) {
	fs := newFlags(e, name, synopsis)
	f := &circeFlags{
		dir:    fs.String("cdr", "", "CDR folder (required)"),
		asJSON: fs.Bool("json", false, "print as JSON"),
	}
	engineFlags(&f.opt, fs)
	return f, fs
}

// open compiles the expression in file and opens the CDR; the caller
// closes it.
func (f *circeFlags) open(ctx context.Context, e env, cmd, file string) (*circe.Program, *cdr.CDR, error) {
	if *f.dir == "" {
		return nil, nil, usagef("%s: --cdr is required", cmd)
	}
	p, err := readCirce(e, cmd, file)
	if err != nil {
		return nil, nil, err
	}
	c, err := cdr.Open(ctx, *f.dir, f.opt)
	if err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

func runCirceCount(ctx context.Context, e env, args []string) error {
	f, fs := newCirceFlags(e, "circe count", "circe count --cdr DIR FILE.json [--json]\n\nPrints the number of persons in the Circe cohort of FILE (- reads stdin), then its\nentries (cohort rows).")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, c, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	n, err := circe.Count(ctx, c.DB(), p)
	took := time.Since(start)
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(e.stdout, struct {
			Count   int64   `json:"count"`
			Entries int64   `json:"entries"`
			SQLMs   float64 `json:"sql_ms"`
		}{n.Subjects, n.Entries, float64(took.Microseconds()) / 1000})
	}
	_, err = fmt.Fprintf(e.stdout, "%d persons, %d entries\n", n.Subjects, n.Entries)
	return err
}

func runCirceRows(ctx context.Context, e env, args []string) error {
	f, fs := newCirceFlags(e, "circe rows", "circe rows --cdr DIR FILE.json [--json]\n\nPrints the rows of the Circe cohort of FILE (- reads stdin): subject_id,\ncohort_start_date, cohort_end_date, tab-separated with a header, by subject and start.")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, c, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := circe.Rows(ctx, c.DB(), p)
	if err != nil {
		return err
	}
	if *f.asJSON {
		type row struct {
			SubjectID int64  `json:"subject_id"`
			Start     string `json:"cohort_start_date"`
			End       string `json:"cohort_end_date"`
		}
		out := make([]row, len(rows))
		for i, r := range rows {
			out[i] = row{r.SubjectID, r.Start.Format(time.DateOnly), r.End.Format(time.DateOnly)}
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintln(e.stdout, "subject_id\tcohort_start_date\tcohort_end_date")
	for _, r := range rows {
		if _, err := fmt.Fprintf(e.stdout, "%d\t%s\t%s\n", r.SubjectID, r.Start.Format(time.DateOnly), r.End.Format(time.DateOnly)); err != nil {
			return err
		}
	}
	return nil
}

func runCirceAttrition(ctx context.Context, e env, args []string) error {
	f, fs := newCirceFlags(e, "circe attrition", "circe attrition --cdr DIR FILE.json [--json]\n\nPrints the inclusion rule statistics of the Circe cohort of FILE (- reads stdin):\nfor each rule, the persons (by their best event) and the events that satisfy it,\nand those left after it and every rule before it.")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, c, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := circe.InclusionStats(ctx, c.DB(), p)
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(e.stdout, s)
	}
	fmt.Fprintf(e.stdout, "qualifying: %d persons, %d events\n", s.Persons.Base, s.Events.Base)
	fmt.Fprintln(e.stdout, "rule\tpersons passing\tpersons left\tevents passing\tevents left\tname")
	for i, r := range s.Persons.Rules {
		ev := s.Events.Rules[i]
		fmt.Fprintf(e.stdout, "%d\t%d\t%d\t%d\t%d\t%s\n", r.Index, r.Passing, r.Remaining, ev.Passing, ev.Remaining, r.Name)
	}
	_, err = fmt.Fprintf(e.stdout, "final: %d persons, %d events\n", s.Persons.Final, s.Events.Final)
	return err
}

func runCirceSQL(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "circe sql", "circe sql FILE.json [--json]\n\nPrints the DuckDB SQL of the cohort rows of the Circe expression in FILE (- reads\nstdin), then its arguments, one per ? in order. It needs no CDR.")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := readCirce(e, "circe sql", pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			SQL  string `json:"sql"`
			Args []any  `json:"args"`
		}{p.Cohort.SQL, p.Cohort.Args})
	}
	fmt.Fprintln(e.stdout, p.Cohort.SQL)
	for i, a := range p.Cohort.Args {
		fmt.Fprintf(e.stdout, "-- $%d = %v\n", i+1, a)
	}
	return nil
}
