package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openworkbench/workbench/cdr"
)

func cdrCommands() []command {
	return []command{
		{"load", "convert a folder of OMOP CSV files into a typed Parquet CDR", runLoad},
		{"validate", "check a CDR's data quality; exit status 1 when a check fails", runValidate},
		{"index", "build the search index of a CDR", runIndex},
		{"dictionary", "print the data dictionary of the OMOP CDM", runDictionary},
	}
}

func runCDR(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "cdr", "Work with a CDR folder: one Parquet file per OMOP table, plus index/.", cdrCommands(), args)
}

// engineFlags adds the DuckDB options every data command takes.
func engineFlags(fsOpt *cdr.Options, fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
}) {
	fs.StringVar(&fsOpt.MemoryLimit, "memory-limit", "", "DuckDB memory limit such as 4GB (default: DuckDB's, 80% of RAM)")
	fs.IntVar(&fsOpt.Threads, "threads", 0, "DuckDB worker threads (default: every core)")
}

func runLoad(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "cdr load", "cdr load --csv DIR --out DIR [flags]\n\nReads one CSV file per table (table.csv, .tsv or .txt, optionally .gz; header required;\ncomma or tab; empty fields are NULL) and writes typed Parquet per the OMOP CDM.")
	var opt cdr.LoadOptions
	csvDir := fs.String("csv", "", "folder of CSV files (required)")
	out := fs.String("out", "", "CDR folder to write; must not exist or be empty (required)")
	version := fs.String("cdm", "", "CDM version 5.3 or 5.4 (default: detected from the headers)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	engineFlags(&opt.Options, fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *csvDir == "" || *out == "" {
		return usagef("cdr load: --csv and --out are required")
	}
	opt.Version = cdr.Version(*version)
	bar := newProgress(e.stderr)
	opt.Progress = bar.update
	start := time.Now()
	report, err := cdr.Load(ctx, *csvDir, *out, opt)
	bar.done()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, report)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tNOTE")
	for _, t := range report.Tables {
		note := ""
		switch {
		case !t.Known:
			note = "not in the OMOP CDM " + string(report.Version) + " schema; kept with text columns"
		case len(t.Unknown) > 0:
			note = "unknown columns kept as text: " + strings.Join(t.Unknown, ", ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", t.Name, t.Rows, note)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "CDM %s: %d tables written to %s in %.1fs\n", report.Version, len(report.Tables), *out, time.Since(start).Seconds())
	return nil
}

func runValidate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "cdr validate", "cdr validate DIR [--json]\n\nRuns data quality checks; exit status 1 when any check fails.")
	var opt cdr.Options
	asJSON := fs.Bool("json", false, "print the report as JSON")
	engineFlags(&opt, fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	c, err := cdr.Open(ctx, pos[0], opt)
	if err != nil {
		return err
	}
	defer c.Close()
	report, err := cdr.Validate(ctx, c)
	if err != nil {
		return err
	}
	if *asJSON {
		err = writeJSON(e.stdout, report)
	} else {
		err = report.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	if !report.Passed() {
		return errFailed
	}
	return nil
}

func runIndex(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "cdr index", "cdr index DIR [flags]\ncdr index --engine spark --spark sc://HOST:PORT DIR|URI [--json]\n\n"+
		"Builds DIR/index: search_person, search_events, person_events, concept_closure, concept_person,\n"+
		"person_concept, concept_counts and meta.json. With --engine spark a Spark Connect server builds\n"+
		"the same index, for a CDR past one machine, at a folder or URI that the Spark cluster reads\n"+
		"(file://, s3a://, abfss://, hdfs://).")
	var opt cdr.IndexOptions
	asJSON := fs.Bool("json", false, "print the index summary as JSON")
	eng := fs.String("engine", "duckdb", "what builds the index: duckdb, in this process, or spark, a Spark Connect server (--spark)")
	remote := fs.String("spark", "", "the Spark Connect server of --engine spark (sc://HOST:15002)")
	engineFlags(&opt.Options, fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	switch {
	case *eng != "duckdb" && *eng != "spark":
		return usagef("cdr index: --engine %q: want duckdb or spark", *eng)
	case *eng == "spark" && *remote == "":
		return usagef("cdr index: --engine spark needs --spark sc://HOST:PORT, the Spark Connect server")
	case *eng != "spark" && *remote != "":
		return usagef("cdr index: --spark is the server of --engine spark")
	case *eng == "spark" && (opt.MemoryLimit != "" || opt.Threads != 0):
		return usagef("cdr index: --memory-limit and --threads are DuckDB's; the Spark cluster has its own")
	}
	bar := newProgress(e.stderr)
	opt.Progress = bar.update
	start := time.Now()
	var info cdr.IndexInfo
	if *eng == "spark" {
		info, err = sparkIndex(ctx, *remote, pos[0], bar.update)
	} else {
		info, err = cdr.Index(ctx, pos[0], opt)
	}
	bar.done()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, info)
	}
	printIndex(e.stdout, pos[0], info, time.Since(start))
	return nil
}

func printIndex(w io.Writer, dir string, info cdr.IndexInfo, took time.Duration) {
	fmt.Fprintf(w, "indexed %s in %.1fs\n", dir, took.Seconds())
	fmt.Fprintf(w, "  CDM version     %s\n  version id      %s\n  reference date  %s\n  persons         %d\n  indexed events  %d\n",
		info.CDMVersion, info.VersionID, info.ReferenceDate, info.Persons, info.Events)
}

func runDictionary(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "cdr dictionary", "cdr dictionary [--table T] [--cdm 5.3|5.4] [--json]\n\nPrints every table and column of the OMOP CDM with its type, required flag and meaning.")
	table := fs.String("table", "", "print only this table")
	version := fs.String("cdm", string(cdr.V53), "CDM version 5.3 or 5.4")
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	schema, err := cdr.SchemaFor(cdr.Version(*version))
	if err != nil {
		return usagef("cdr dictionary: --cdm %q: want 5.3 or 5.4", *version)
	}
	tables := schema.Tables
	if *table != "" {
		t, ok := schema.Table(strings.ToLower(*table))
		if !ok {
			return fmt.Errorf("cdr dictionary: no table %q in the OMOP CDM %s", *table, schema.Version)
		}
		tables = []cdr.Table{*t}
	}
	if *asJSON {
		return writeJSON(e.stdout, tables)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s\t%s\n", strings.ToUpper(t.Name), t.Description)
		for _, c := range t.Columns {
			req := ""
			if c.Required {
				req = "required"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, c.Type, req, c.Description)
		}
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
