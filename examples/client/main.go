// Command client shows the workbench used over HTTP from Go, with the
// notebook package's client, as a notebook user would: it reads the server,
// token and workspace from the environment, counts a cohort built in Go,
// saves it in the workspace, breaks the saved cohort down by sex at birth,
// and reads the public totals. It needs no C compiler.
//
//	WORKBENCH_URL=http://127.0.0.1:8080 WORKBENCH_TOKEN=... WORKBENCH_WORKSPACE=... \
//	    go run ./examples/client --condition 4134304 [--name NAME]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/notebook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		// The client's errors match the library's error values.
		switch {
		case errors.Is(err, access.ErrUnauthenticated):
			fmt.Fprintln(os.Stderr, "client: the server does not know WORKBENCH_TOKEN, or it expired")
		case errors.Is(err, access.ErrForbidden):
			fmt.Fprintln(os.Stderr, "client: the token's user may not do this: are their access steps done?")
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	condition := fs.Int64("condition", 0, "concept id of a standard condition (required)")
	name := fs.String("name", "Example cohort", "the name to save the cohort under; a cohort of that name is reused")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *condition == 0 {
		return errors.New("--condition is required")
	}
	c, err := notebook.FromEnv()
	if err != nil {
		return err
	}
	if c.Workspace == "" {
		return errors.New("WORKBENCH_WORKSPACE is not set")
	}
	ws, err := c.GetWorkspace(ctx, c.Workspace)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "workspace: %s (%s)\n", ws.Name, ws.ID)

	def := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
		Type: cohort.DomainCondition,
		Parameters: []cohort.Parameter{{
			ConceptID: *condition,
			Group:     true, // the concept and every descendant
			Standard:  true,
		}},
	}}}}}
	n, err := c.Count(ctx, ws.ID, def)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "count: %d\n", n)

	saved, err := c.SaveCohort(ctx, workbench.Cohort{WorkspaceID: ws.ID, Name: *name, Description: fmt.Sprintf("Condition %d or a descendant", *condition)}, def)
	if errors.Is(err, workbench.ErrConflict) {
		saved, err = cohortNamed(ctx, c, ws.ID, *name)
	}
	if err != nil {
		return err
	}
	d, err := c.Demographics(ctx, ws.ID, saved.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "saved as %q (%s): %d persons\n", saved.Name, saved.ID, d.Count)
	for _, s := range d.SexAtBirth {
		fmt.Fprintf(w, "  %s: %d\n", s.Name, s.Count)
	}

	total, err := c.PublicTotals(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "public participants: %s\n", total.Participants)
	return nil
}

// cohortNamed is the saved cohort of the workspace with the name.
func cohortNamed(ctx context.Context, c *notebook.Client, ws, name string) (workbench.Cohort, error) {
	all, err := c.Cohorts(ctx, ws)
	if err != nil {
		return workbench.Cohort{}, err
	}
	i := slices.IndexFunc(all, func(x workbench.Cohort) bool { return x.Name == name })
	if i < 0 {
		return workbench.Cohort{}, fmt.Errorf("workspace %s has no cohort %q", ws, name)
	}
	return all[i], nil
}
