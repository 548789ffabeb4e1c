// Command library shows the workbench used as a Go library: it opens an
// indexed CDR folder, builds a cohort definition in Go (persons with a
// condition or any of its descendants, optionally at a minimum age at the
// event), and prints its count and demographic breakdown.
//
//	go run ./examples/library --cdr DIR --condition 4134304 [--min-age 18]
//
// The CDR folder must be indexed first ('workbench cdr index DIR').
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "library:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("library", flag.ContinueOnError)
	dir := fs.String("cdr", "", "folder of an indexed CDR (required)")
	condition := fs.Int64("condition", 0, "concept id of a standard condition (required)")
	minAge := fs.Int("min-age", -1, "count only events at this age or older; -1: at any age")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *condition == 0 {
		return errors.New("--cdr and --condition are required")
	}

	c, err := cdr.Open(ctx, *dir, cdr.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	info, ok := c.Index()
	if !ok {
		return fmt.Errorf("%s is not indexed", *dir)
	}
	engine, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	if err != nil {
		return err
	}
	concept, err := engine.Concept(ctx, *condition)
	if err != nil {
		return err
	}

	item := cohort.Item{
		Type: cohort.DomainCondition,
		Parameters: []cohort.Parameter{{
			Name:      concept.Name,
			ConceptID: concept.ID,
			Group:     true, // the concept and every descendant
			Standard:  true,
		}},
	}
	if *minAge >= 0 {
		item.Modifiers = append(item.Modifiers, cohort.Modifier{
			Name:     cohort.AgeAtEvent,
			Operator: cohort.GreaterThanOrEqual,
			Operands: []cohort.Operand{cohort.Whole(*minAge)},
		})
	}
	def := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{item}}}}
	if err := def.Validate(); err != nil {
		return err
	}

	n, err := engine.Count(ctx, def)
	if err != nil {
		return err
	}
	demo, err := engine.Demographics(ctx, def)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "CDR %s: %d persons\n", info.VersionID, info.Persons)
	fmt.Fprintf(w, "cohort: %s (%d) or a descendant", concept.Name, concept.ID)
	if *minAge >= 0 {
		fmt.Fprintf(w, ", at age %d or older", *minAge)
	}
	fmt.Fprintf(w, "\ncount: %d\n\n", n)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sex at birth\tpersons\t0-17\t18-44\t45-64\t65+\t")
	for _, d := range demo.SexAtBirth {
		a := d.Ages
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", d.Name, d.Count, a.Age0To17, a.Age18To44, a.Age45To64, a.Age65Up)
	}
	a := demo.Ages
	fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\t\n", demo.Count, a.Age0To17, a.Age18To44, a.Age45To64, a.Age65Up)
	return tw.Flush()
}
