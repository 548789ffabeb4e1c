package cdr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlname"
)

// Options configure the DuckDB engine behind an opened CDR. The zero value
// uses every core and DuckDB's default memory limit.
type Options struct {
	// MemoryLimit caps DuckDB's memory, in DuckDB's notation ("4GB"). Empty
	// means DuckDB's default (80% of RAM).
	MemoryLimit string
	// Threads is the number of worker threads; 0 means every core.
	Threads int
	// TempDir is where DuckDB spills data that does not fit in memory.
	// Empty means DuckDB's default.
	TempDir string
}

func (o Options) dsn() string {
	var q []string
	if o.MemoryLimit != "" {
		q = append(q, "memory_limit="+o.MemoryLimit)
	}
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	q = append(q, fmt.Sprintf("threads=%d", threads))
	return "?" + strings.Join(q, "&")
}

// openDB starts an in-memory DuckDB database with the options applied.
func openDB(o Options) (*sql.DB, error) {
	if o.MemoryLimit != "" && strings.ContainsAny(o.MemoryLimit, "&=?'") {
		return nil, fmt.Errorf("cdr: memory limit %q: want a size such as 4GB", o.MemoryLimit)
	}
	connector, err := duckdb.NewConnector(o.dsn(), func(execer driver.ExecerContext) error {
		// Every query otherwise parses the Parquet footers of the files it
		// reads again: about 10 ms for the row groups of an index table at
		// 1,000,000 persons. The cache checks each file's modification time.
		if _, err := execer.ExecContext(context.Background(), "SET parquet_metadata_cache = true", nil); err != nil {
			return err
		}
		if o.TempDir == "" {
			return nil
		}
		_, err := execer.ExecContext(context.Background(), "SET temp_directory = "+quoteLiteral(o.TempDir), nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cdr: starting DuckDB: %w", cleanError(err))
	}
	return sql.OpenDB(connector), nil
}

// CDR is an opened clinical data repository: a folder of Parquet files, one
// per OMOP table, seen through a read-only DuckDB database in which every
// table of the schema, and every index table when the CDR is indexed, is a
// view of the same name.
type CDR struct {
	dir     string
	db      *sql.DB
	schema  *Schema
	present map[string]string // table -> Parquet source expression; absent tables are not here
	index   *IndexInfo
}

// Open opens the CDR folder dir. A required table that is absent is an
// error naming it; other tables of the schema that are absent are empty
// views. Every table's columns are checked against the schema: a required
// column that is missing or a column whose type cannot stand for the
// specified one is an error naming table and column.
func Open(ctx context.Context, dir string, opt Options) (*CDR, error) {
	c, err := openTables(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	if err := c.openIndex(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// openTables opens the OMOP tables of a CDR folder without its index, as
// Index does: an index built by an older version must not stand in the
// way of building a new one.
func openTables(ctx context.Context, dir string, opt Options) (*CDR, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cdr: open %s: %w", dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("cdr: open %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("cdr: open %s: not a folder", dir)
	}
	files, err := findTables(dir)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, t := range RequiredTables {
		if _, ok := files[t]; !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("cdr: %s: required tables missing: %s (want %s.parquet or a folder %s/ of Parquet files for each)",
			dir, strings.Join(missing, ", "), missing[0], missing[0])
	}
	db, err := openDB(opt)
	if err != nil {
		return nil, err
	}
	c := &CDR{dir: dir, db: db, present: files}
	if err := c.createViews(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

// findTables maps each table name (lower case) to the Parquet source that
// holds it: table.parquet, or table/ holding *.parquet files.
func findTables(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cdr: %w", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() && name != IndexDir:
			parts, _ := filepath.Glob(filepath.Join(dir, name, "*.parquet"))
			if len(parts) > 0 {
				files[strings.ToLower(name)] = filepath.Join(dir, name, "*.parquet")
			}
		case !e.IsDir() && strings.EqualFold(filepath.Ext(name), ".parquet"):
			files[strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))] = filepath.Join(dir, name)
		}
	}
	return files, nil
}

// createViews describes every present table, decides the CDM version,
// checks columns and creates one view per schema table.
func (c *CDR) createViews(ctx context.Context) error {
	found := map[string][]parquetColumn{}
	names := map[string][]string{}
	for table, src := range c.present {
		cols, err := describeParquet(ctx, c.db, src)
		if err != nil {
			return fmt.Errorf("cdr: table %s: %w", table, err)
		}
		found[table] = cols
		for _, col := range cols {
			names[table] = append(names[table], col.name)
		}
	}
	schema, err := SchemaFor(DetectVersion(names))
	if err != nil {
		return err
	}
	c.schema = schema
	var problems []string
	for _, t := range schema.Tables {
		cols, ok := found[t.Name]
		var stmt string
		if ok {
			stmt, problems = viewOver(&t, c.present[t.Name], cols, problems)
		} else {
			stmt = emptyView(&t)
		}
		if _, err := c.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("cdr: table %s: %w", t.Name, cleanError(err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("cdr: %s: %s", c.dir, strings.Join(problems, "; "))
	}
	// Tables outside the schema (AoU extensions, site tables) are still
	// reachable under their own names.
	for table, src := range c.present {
		if _, ok := schema.Table(table); ok {
			continue
		}
		stmt := "CREATE VIEW " + sqlname.Quote(table) + " AS SELECT * FROM read_parquet(" + quoteLiteral(src) + ")"
		if _, err := c.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("cdr: table %s: %w", table, cleanError(err))
		}
	}
	return nil
}

type parquetColumn struct{ name, typ string }

func describeParquet(ctx context.Context, db *sql.DB, src string) ([]parquetColumn, error) {
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM read_parquet("+quoteLiteral(src)+")")
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src, cleanError(err))
	}
	defer rows.Close()
	var cols []parquetColumn
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, fmt.Errorf("reading %s: %w", src, err)
		}
		cols = append(cols, parquetColumn{strings.ToLower(name), typ})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", src, cleanError(err))
	}
	return cols, nil
}

// compatible reports whether a stored DuckDB type can be read as t
// without loss.
func compatible(stored string, t Type) bool {
	s := strings.ToUpper(stored)
	isInt := slices.Contains([]string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "HUGEINT"}, s)
	switch t {
	case Integer:
		return isInt || s == "DECIMAL(38,0)" || s == "DECIMAL(18,0)"
	case Float:
		return isInt || s == "DOUBLE" || s == "FLOAT" || strings.HasPrefix(s, "DECIMAL")
	case Date:
		return s == "DATE" || strings.HasPrefix(s, "TIMESTAMP")
	case Datetime:
		return s == "DATE" || strings.HasPrefix(s, "TIMESTAMP")
	case Text:
		return s == "VARCHAR"
	}
	return false
}

// viewOver selects a present table with the schema's column names and
// types; optional columns that are absent read as NULL, unknown columns
// are passed through after the schema's.
func viewOver(t *Table, src string, cols []parquetColumn, problems []string) (string, []string) {
	stored := map[string]string{}
	for _, c := range cols {
		stored[c.name] = c.typ
	}
	var sel []string
	for _, col := range t.Columns {
		typ, ok := stored[col.Name]
		switch {
		case !ok && col.Required:
			problems = append(problems, fmt.Sprintf("table %s: required column %s is missing", t.Name, col.Name))
			continue
		case !ok:
			sel = append(sel, "CAST(NULL AS "+col.Type.SQL()+") AS "+sqlname.Quote(col.Name))
		case !compatible(typ, col.Type):
			problems = append(problems, fmt.Sprintf("table %s: column %s is %s, want %s", t.Name, col.Name, typ, col.Type.SQL()))
			continue
		default:
			sel = append(sel, "CAST("+sqlname.Quote(col.Name)+" AS "+col.Type.SQL()+") AS "+sqlname.Quote(col.Name))
		}
		delete(stored, col.Name)
	}
	for _, c := range cols {
		if _, extra := stored[c.name]; extra {
			sel = append(sel, sqlname.Quote(c.name))
		}
	}
	return "CREATE VIEW " + sqlname.Quote(t.Name) + " AS SELECT " + strings.Join(sel, ", ") +
		" FROM read_parquet(" + quoteLiteral(src) + ")", problems
}

func emptyView(t *Table) string {
	var sel []string
	for _, col := range t.Columns {
		sel = append(sel, "CAST(NULL AS "+col.Type.SQL()+") AS "+sqlname.Quote(col.Name))
	}
	return "CREATE VIEW " + sqlname.Quote(t.Name) + " AS SELECT " + strings.Join(sel, ", ") + " WHERE false"
}

// openIndex creates views over index/ when the CDR has been indexed.
func (c *CDR) openIndex(ctx context.Context) error {
	data, err := readIndexMeta(filepath.Join(c.dir, IndexDir, indexMetaFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cdr: index: %w", err)
	}
	var info IndexInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return fmt.Errorf("cdr: index: %s: %w", indexMetaFile, err)
	}
	if info.Layout != IndexLayout {
		return fmt.Errorf("%w (layout %d, this version reads %d): run 'workbench cdr index %s' again", ErrIndexStale, info.Layout, IndexLayout, c.dir)
	}
	for _, t := range IndexTables {
		src := filepath.Join(c.dir, IndexDir, t+".parquet")
		source := "read_parquet(" + quoteLiteral(src) + ")"
		var err error
		switch st, statErr := os.Stat(src); {
		case cdrindex.Bucketed(t):
			source, err = bucketsSource(src)
		case statErr == nil && st.IsDir():
			// Spark writes a table as a folder of part files.
			source, err = filesSource(filepath.Join(src, "*.parquet"), "")
		}
		if err != nil {
			return fmt.Errorf("cdr: index table %s: %w (run 'workbench cdr index' again)", t, err)
		}
		stmt := "CREATE VIEW " + sqlname.Quote(t) + " AS SELECT * FROM " + source
		if _, err := c.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("cdr: index table %s: %w (run 'workbench cdr index' again)", t, cleanError(err))
		}
	}
	c.index = &info
	return nil
}

// readIndexMeta reads the index's meta.json at path: a file, as Index
// writes it, or a folder of one part file, as Spark writes it
// (spark.Index). A folder without one, which a Spark build leaves until
// it has written every table, is an index not built: os.ErrNotExist.
func readIndexMeta(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return os.ReadFile(path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, e := range entries {
		// Spark's _SUCCESS and the checksums .part-*.crc are not the text.
		if name := e.Name(); !e.IsDir() && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") {
			parts = append(parts, name)
		}
	}
	switch len(parts) {
	case 0:
		return nil, fmt.Errorf("%s holds no file: %w", path, os.ErrNotExist)
	case 1:
		return os.ReadFile(filepath.Join(path, parts[0]))
	}
	return nil, fmt.Errorf("%s holds %d files, want one", path, len(parts))
}

// DB is the read-only database: one view per OMOP table and index table.
// Use it with QueryContext; the CDR owns it.
func (c *CDR) DB() *sql.DB { return c.db }

// Dir is the CDR folder.
func (c *CDR) Dir() string { return c.dir }

// Schema is the schema of the CDR's CDM version.
func (c *CDR) Schema() *Schema { return c.schema }

// Version is the CDM version detected from the tables' columns.
func (c *CDR) Version() Version { return c.schema.Version }

// Present reports whether the table has data files (rather than being an
// empty stand-in).
func (c *CDR) Present(table string) bool {
	_, ok := c.present[table]
	return ok
}

// Index describes the built index; ok is false when the CDR has not been
// indexed.
func (c *CDR) Index() (info IndexInfo, ok bool) {
	if c.index == nil {
		return IndexInfo{}, false
	}
	return *c.index, true
}

// Close releases the database.
func (c *CDR) Close() error { return c.db.Close() }

// quoteLiteral writes a file path or setting as a SQL string literal; DuckDB
// takes neither as a parameter in DDL. Request values never come here.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// cleanError turns a DuckDB error into its message without the engine's
// internal framing, so users read what went wrong rather than how.
func cleanError(err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return err
	}
	msg := de.Msg
	if i := strings.Index(msg, "Error: "); i >= 0 && i < 40 {
		msg = msg[i+len("Error: "):]
	}
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(msg)
}
