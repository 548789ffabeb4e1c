package cdr

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// LoadOptions configure Load. The zero value works.
type LoadOptions struct {
	Options
	// Version forces the CDM version; empty means detect it from the
	// CSV headers.
	Version  Version
	Progress Progress
}

// LoadReport says what Load wrote.
type LoadReport struct {
	Version Version       `json:"cdm_version"`
	Tables  []LoadedTable `json:"tables"`
}

// LoadedTable is one table written by Load.
type LoadedTable struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
	// Unknown lists the columns that are not in the schema; they are kept
	// as text. For a table outside the schema, every column is unknown.
	Unknown []string `json:"unknown_columns,omitempty"`
	Known   bool     `json:"known"` // the table is part of the schema
}

// LineError is a value in a CSV file that is not of its column's type.
type LineError struct {
	File   string
	Line   int // 1-based, the header being line 1
	Column string
	Value  string
	Want   Type
}

func (e *LineError) Error() string {
	return fmt.Sprintf("cdr: %s line %d, column %s: %q is not a %s", e.File, e.Line, e.Column, e.Value, e.Want)
}

// csvFile is one CSV file found by Load, with its header.
type csvFile struct {
	path, table string
	delim       rune
	header      []string
}

// Load converts the CSV files in csvDir (one per table, named after it,
// header required, comma or tab separated, empty fields NULL) into typed
// Parquet files in outDir, one per table, with the schema's column types.
// Any value that does not fit its column's type is a *LineError naming
// file, line, column and value. outDir must not exist or be empty; it is
// written under a temporary name and renamed when complete, so a failed
// load leaves nothing behind.
func Load(ctx context.Context, csvDir, outDir string, opt LoadOptions) (*LoadReport, error) {
	files, err := findCSV(csvDir)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(outDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("cdr: load: %s exists and is not empty", outDir)
	}
	version := opt.Version
	if version == "" {
		headers := map[string][]string{}
		for _, f := range files {
			headers[f.table] = f.header
		}
		version = DetectVersion(headers)
	}
	schema, err := SchemaFor(version)
	if err != nil {
		return nil, err
	}
	if err := checkHeaders(schema, files); err != nil {
		return nil, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	parent := filepath.Dir(filepath.Clean(outDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cdr: load: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(outDir)+"-")
	if err != nil {
		return nil, fmt.Errorf("cdr: load: %w", err)
	}
	defer os.RemoveAll(tmp)
	// MkdirTemp makes the folder private; the result is an ordinary one.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("cdr: %w", err)
	}
	db, err := openDB(opt.Options)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	report := &LoadReport{Version: version}
	for i, f := range files {
		progress("load "+f.table, i, len(files))
		t, err := loadTable(ctx, db, schema, f, filepath.Join(tmp, f.table+".parquet"))
		if err != nil {
			return nil, err
		}
		report.Tables = append(report.Tables, t)
	}
	progress("load", len(files), len(files))
	os.Remove(outDir) // an empty folder may stand in the way of the rename
	if err := os.Rename(tmp, outDir); err != nil {
		return nil, fmt.Errorf("cdr: load: %w", err)
	}
	return report, nil
}

// csvTable returns the table a file name holds: table.csv, .tsv or .txt,
// each optionally gzip-compressed (.csv.gz).
func csvTable(name string) (string, bool) {
	lower := strings.ToLower(name)
	lower = strings.TrimSuffix(lower, ".gz")
	for _, ext := range []string{".csv", ".tsv", ".txt"} {
		if t, ok := strings.CutSuffix(lower, ext); ok && t != "" {
			return t, true
		}
	}
	return "", false
}

// openText opens a CSV file, decompressing it when its name ends in .gz.
func openText(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil || !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return f, err
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return struct {
		io.Reader
		io.Closer
	}{z, f}, nil
}

// findCSV lists the CSV files of dir with their headers, sorted by table
// name. Two files for one table are an error.
func findCSV(dir string) ([]csvFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cdr: load: %w", err)
	}
	var files []csvFile
	seen := map[string]string{}
	for _, e := range entries {
		table, ok := csvTable(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		if other, dup := seen[table]; dup {
			return nil, fmt.Errorf("cdr: load: %s and %s both hold table %s", other, e.Name(), table)
		}
		seen[table] = e.Name()
		f := csvFile{path: filepath.Join(dir, e.Name()), table: table}
		if err := f.readHeader(); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("cdr: load: %s holds no .csv files", dir)
	}
	slices.SortFunc(files, func(a, b csvFile) int { return strings.Compare(a.table, b.table) })
	return files, nil
}

func (f *csvFile) readHeader() error {
	file, err := openText(f.path)
	if err != nil {
		return fmt.Errorf("cdr: load: %w", err)
	}
	defer file.Close()
	line, err := bufio.NewReader(file).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("cdr: load: %s: %w", f.path, err)
	}
	line = strings.TrimPrefix(strings.TrimRight(line, "\r\n"), "\ufeff")
	if strings.TrimSpace(line) == "" {
		return fmt.Errorf("cdr: load: %s line 1: empty; a header naming the columns is required", filepath.Base(f.path))
	}
	f.delim = ','
	if strings.Count(line, "\t") > strings.Count(line, ",") {
		f.delim = '\t'
	}
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = f.delim
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("cdr: load: %s line 1: %w", filepath.Base(f.path), err)
	}
	if first := strings.TrimSpace(header[0]); first != "" && strings.ContainsRune("0123456789-+.", rune(first[0])) {
		return fmt.Errorf("cdr: load: %s line 1: starts with the value %q; a header naming the columns is required", filepath.Base(f.path), first)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if header[i] == "" {
			return fmt.Errorf("cdr: load: %s line 1: column %d has no name", filepath.Base(f.path), i+1)
		}
		if slices.Contains(header[:i], header[i]) {
			return fmt.Errorf("cdr: load: %s line 1: column %s appears twice", filepath.Base(f.path), header[i])
		}
	}
	f.header = header
	return nil
}

// checkHeaders reports every schema table whose header lacks a required
// column, or looks like data rather than a header.
func checkHeaders(schema *Schema, files []csvFile) error {
	var problems []string
	for _, f := range files {
		t, ok := schema.Table(f.table)
		if !ok {
			continue
		}
		known := 0
		var missing []string
		for _, c := range t.Columns {
			if slices.Contains(f.header, c.Name) {
				known++
			} else if c.Required {
				missing = append(missing, c.Name)
			}
		}
		name := filepath.Base(f.path)
		switch {
		case known == 0:
			problems = append(problems, fmt.Sprintf("%s line 1: no column of table %s; a header naming the columns is required", name, t.Name))
		case len(missing) > 0:
			problems = append(problems, fmt.Sprintf("%s line 1: required column %s of table %s is missing", name, strings.Join(missing, ", "), t.Name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("cdr: load: %s", strings.Join(problems, "; "))
	}
	return nil
}

// castSQL converts the text column v to type t; a value that does not fit
// is an error when strict, NULL otherwise. Dates also accept the compact
// YYYYMMDD form of vocabulary downloads.
func castSQL(v string, t Type, strict bool) string {
	try := "TRY_"
	if strict {
		try = ""
	}
	switch t {
	case Date:
		return "COALESCE(TRY_CAST(" + v + " AS DATE), CAST(" + try + "STRPTIME(" + v + ", '%Y%m%d') AS DATE))"
	case Datetime:
		return "COALESCE(TRY_CAST(" + v + " AS TIMESTAMP), " + try + "STRPTIME(" + v + ", '%Y%m%d'))"
	case Text:
		return v
	}
	return try + "CAST(" + v + " AS " + t.SQL() + ")"
}

func loadTable(ctx context.Context, db *sql.DB, schema *Schema, f csvFile, out string) (LoadedTable, error) {
	name := filepath.Base(f.path)
	src := "read_csv(" + quoteLiteral(f.path) + ", header = true, all_varchar = true, delim = " + quoteLiteral(string(f.delim)) +
		", quote = '\"', escape = '\"', strict_mode = true, null_padding = false)"
	t, known := schema.Table(f.table)
	lt := LoadedTable{Name: f.table, Known: known}
	var sel []string
	var typed []Column
	if known {
		for _, c := range t.Columns {
			if !slices.Contains(f.header, c.Name) {
				sel = append(sel, "CAST(NULL AS "+c.Type.SQL()+") AS "+sqlname.Quote(c.Name))
				continue
			}
			v := sqlname.Quote(c.Name)
			sel = append(sel, castSQL(v, c.Type, true)+" AS "+v)
			if c.Type != Text {
				typed = append(typed, c)
			}
		}
	}
	for _, h := range f.header {
		if known {
			if _, ok := t.Column(h); ok {
				continue
			}
		}
		lt.Unknown = append(lt.Unknown, h)
		sel = append(sel, sqlname.Quote(h))
	}
	// One pass in the common case; only when a cast fails is the file read
	// again to find the value and its line.
	res, err := db.ExecContext(ctx, "COPY (SELECT "+strings.Join(sel, ", ")+" FROM "+src+") TO "+quoteLiteral(out)+" (FORMAT parquet, COMPRESSION zstd)")
	if err != nil {
		if ctx.Err() != nil {
			return lt, fmt.Errorf("cdr: load: %s: %w", name, ctx.Err())
		}
		for _, c := range typed {
			if lerr := firstBadValue(ctx, db, src, f, c); lerr != nil {
				return lt, lerr
			}
		}
		return lt, fmt.Errorf("cdr: load: %s: %w", name, cleanError(err))
	}
	lt.Rows, _ = res.RowsAffected()
	return lt, nil
}

// firstBadValue finds a value of column c that does not fit its type and
// the line it stands on, reading the file itself for the exact line. It
// returns nil when every value of the column fits.
func firstBadValue(ctx context.Context, db *sql.DB, src string, f csvFile, c Column) error {
	v := sqlname.Quote(c.Name)
	var value string
	q := "SELECT " + v + " FROM " + src + " WHERE " + v + " IS NOT NULL AND " + castSQL(v, c.Type, false) + " IS NULL LIMIT 1"
	if err := db.QueryRowContext(ctx, q).Scan(&value); err != nil {
		return nil
	}
	e := &LineError{File: filepath.Base(f.path), Column: c.Name, Value: value, Want: c.Type}
	file, err := openText(f.path)
	if err != nil {
		return e
	}
	defer file.Close()
	r := csv.NewReader(file)
	r.Comma = f.delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	col := slices.Index(f.header, c.Name)
	for {
		rec, err := r.Read()
		if err != nil {
			return e
		}
		if col < len(rec) && rec[col] == value {
			e.Line, _ = r.FieldPos(col)
			return e
		}
	}
}
