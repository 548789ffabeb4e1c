package spark

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	sparksql "github.com/apache/spark-connect-go/spark/sql"
	"github.com/apache/spark-connect-go/spark/sql/types"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/omop"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// IndexOptions configure BuildIndex. The zero value works.
type IndexOptions struct {
	// Progress is told how far the build has come: stage names the step,
	// done of total steps are finished (cdr.Progress's signature).
	Progress func(stage string, done, total int)
	// Logger receives one debug line per statement, with its time; nil
	// means discard.
	Logger *slog.Logger
}

// BuildIndex builds the index of the CDR at cdr (a folder or a URI of
// Schemes, resolved by the Spark cluster) with the Spark Connect server at
// remote, for a CDR too big for `workbench cdr index` on one machine: the
// tables of internal/cdrindex with their columns and types, under
// cdr/index, and meta.json, as cdr.Index writes them, read by package cdr
// (DuckDB) and by Open alike. It returns what meta.json says.
//
// What differs from cdr.Index, where Spark cannot do as DuckDB does:
//
//   - Spark writes a table as a folder of part files:
//     index/search_person.parquet/part-*.parquet, each part sorted and
//     the parts in order. The buckets of the bucketed tables
//     (cdrindex.Bucketed: search_events, concept_person, person_events)
//     are folders bucket=K/part-*.parquet, one file each, sorted as
//     DuckDB's files, in the folders that cdr.Index writes. meta.json is
//     a folder of one text file. Readers take a file or a folder alike.
//   - concept_person's rolled dates are counted with count(DISTINCT) in
//     one statement, where cdr.Index rolls up parts of the persons and
//     counts most persons' dates as bits (the same rows).
//   - search_person.age_bin is TINYINT: Spark has no unsigned types.
//   - Row groups are sized in bytes (parquet.block.size), not rows.
//   - The build is not atomic: Spark can write and overwrite but not
//     rename. It first empties meta.json, so that while it runs, and
//     after it fails, the CDR reads as not indexed rather than as an old
//     index over new tables; meta.json is written last.
//   - The version id (meta.json's version_id) is what Spark can see of
//     the CDR without reading it: the relative path, size and modification
//     time of every Parquet file outside index/, and the reference date,
//     hashed (see versionID). Rewriting a file, even with the same bytes,
//     gives another id; copying the CDR keeps the id that meta.json holds
//     until the index is built again. cdr.Index hashes sizes and Parquet
//     footers instead, so the two builds of one CDR have different ids.
func BuildIndex(ctx context.Context, remote, cdr string, opt IndexOptions) (Index, error) {
	if !strings.HasPrefix(remote, "sc://") || len(remote) == len("sc://") {
		return Index{}, fmt.Errorf("spark: remote %q: want sc://HOST:PORT", remote)
	}
	loc, err := Location(cdr)
	if err != nil {
		return Index{}, err
	}
	in, err := newInterrupter(ctx, remote)
	if err != nil {
		return Index{}, fmt.Errorf("spark: remote %q: %w", remote, err)
	}
	defer in.conn.Close()
	s, err := sparksql.NewSessionBuilder().Remote(remote).Build(ctx)
	if err != nil {
		return Index{}, fmt.Errorf("spark: remote %q: %w", remote, err)
	}
	id, err := sessionID(s)
	if err != nil {
		return Index{}, err
	}
	b := &builder{remote: remote, cdr: loc, in: in, s: s, id: id, log: opt.Logger, progress: opt.Progress}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.progress == nil {
		b.progress = func(string, int, int) {}
	}
	defer b.cleanup()
	info, err := b.build(ctx)
	if err != nil && ctx.Err() != nil {
		// Stop the jobs of the statement that ctx cut short.
		stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := in.interruptAll(stop, id); err != nil {
			b.log.Warn("spark: interrupting a cancelled index build", "err", err)
		}
		return Index{}, fmt.Errorf("spark: index: %w", ctx.Err())
	}
	return info, err
}

// builder builds one CDR's index in one Spark session, whose temporary
// views are the CDR's tables and the index's tables as they are written.
type builder struct {
	remote, cdr string
	in          *interrupter
	s           sparksql.SparkSession
	id          string
	log         *slog.Logger
	progress    func(stage string, done, total int)
	cached      []string // views cached by CACHE TABLE, uncached by cleanup
}

// The steps of a build, for Progress.
var indexSteps = []string{
	"tables", cdrindex.PersonEvents, cdrindex.SearchEvents, cdrindex.SearchPerson,
	cdrindex.ConceptClosure, cdrindex.ConceptPerson, cdrindex.PersonConcept, cdrindex.ConceptCounts, cdrindex.ReadingPairs,
	cdrindex.ConceptBits, cdrindex.MetaFile,
}

func (b *builder) step(i int) { b.progress("index "+indexSteps[i], i, len(indexSteps)) }

func (b *builder) build(ctx context.Context) (Index, error) {
	b.step(0)
	// A first statement that needs no data tells an unreachable server
	// from a CDR that Spark cannot read. Dates and ages are computed in
	// UTC, as the CDR's dates are written.
	if err := b.exec(ctx, "connect", new(sqlb.Builder).SQL("SET spark.sql.session.timeZone = UTC")); err != nil {
		return Index{}, err
	}
	files, err := b.listFiles(ctx)
	if err != nil {
		return Index{}, err
	}
	version, columns, err := b.openTables(ctx, files)
	if err != nil {
		return Index{}, err
	}
	ref, err := b.referenceDate(ctx)
	if err != nil {
		return Index{}, err
	}
	// Readers see no index from here until meta.json is written again.
	if err := b.writeMeta(ctx, nil); err != nil {
		return Index{}, err
	}

	b.step(1)
	if err := b.write(ctx, cdrindex.PersonEvents, personEventsIndexSQL(), personEventsOrder, writeOptions{partitionBy: "bucket", blockSize: personEventsBlock}); err != nil {
		return Index{}, err
	}
	b.step(2)
	if err := b.write(ctx, cdrindex.SearchEvents, searchEventsSQL(), searchEventsOrder, writeOptions{partitionBy: "bucket"}); err != nil {
		return Index{}, err
	}
	b.step(3)
	sex := "p.gender_concept_id"
	if slices.Contains(columns["person"], "sex_at_birth_concept_id") {
		sex = "p.sex_at_birth_concept_id"
	}
	if err := b.write(ctx, cdrindex.SearchPerson, searchPersonSQL(sex, ref), searchPersonOrder, writeOptions{blockSize: searchPersonBlock}); err != nil {
		return Index{}, err
	}
	b.step(4)
	if err := b.sourceClosure(ctx); err != nil {
		return Index{}, err
	}
	if err := b.write(ctx, cdrindex.ConceptClosure, conceptClosureSQL(), conceptClosureOrder, writeOptions{}); err != nil {
		return Index{}, err
	}
	b.step(5)
	if err := b.cache(ctx, "concept_dates", conceptDatesSQL()); err != nil {
		return Index{}, err
	}
	if err := b.write(ctx, cdrindex.ConceptPerson, conceptPersonSQL(), conceptPersonOrder, writeOptions{partitionBy: "bucket"}); err != nil {
		return Index{}, err
	}
	b.step(6)
	if err := b.write(ctx, cdrindex.PersonConcept, personConceptSQL(), personConceptOrder, writeOptions{}); err != nil {
		return Index{}, err
	}
	b.step(7)
	if err := b.write(ctx, cdrindex.ConceptCounts, conceptCountsSQL(), conceptCountsOrder, writeOptions{}); err != nil {
		return Index{}, err
	}
	b.step(8)
	if err := b.write(ctx, cdrindex.ReadingPairs, cdrindex.ReadingPairsSQL(new(sqlb.Builder)), readingPairsOrder, writeOptions{}); err != nil {
		return Index{}, err
	}
	b.step(9)
	if err := b.write(ctx, cdrindex.ConceptBits, conceptBitsSQL(), conceptBitsOrder, writeOptions{blockSize: conceptBitsBlock}); err != nil {
		return Index{}, err
	}
	b.step(10)
	info := Index{Layout: cdrindex.Layout, ReferenceDate: ref.Format(time.DateOnly), CDMVersion: string(version),
		BuiltAt: time.Now().UTC().Format(time.RFC3339)}
	rows, err := b.query(ctx, "counts", new(sqlb.Builder).SQL("SELECT (SELECT count(*) FROM ").Ident(cdrindex.SearchPerson).
		SQL("), (SELECT count(*) FROM ").Ident(cdrindex.SearchEvents).SQL(")"))
	if err != nil {
		return Index{}, err
	}
	if len(rows) != 1 {
		return Index{}, errors.New("spark: index: counting persons and events: no row")
	}
	var okP, okE bool
	info.Persons, okP = integer(rows[0].At(0))
	info.Events, okE = integer(rows[0].At(1))
	if !okP || !okE {
		return Index{}, fmt.Errorf("spark: index: counting persons and events: unexpected row %v", rows[0].Values())
	}
	info.VersionID = versionID(files, info.ReferenceDate)
	meta, _ := json.MarshalIndent(info, "", "  ")
	if err := b.writeMeta(ctx, append(meta, '\n')); err != nil {
		return Index{}, err
	}
	b.progress("index", len(indexSteps), len(indexSteps))
	return info, nil
}

// cleanup frees what the build cached on the cluster, whatever became of
// the build: the session's cached tables would otherwise live until the
// server ends the idle session.
func (b *builder) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, name := range b.cached {
		for _, stmt := range []string{"UNCACHE TABLE IF EXISTS ", "DROP VIEW IF EXISTS "} {
			if err := b.exec(ctx, "cleanup", new(sqlb.Builder).SQL(stmt).Ident(name)); err != nil {
				b.log.Warn("spark: index: freeing a cached table", "table", name, "err", err)
			}
		}
	}
}

// exec runs a statement (a command, which Spark Connect runs as it
// receives it).
func (b *builder) exec(ctx context.Context, op string, q *sqlb.Builder) error {
	_, err := b.query(ctx, op, q)
	return err
}

// query runs q and returns its rows.
func (b *builder) query(ctx context.Context, op string, q *sqlb.Builder) ([]types.Row, error) {
	text, err := q.Spark()
	if err != nil {
		return nil, fmt.Errorf("spark: index: %s: %w", op, err)
	}
	start := time.Now()
	rows, err := func() ([]types.Row, error) {
		df, err := b.s.Sql(ctx, text)
		if err != nil {
			return nil, err
		}
		return df.Collect(ctx)
	}()
	b.log.DebugContext(ctx, "spark index statement", "op", op, "duration", time.Since(start))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, failed(b.remote, "index: "+op, err)
	}
	return rows, nil
}

// cache runs q into the cached temporary view name: Spark keeps its rows
// (in memory, spilling to disk) for the statements that read them, rather
// than computing them again for each.
func (b *builder) cache(ctx context.Context, name string, q *sqlb.Builder) error {
	b.cached = append(b.cached, name)
	return b.exec(ctx, "caching "+name, new(sqlb.Builder).SQL("CACHE TABLE ").Ident(name).SQL(" AS\n").Add(q))
}

// view registers the Parquet at path (a file, a folder, or a glob) as the
// temporary view name, and returns its schema.
func (b *builder) view(ctx context.Context, name, path string) (*types.StructType, error) {
	df, err := b.s.Read().Format("parquet").Load(path)
	if err == nil {
		err = df.CreateTempView(ctx, name, true, false)
	}
	var schema *types.StructType
	if err == nil {
		schema, err = df.Schema(ctx)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, failed(b.remote, "index: reading "+path, err)
	}
	return schema, nil
}

// path is the location of the index table or file name.
func (b *builder) path(name string) string {
	return b.cdr + "/" + cdrindex.Dir + "/" + name
}

// writeOptions are how one index table is written.
type writeOptions struct {
	partitionBy string // a column whose values become hive folders
	blockSize   int    // Parquet row group size in bytes; 0: Spark's
	// version2 writes Parquet format version 2 (integers encoded by their
	// differences), as cdr.Index does for the tables of
	// cdrindex.FormatVersion2.
	version2 bool
	// compression is the Parquet codec; empty means zstd.
	compression string
}

// Row group sizes in bytes, for cdr.Index's sizes in rows (16,384 rows of
// person_events and of search_person, 2,048 of concept_bits): Spark's
// Parquet writer sizes a row group by its bytes before compression, about
// 60 a row of person_events and 120 of search_person. A row of
// concept_bits holds 512 bytes of bits and its keys, so 1 MB is meant
// for about 2,000 rows; Spark's row groups of it were not counted.
const (
	personEventsBlock = 1 << 20
	searchPersonBlock = 2 << 20
	conceptBitsBlock  = 1 << 20
)

// write writes the rows of q, with the columns and types of the index
// table name (shape) in the order order, as that table, in Parquet
// compressed as cdrindex.Compression says, replacing what was there, and registers it as the
// temporary view name for the steps that read it. The write is Spark
// Connect's WriteOperation, sent as execute sends a query, with the
// client's generated messages found by name: the client's DataFrameWriter
// takes no partition columns nor options, and a path in SQL text
// (INSERT OVERWRITE DIRECTORY) would be a value written into it.
func (b *builder) write(ctx context.Context, name string, q *sqlb.Builder, order string, opt writeOptions) error {
	text, err := shape(name, q, "").SQL("\n", order).Spark()
	if err != nil {
		return fmt.Errorf("spark: index: %s: %w", name, err)
	}
	path := b.path(name + ".parquet")
	opt.version2 = cdrindex.FormatVersion2(name)
	opt.compression = cdrindex.Compression(name)
	start := time.Now()
	err = b.writeParquet(ctx, text, path, opt)
	b.log.DebugContext(ctx, "spark index statement", "op", "write "+name, "duration", time.Since(start))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return failed(b.remote, "index: writing "+name, err)
	}
	if opt.partitionBy != "" {
		if err := b.ensurePartition(ctx, name, q, path, opt.partitionBy); err != nil {
			return err
		}
	}
	_, err = b.view(ctx, name, path)
	return err
}

// ensurePartition writes an empty file of the table's columns as the
// partition column=0 of a partitioned table that no row went to, as
// cdr.Index does, so that readers find the table's columns: Spark writes
// no file at all for no rows. Spark's listing of the folder tells.
func (b *builder) ensurePartition(ctx context.Context, name string, q *sqlb.Builder, path, column string) error {
	df, err := b.s.Read().Format("binaryFile").Option("recursiveFileLookup", "true").Option("pathGlobFilter", "*.parquet").Load(path)
	if err == nil {
		err = df.CreateTempView(ctx, "_written", true, false)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return failed(b.remote, "index: listing "+name, err)
	}
	rows, err := b.query(ctx, "listing "+name, new(sqlb.Builder).SQL("SELECT count(*) FROM _written"))
	if err != nil {
		return err
	}
	if n, err := one(rows); err != nil || n > 0 {
		return err
	}
	text, err := shape(name, q, column).SQL(" WHERE false").Spark()
	if err != nil {
		return fmt.Errorf("spark: index: %s: %w", name, err)
	}
	if err := b.writeParquet(ctx, text, path+"/"+column+"=0", writeOptions{}); err != nil {
		return failed(b.remote, "index: writing "+name, err)
	}
	return nil
}

// writeParquet sends the WriteOperation that writes the rows of the SQL
// query text to path as Parquet, and waits for its end.
func (b *builder) writeParquet(ctx context.Context, text, path string, opt writeOptions) error {
	req, plan, err := b.in.planRequest(b.id)
	if err != nil {
		return err
	}
	command := plan.Mutable(plan.Descriptor().Fields().ByName("command")).Message()
	w := command.Mutable(command.Descriptor().Fields().ByName("write_operation")).Message()
	f := w.Descriptor().Fields()
	input := w.Mutable(f.ByName("input")).Message()
	sql := input.Mutable(input.Descriptor().Fields().ByName("sql")).Message()
	sql.Set(sql.Descriptor().Fields().ByName("query"), protoreflect.ValueOfString(text))
	w.Set(f.ByName("source"), protoreflect.ValueOfString("parquet"))
	w.Set(f.ByName("path"), protoreflect.ValueOfString(path))
	overwrite := f.ByName("mode").Enum().Values().ByName("SAVE_MODE_OVERWRITE")
	if overwrite == nil {
		return errors.New("spark: the client's protocol has no SAVE_MODE_OVERWRITE")
	}
	w.Set(f.ByName("mode"), protoreflect.ValueOfEnum(overwrite.Number()))
	if opt.partitionBy != "" {
		w.Mutable(f.ByName("partitioning_columns")).List().Append(protoreflect.ValueOfString(opt.partitionBy))
	}
	options := w.Mutable(f.ByName("options")).Map()
	codec := opt.compression
	if codec == "" {
		codec = "zstd"
	}
	options.Set(protoreflect.ValueOfString("compression").MapKey(), protoreflect.ValueOfString(codec))
	if opt.version2 {
		options.Set(protoreflect.ValueOfString("parquet.writer.version").MapKey(), protoreflect.ValueOfString("v2"))
	}
	if opt.blockSize > 0 {
		options.Set(protoreflect.ValueOfString("parquet.block.size").MapKey(), protoreflect.ValueOfString(strconv.Itoa(opt.blockSize)))
	}
	st, err := b.in.start(ctx, req)
	if err != nil {
		return err
	}
	defer st.close()
	for {
		rec, err := st.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rec.Release()
	}
}

// writeMeta writes text as index/meta.json, a folder of one text file;
// nil writes none, which readers take for an index not built.
func (b *builder) writeMeta(ctx context.Context, text []byte) error {
	var df sparksql.DataFrame
	var err error
	if text == nil {
		// The client sends no schema with no rows: a query gives it.
		df, err = b.s.Sql(ctx, "SELECT CAST(NULL AS STRING) AS value WHERE false")
	} else {
		df, err = b.s.CreateDataFrame(ctx, [][]any{{string(text)}}, types.StructOf(types.NewStructField("value", types.STRING)))
	}
	if err == nil {
		err = df.Write().Format("text").Mode("overwrite").Save(ctx, b.path(cdrindex.MetaFile))
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return failed(b.remote, "index: writing "+cdrindex.MetaFile, err)
	}
	return nil
}

// file is one Parquet file of the CDR, as Spark lists it.
type file struct {
	rel      string // path below the CDR folder, with slashes
	size     int64
	modified int64 // milliseconds since 1970
}

// listFiles lists the Parquet files of the CDR, outside index/, with
// Spark's binaryFile source: its listing reads no content unless the
// content column is selected.
func (b *builder) listFiles(ctx context.Context) ([]file, error) {
	df, err := b.s.Read().Format("binaryFile").Option("recursiveFileLookup", "true").Option("pathGlobFilter", "*.parquet").Load(b.cdr)
	if err == nil {
		err = df.CreateTempView(ctx, "_cdr_files", true, false)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("spark: index: listing the CDR %s: %w", b.cdr, brief(err))
	}
	rows, err := b.query(ctx, "listing the CDR", new(sqlb.Builder).SQL("SELECT path, length, unix_millis(modificationTime) FROM _cdr_files"))
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(b.cdr)
	if err != nil {
		return nil, fmt.Errorf("spark: index: CDR %s: %w", b.cdr, err)
	}
	prefix := strings.TrimRight(base.Path, "/") + "/"
	var files []file
	for _, r := range rows {
		p, okP := r.At(0).(string)
		size, okS := integer(r.At(1))
		modified, okM := integer(r.At(2))
		if !okP || !okS || !okM {
			return nil, fmt.Errorf("spark: index: listing the CDR: unexpected row %v", r.Values())
		}
		u, err := url.Parse(p)
		if err != nil {
			return nil, fmt.Errorf("spark: index: listing the CDR: %w", err)
		}
		rel, ok := strings.CutPrefix(u.Path, prefix)
		if !ok || rel == cdrindex.Dir || strings.HasPrefix(rel, cdrindex.Dir+"/") {
			continue
		}
		files = append(files, file{rel: rel, size: size, modified: modified})
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.rel, b.rel) })
	return files, nil
}

// versionID hashes, for every Parquet file of the CDR outside index/ in
// order of path, its path below the CDR folder, size and modification
// time, then the reference date. It reads no file: at the size that
// needs Spark, reading the footers of every file, as cdr.Index does,
// would be a job of its own, and Spark's file listing already has these.
func versionID(files []file, ref string) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", f.rel, f.size, f.modified)
	}
	h.Write([]byte(ref))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// tables maps each table of files to the Parquet that holds it, as package
// cdr finds them: table.parquet, else a folder table/ of Parquet files
// (the files directly in it).
func tables(cdr string, files []file) map[string]string {
	found := map[string]string{}
	for _, f := range files {
		dir, name, nested := strings.Cut(f.rel, "/")
		switch {
		case !nested:
			found[strings.ToLower(strings.TrimSuffix(f.rel, ".parquet"))] = cdr + "/" + f.rel
		case !strings.Contains(name, "/"):
			// table.parquet sorts before table/..., and wins.
			if t := strings.ToLower(dir); found[t] == "" {
				found[t] = cdr + "/" + dir + "/*.parquet"
			}
		}
	}
	return found
}

// sparkTypes are the Spark types of omop's column types.
var sparkTypes = map[omop.Type]string{
	omop.Integer: "BIGINT", omop.Float: "DOUBLE", omop.Date: "DATE", omop.Datetime: "TIMESTAMP_NTZ", omop.Text: "STRING",
}

// compatible reports whether a column stored as Spark type t can be read
// as the OMOP type want without loss, as package cdr decides for DuckDB.
func compatible(t types.DataType, want omop.Type) bool {
	isInt := false
	switch t := t.(type) {
	case types.LongType, types.IntegerType, types.ShortType, types.ByteType:
		isInt = true
	case types.DecimalType:
		isInt = t.Scale == 0 && (t.Precision == 38 || t.Precision == 18)
	}
	switch want {
	case omop.Integer:
		return isInt
	case omop.Float:
		switch t.(type) {
		case types.DoubleType, types.FloatType, types.DecimalType:
			return true
		}
		return isInt
	case omop.Date, omop.Datetime:
		switch t.(type) {
		case types.DateType, types.TimestampType, types.TimestampNtzType:
			return true
		}
	case omop.Text:
		_, ok := t.(types.StringType)
		return ok
	}
	return false
}

// openTables registers a temporary view for each table of the OMOP
// schema, as cdr.Open makes them: a present table's columns cast to the
// schema's types (an optional column that is absent reads as NULL;
// columns outside the schema pass through), an absent table as an empty
// view. A required table that is absent, a required column that is
// missing, or a column of a type that cannot stand for the schema's, is
// an error that names them. It returns the CDM version, told from the
// columns, and the columns of each present table.
func (b *builder) openTables(ctx context.Context, files []file) (omop.Version, map[string][]string, error) {
	present := tables(b.cdr, files)
	var missing []string
	for _, t := range omop.RequiredTables {
		if _, ok := present[t]; !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return "", nil, fmt.Errorf("spark: %s: required tables missing: %s (want %s.parquet or a folder %s/ of Parquet files for each)",
			b.cdr, strings.Join(missing, ", "), missing[0], missing[0])
	}
	names := make([]string, 0, len(present))
	for t := range present {
		names = append(names, t)
	}
	slices.Sort(names)
	found := map[string]*types.StructType{}
	columns := map[string][]string{}
	for _, t := range names {
		schema, err := b.view(ctx, "_raw_"+t, present[t])
		if err != nil {
			return "", nil, fmt.Errorf("spark: table %s: %w", t, err)
		}
		found[t] = schema
		for _, f := range schema.Fields {
			columns[t] = append(columns[t], strings.ToLower(f.Name))
		}
	}
	version := omop.DetectVersion(columns)
	schema, err := omop.SchemaFor(version)
	if err != nil {
		return "", nil, err
	}
	var problems []string
	for _, t := range schema.Tables {
		q := new(sqlb.Builder).SQL("CREATE OR REPLACE TEMP VIEW ").Ident(t.Name).SQL(" AS ")
		raw, ok := found[t.Name]
		if !ok {
			noRows(q, t.Columns)
		} else {
			q.SQL("SELECT ")
			stored := map[string]types.DataType{}
			for _, f := range raw.Fields {
				stored[strings.ToLower(f.Name)] = f.DataType
			}
			var sel []*sqlb.Builder
			for _, c := range t.Columns {
				typ, ok := stored[c.Name]
				switch {
				case !ok && c.Required:
					problems = append(problems, fmt.Sprintf("table %s: required column %s is missing", t.Name, c.Name))
				case !ok:
					sel = append(sel, new(sqlb.Builder).SQL("CAST(NULL AS ", sparkTypes[c.Type], ") AS ").Ident(c.Name))
				case !compatible(typ, c.Type):
					problems = append(problems, fmt.Sprintf("table %s: column %s is %s, want %s", t.Name, c.Name, duckType(typ), c.Type.SQL()))
				default:
					sel = append(sel, new(sqlb.Builder).SQL("CAST(").Ident(c.Name).SQL(" AS ", sparkTypes[c.Type], ") AS ").Ident(c.Name))
				}
				delete(stored, c.Name)
			}
			for _, f := range raw.Fields {
				if _, extra := stored[strings.ToLower(f.Name)]; extra {
					sel = append(sel, new(sqlb.Builder).Ident(f.Name))
				}
			}
			for i, s := range sel {
				if i > 0 {
					q.SQL(", ")
				}
				q.Add(s)
			}
			q.SQL(" FROM ").Ident("_raw_" + t.Name)
		}
		if len(problems) > 0 {
			continue
		}
		if err := b.exec(ctx, "table "+t.Name, q); err != nil {
			return "", nil, fmt.Errorf("spark: table %s: %w", t.Name, err)
		}
	}
	if len(problems) > 0 {
		return "", nil, fmt.Errorf("spark: %s: %s", b.cdr, strings.Join(problems, "; "))
	}
	personBirth := new(sqlb.Builder).SQL("CREATE OR REPLACE TEMP VIEW person_birth AS ", personBirthSQL)
	if err := b.exec(ctx, "person_birth", personBirth); err != nil {
		return "", nil, err
	}
	return version, columns, nil
}

// referenceDate is cdm_source.source_release_date, else the latest event
// date, else today (UTC), as cdr.Index computes it.
func (b *builder) referenceDate(ctx context.Context) (time.Time, error) {
	q := new(sqlb.Builder).SQL("SELECT CAST(COALESCE((SELECT max(source_release_date) FROM cdm_source), (SELECT max(d) FROM (")
	for i, s := range cdrindex.EventSources {
		if i > 0 {
			q.SQL(" UNION ALL ")
		}
		q.SQL("SELECT max(").Ident(s.Date).SQL(") AS d FROM ").Ident(s.Table)
	}
	q.SQL(")), current_date()) AS STRING)")
	rows, err := b.query(ctx, "reference date", q)
	if err != nil {
		return time.Time{}, err
	}
	if len(rows) != 1 {
		return time.Time{}, errors.New("spark: index: reference date: no row")
	}
	text, _ := rows[0].At(0).(string)
	ref, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("spark: index: reference date: %w", err)
	}
	return ref, nil
}
