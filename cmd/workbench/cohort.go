package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

func cohortCommands() []command {
	return []command{
		{"count", "count the persons of a cohort", runCohortCount},
		{"sql", "print the SQL a cohort compiles to, with its arguments", runCohortSQL},
		{"demographics", "break a cohort down by sex at birth, gender, race and ethnicity, by age", runCohortDemographics},
		{"participants", "print a page of a cohort's person ids", runCohortParticipants},
	}
}

func runCohort(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "cohort", "Run a cohort definition (All of Us CohortDefinition JSON; FILE - reads stdin).", cohortCommands(), args)
}

// readInput is the content of file, or of stdin for "-".
func readInput(e env, cmd, file string) ([]byte, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return data, nil
}

// printProblems prints the heading and every problem of err at its path,
// and reports whether err had any.
func printProblems(e env, err error, heading string, args ...any) bool {
	problems := fault.FieldsOf(err)
	if problems == nil {
		return false
	}
	fmt.Fprintf(e.stderr, heading+"\n", args...)
	for _, p := range problems {
		if p.Path == "" {
			fmt.Fprintf(e.stderr, "  %s\n", p.Message)
		} else {
			fmt.Fprintf(e.stderr, "  %s: %s\n", p.Path, p.Message)
		}
	}
	return true
}

// readDefinition reads and validates the definition in file (- is stdin).
// An invalid one has every problem printed with its path, and the error
// is errFailed.
func readDefinition(e env, cmd, file string) (*cohort.Definition, error) {
	data, err := readInput(e, cmd, file)
	if err != nil {
		return nil, err
	}
	def, err := cohort.Parse(data)
	if err == nil {
		err = def.Validate()
	}
	if printProblems(e, err, "workbench: %s: %s is not a valid cohort definition:", cmd, file) {
		return nil, errFailed
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return def, nil
}

// cohortFlags are the flags of the commands that run a definition on a
// CDR.
type cohortFlags struct {
	dir    *string
	asJSON *bool
	opt    cdr.Options
}

func newCohortFlags(e env, name, synopsis string) (*cohortFlags, *flag.FlagSet) {
	fs := newFlags(e, name, synopsis)
	f := &cohortFlags{
		dir:    fs.String("cdr", "", "indexed CDR folder (required)"),
		asJSON: fs.Bool("json", false, "print as JSON"),
	}
	engineFlags(&f.opt, fs)
	return f, fs
}

// open reads the definition in file and opens the engine; the caller
// closes the CDR.
func (f *cohortFlags) open(ctx context.Context, e env, cmd, file string) (*cohort.Definition, *cdr.CDR, *engine.Engine, error) {
	if *f.dir == "" {
		return nil, nil, nil, usagef("%s: --cdr is required", cmd)
	}
	def, err := readDefinition(e, cmd, file)
	if err != nil {
		return nil, nil, nil, err
	}
	c, eng, err := openEngine(ctx, *f.dir, f.opt)
	if err != nil {
		return nil, nil, nil, err
	}
	return def, c, eng, nil
}

func runCohortCount(ctx context.Context, e env, args []string) error {
	f, fs := newCohortFlags(e, "cohort count", "cohort count --cdr DIR FILE.json [--json]\n\nPrints the number of persons in the cohort of FILE (- reads stdin).")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	def, c, eng, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	n, err := eng.Count(ctx, def)
	took := time.Since(start)
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(e.stdout, struct {
			Count int64   `json:"count"`
			SQLMs float64 `json:"sql_ms"`
		}{n, float64(took.Microseconds()) / 1000})
	}
	_, err = fmt.Fprintln(e.stdout, n)
	return err
}

func runCohortSQL(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "cohort sql", "cohort sql FILE.json [--json]\n\nPrints the DuckDB SQL the cohort of FILE (- reads stdin) compiles to, then its\narguments, one per ? in order. It needs no CDR.")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	def, err := readDefinition(e, "cohort sql", pos[0])
	if err != nil {
		return err
	}
	q, err := cohort.Compile(def, cohort.Options{})
	if err != nil {
		return err
	}
	if *asJSON {
		args := q.Args
		if args == nil {
			args = []any{}
		}
		return writeJSON(e.stdout, struct {
			SQL  string `json:"sql"`
			Args []any  `json:"args"`
		}{q.SQL, args})
	}
	fmt.Fprintln(e.stdout, q.SQL)
	for i, a := range q.Args {
		fmt.Fprintf(e.stdout, "-- $%d = %v\n", i+1, a)
	}
	return nil
}

func runCohortDemographics(ctx context.Context, e env, args []string) error {
	f, fs := newCohortFlags(e, "cohort demographics", "cohort demographics --cdr DIR FILE.json [--json]\n\nBreaks the cohort of FILE (- reads stdin) down by sex at birth, gender, race and\nethnicity, each by age: on the CDR's reference date, or at death for the deceased.")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	def, c, eng, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	d, err := eng.Demographics(ctx, def)
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(e.stdout, d)
	}
	fmt.Fprintf(e.stdout, "%d persons\n", d.Count)
	for _, b := range []struct {
		title string
		rows  []engine.DemographicCount
	}{{"SEX AT BIRTH", d.SexAtBirth}, {"GENDER", d.Gender}, {"RACE", d.Race}, {"ETHNICITY", d.Ethnicity}} {
		fmt.Fprintln(e.stdout)
		printDemographics(e.stdout, b.title, b.rows)
	}
	return nil
}

// printDemographics writes one breakdown as a table: names left-aligned,
// numbers right-aligned.
func printDemographics(w io.Writer, title string, rows []engine.DemographicCount) {
	width := len(title)
	for _, r := range rows {
		width = max(width, len(r.Name))
	}
	const nums = "%12s %8s %8s %8s %8s %8s\n"
	fmt.Fprintf(w, "%-*s"+nums, width, title, "CONCEPT_ID", "0-17", "18-44", "45-64", "65+", "TOTAL")
	for _, r := range rows {
		a := r.Ages
		fmt.Fprintf(w, "%-*s%12d %8d %8d %8d %8d %8d\n", width, r.Name, r.ConceptID, a.Age0To17, a.Age18To44, a.Age45To64, a.Age65Up, r.Count)
	}
}

func runCohortParticipants(ctx context.Context, e env, args []string) error {
	f, fs := newCohortFlags(e, "cohort participants", "cohort participants --cdr DIR FILE.json [--page P] [--size S] [--json]\n\nPrints page P (from 0) of the cohort's person ids in ascending order, one per line;\nthe range and total go to stderr.")
	page := fs.Int("page", 0, "page number, from 0")
	size := fs.Int("size", 1000, fmt.Sprintf("person ids per page, 1 to %d", engine.MaxPageSize))
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *page < 0 {
		return usagef("cohort participants: --page %d: want 0 or more", *page)
	}
	if *size < 1 || *size > engine.MaxPageSize {
		return usagef("cohort participants: --size %d: want 1 to %d", *size, engine.MaxPageSize)
	}
	def, c, eng, err := f.open(ctx, e, fs.Name(), pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	ids, total, err := eng.Participants(ctx, def, *page, *size)
	if err != nil {
		return err
	}
	if *f.asJSON {
		return writeJSON(e.stdout, struct {
			Page      int     `json:"page"`
			Size      int     `json:"size"`
			Total     int64   `json:"total"`
			PersonIDs []int64 `json:"person_ids"`
		}{*page, *size, total, ids})
	}
	for _, id := range ids {
		fmt.Fprintln(e.stdout, id)
	}
	if len(ids) == 0 {
		fmt.Fprintf(e.stderr, "no persons on page %d (%d in all)\n", *page, total)
		return nil
	}
	first := int64(*page) * int64(*size)
	fmt.Fprintf(e.stderr, "persons %d-%d of %d\n", first+1, first+int64(len(ids)), total)
	return nil
}
