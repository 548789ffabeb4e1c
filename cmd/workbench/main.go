// Command workbench is the command-line tool of the research workbench:
// it generates synthetic CDRs; loads, validates and indexes OMOP extracts;
// prints the data dictionary; searches concepts; counts and breaks down
// cohorts; administers the users of a data directory and reads its audit
// log; and runs the demo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// env is what every command gets: what to read (a FILE of -), where to
// write and how to report.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
}

// command is one subcommand: its name, a one-line summary and how it runs.
type command struct {
	name, summary string
	run           func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "serve a working workbench over a 10,000-person synthetic CDR, with demo users", runDemo},
		{"synth", "generate a synthetic CDR", runSynth},
		{"cdr", "load, validate, index a CDR; print the data dictionary", runCDR},
		{"concepts", "search the vocabulary of an indexed CDR; show a concept's parents and children", runConcepts},
		{"public", "build the public release of a CDR: aggregates only, under disclosure control", runPublic},
		{"cohort", "count a cohort, break it down, list its persons, print its SQL", runCohort},
		{"circe", "run an OHDSI Circe cohort definition: count, rows, attrition, SQL", runCirce},
		{"user", "add, approve, disable users; record access steps; make tokens", runUser},
		{"audit", "print the audit log", runAudit},
		{"help-requests", "list and close the requests of the public pages' help form", runHelpRequests},
		{"serve", "serve the HTTP API over an indexed CDR and a data directory", runServe},
		{"notebook", "start Jupyter on a workspace's notebooks, with the environment of the notebook client", runNotebook},
		{"version", "print the version of this build and of the files it reads", runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{stdout: stdout, stderr: stderr, stdin: os.Stdin}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, "workbench", "", commands())
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(stderr, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(stderr, "workbench: unknown command %q\n\n", args[0])
	usage(stderr, "workbench", "", commands())
	return exitUsage
}

// dispatch runs the subcommand of a command name (workbench NAME SUB ...)
// that args name, or prints the usage of name's subcommands, cmds.
func dispatch(ctx context.Context, e env, name, about string, cmds []command, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr, "workbench "+name, about, cmds)
		if len(args) == 0 {
			return usagef("%s: a command is required", name)
		}
		return nil
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usagef("%s: unknown command %q (see 'workbench %s -h')", name, args[0], name)
}

func usage(w io.Writer, prog, about string, cmds []command) {
	if about != "" {
		fmt.Fprintln(w, about)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Usage: %s <command> [flags] [args]\n\nCommands:\n", prog)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> -h' for a command's flags.\n", prog)
}

// usageError is a mistake in how a command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errFailed reports a command that ran but whose outcome is a failure it
// has already printed (a failed validation): exit status 1.
var errFailed = errors.New("failed")

func exitCode(stderr io.Writer, err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "workbench: %s\n", ue.msg)
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailed
	}
	// The domain's errors name their package, which is the program's name.
	fmt.Fprintf(stderr, "workbench: %s\n", strings.TrimPrefix(err.Error(), "workbench: "))
	return exitFailed
}

// parse parses flags that may come before, after or between positional
// arguments ("cdr validate DIR --json"), and checks the positional count.
func parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%s: %v (see '-h')", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < minArgs || (maxArgs >= 0 && len(pos) > maxArgs) {
		return nil, usagef("%s: want %s, got %d argument(s) (see '-h')", fs.Name(), argCount(minArgs, maxArgs), len(pos))
	}
	return pos, nil
}

func argCount(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("%d argument(s)", lo)
	case hi < 0:
		return fmt.Sprintf("at least %d argument(s)", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

// newFlags makes a flag set whose -h prints the synopsis, the flags and
// their defaults to stderr.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: workbench %s\n", synopsis)
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if b.Len() > 0 {
			fmt.Fprintf(e.stderr, "\nFlags:\n%s", b.String())
		}
	}
	return fs
}
