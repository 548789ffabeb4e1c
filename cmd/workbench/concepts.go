package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

func conceptsCommands() []command {
	return []command{
		{"search", "search the vocabulary by name words, code or id, with person counts", runConceptSearch},
		{"show", "print a concept with its parents and children", runConceptShow},
	}
}

func runConcepts(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "concepts", "Search the vocabulary of an indexed CDR (the Concept Set Selector).", conceptsCommands(), args)
}

// openEngine opens the CDR in dir, which must be indexed, and a cohort
// engine over it. The caller closes the CDR.
func openEngine(ctx context.Context, dir string, opt cdr.Options) (*cdr.CDR, *engine.Engine, error) {
	c, err := cdr.Open(ctx, dir, opt)
	if err != nil {
		return nil, nil, err
	}
	info, ok := c.Index()
	if !ok {
		c.Close()
		return nil, nil, fmt.Errorf("%s is not indexed: run 'workbench cdr index %s' first", dir, dir)
	}
	eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, eng, nil
}

// invalidFlags turns the validation errors of a request built from flags
// into a usage error that names the flags (path "limit" is --limit).
func invalidFlags(cmd string, err error) error {
	errs := fault.FieldsOf(err)
	if errs == nil {
		return usagef("%s: %v", cmd, err)
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = "--" + e.Path + " " + e.Message
	}
	return usagef("%s: %s", cmd, strings.Join(msgs, "; "))
}

func runConceptSearch(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "concepts search", `concepts search --cdr DIR [flags] WORDS...

Finds concepts whose name has every word (in any order and case), whose code is
WORDS exactly, or whose id is WORDS. Exact code or id matches come first, then
names that start with WORDS, then the rest by persons. PERSONS counts the persons
with an event of the concept or any descendant.`)
	var opt cdr.Options
	dir := fs.String("cdr", "", "indexed CDR folder (required)")
	domain := fs.String("domain", "", "only concepts of this domain_id, any case (Condition, Drug, Measurement...)")
	vocabulary := fs.String("vocabulary", "", "only concepts of this vocabulary_id, any case (SNOMED, RxNorm, LOINC...)")
	standard := fs.Bool("standard", false, "only standard concepts")
	limit := fs.Int("limit", engine.DefaultConceptLimit, fmt.Sprintf("most concepts to print, 1 to %d", engine.MaxConceptLimit))
	offset := fs.Int("offset", 0, "concepts to skip, for the next page")
	asJSON := fs.Bool("json", false, "print as JSON")
	engineFlags(&opt, fs)
	words, err := parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if *dir == "" {
		return usagef("concepts search: --cdr is required")
	}
	if *limit < 1 {
		return usagef("concepts search: --limit %d: want 1 to %d", *limit, engine.MaxConceptLimit)
	}
	s := engine.ConceptSearch{Query: strings.Join(words, " "), Domain: *domain, Vocabulary: *vocabulary, Limit: *limit, Offset: *offset}
	if *standard {
		s.Standard = standard
	}
	if err := s.Validate(); err != nil {
		return invalidFlags("concepts search", err)
	}
	c, eng, err := openEngine(ctx, *dir, opt)
	if err != nil {
		return err
	}
	defer c.Close()
	found, err := eng.SearchConcepts(ctx, s)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, found)
	}
	if len(found) == 0 {
		fmt.Fprintln(e.stdout, "no concepts found")
		return nil
	}
	return printConcepts(e.stdout, found)
}

// printConcepts writes concepts as an aligned table.
func printConcepts(w io.Writer, cs []engine.Concept) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tDOMAIN\tVOCABULARY\tCODE\tPERSONS")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", c.ID, c.Name, c.DomainID, c.VocabularyID, c.Code, c.RollupPersonCount)
	}
	return tw.Flush()
}

// conceptView is a concept with its direct parents and children.
type conceptView struct {
	Concept  engine.Concept   `json:"concept"`
	Parents  []engine.Concept `json:"parents"`
	Children []engine.Concept `json:"children"`
}

func runConceptShow(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "concepts show", "concepts show --cdr DIR ID [--json]\n\nPrints a concept, its person counts, and its direct parents and children.")
	var opt cdr.Options
	dir := fs.String("cdr", "", "indexed CDR folder (required)")
	asJSON := fs.Bool("json", false, "print as JSON")
	engineFlags(&opt, fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *dir == "" {
		return usagef("concepts show: --cdr is required")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("concepts show: %q is not a concept id", pos[0])
	}
	c, eng, err := openEngine(ctx, *dir, opt)
	if err != nil {
		return err
	}
	defer c.Close()
	var v conceptView
	if v.Concept, err = eng.Concept(ctx, id); err != nil {
		return err
	}
	if v.Parents, err = eng.Parents(ctx, id); err != nil {
		return err
	}
	if v.Children, err = eng.Children(ctx, id); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, v)
	}
	k := v.Concept
	standard := map[string]string{"S": "standard", "C": "classification"}[k.StandardConcept]
	if standard == "" {
		standard = "non-standard"
	}
	fmt.Fprintf(e.stdout, "%d  %s\n", k.ID, k.Name)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  domain\t%s\n  vocabulary\t%s\n  class\t%s\n  standard\t%s\n  code\t%s\n", k.DomainID, k.VocabularyID, k.ClassID, standard, k.Code)
	fmt.Fprintf(tw, "  persons\t%d with this concept, %d with it or a descendant\n", k.PersonCount, k.RollupPersonCount)
	tw.Flush()
	for _, rel := range []struct {
		title string
		cs    []engine.Concept
	}{{"Parents", v.Parents}, {"Children", v.Children}} {
		fmt.Fprintf(e.stdout, "\n%s (%d)\n", rel.title, len(rel.cs))
		if len(rel.cs) > 0 {
			if err := printConcepts(e.stdout, rel.cs); err != nil {
				return err
			}
		}
	}
	return nil
}
