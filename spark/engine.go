package spark

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/spark-connect-go/spark/sparkerrors"
	"github.com/apache/spark-connect-go/spark/sql/types"
	lru "github.com/hashicorp/golang-lru/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/omop"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// Options configure Open. The zero value works.
type Options struct {
	// CacheSize is how many results the engine keeps; 0 means 4096.
	CacheSize int
	// Logger receives one debug line per query run (never values or ids of
	// participants); nil means discard.
	Logger *slog.Logger
}

// Engine runs compiled cohort queries on Spark, over the temporary views
// of one CDR's index in its own Spark session, and caches their results
// by the index's version id and the canonical definition. It is safe for
// concurrent use.
type Engine struct {
	remote      string
	cdr         string
	info        Index
	interrupter *interrupter
	cache       *lru.Cache[string, any]
	log         *slog.Logger

	mu   sync.Mutex
	idle []*session
	// views are the temporary views every session has, by name, with
	// what they read: the index's and the concept table from Open, the
	// dataset tables once a dataset needs them.
	views map[string]viewSource
}

// viewSource is what a temporary view reads: the Parquet at path, or,
// without one, no rows of the columns empty, for an OMOP table that the
// CDR lacks (as package cdr opens it).
type viewSource struct {
	path  string
	empty []omop.Column
}

// The Spark engine is one that the workbench's services run on.
var _ workbench.Engine = (*Engine)(nil)

// Index is what the CDR's index/meta.json says of the index: the fields
// of cdr.IndexInfo, which BuildIndex writes as `workbench cdr index` does.
type Index struct {
	Layout        int    `json:"layout"`
	VersionID     string `json:"version_id"`
	ReferenceDate string `json:"reference_date"`
	// CDMVersion is the OMOP CDM version of the CDR (5.3 or 5.4).
	CDMVersion string `json:"cdm_version"`
	Persons    int64  `json:"persons"`
	Events     int64  `json:"events"`
	BuiltAt    string `json:"built_at"`
}

// Schemes lists the URI schemes of a CDR that Open accepts; a CDR without
// a scheme is a local folder (file://).
var Schemes = []string{"file", "s3a", "abfss", "hdfs"}

// ErrUnreachable is matched (errors.Is) by the error of Open, and of any
// call, when no Spark Connect server answers at the remote address: a
// 503. It is engine.ErrUnreachable, which clients of the HTTP API know.
var ErrUnreachable = engine.ErrUnreachable

// Open connects to the Spark Connect server at remote (sc://host:port,
// with Spark Connect's optional ;name=value parameters) and registers the
// index tables of the CDR at cdr (a folder or a URI of Schemes) and its
// concept table as temporary views of a new Spark session. The index must
// have been built by `workbench cdr index` (index/meta.json of this
// layout): a CDR without one is engine.ErrNotIndexed. The paths are
// resolved by the Spark cluster, not by this process.
func Open(ctx context.Context, remote, cdr string, opt Options) (*Engine, error) {
	if !strings.HasPrefix(remote, "sc://") || len(remote) == len("sc://") {
		return nil, fmt.Errorf("spark: remote %q: want sc://HOST:PORT", remote)
	}
	loc, err := Location(cdr)
	if err != nil {
		return nil, err
	}
	in, err := newInterrupter(ctx, remote)
	if err != nil {
		return nil, fmt.Errorf("spark: remote %q: %w", remote, err)
	}
	size := opt.CacheSize
	if size <= 0 {
		size = 4096
	}
	cache, _ := lru.New[string, any](size) // fails only for size <= 0
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{remote: remote, cdr: loc, interrupter: in, cache: cache, log: log}
	first, err := e.newSession(ctx) // no views yet
	if err != nil {
		return nil, err
	}
	// A first query that needs no data tells an unreachable server from a
	// CDR that Spark cannot read.
	if _, err := e.run(ctx, first, "connect", "SELECT 1"); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: no Spark Connect server answers at %s: %v", ErrUnreachable, remote, brief(err))
	}
	if err := e.openIndex(ctx, first); err != nil {
		return nil, err
	}
	e.release(first)
	return e, nil
}

// Location checks the CDR folder or URI cdr and returns it as Spark reads
// it: a URI of one of Schemes, a local folder as a file:// URI of its
// absolute path, without a trailing slash.
func Location(cdr string) (string, error) {
	if cdr == "" {
		return "", fmt.Errorf("spark: no CDR: want a folder or a URI (%s://...)", strings.Join(Schemes, "://, "))
	}
	if !strings.Contains(cdr, "://") {
		abs, err := filepath.Abs(cdr)
		if err != nil {
			return "", fmt.Errorf("spark: CDR %q: %w", cdr, err)
		}
		return "file://" + filepath.ToSlash(abs), nil
	}
	u, err := url.Parse(cdr)
	if err != nil {
		return "", fmt.Errorf("spark: CDR %q: %w", cdr, err)
	}
	if !slices.Contains(Schemes, u.Scheme) {
		return "", fmt.Errorf("spark: CDR %q: scheme %q: want one of %s", cdr, u.Scheme, strings.Join(Schemes, ", "))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("spark: CDR %q: want no query or fragment", cdr)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("spark: CDR %q: a file URI names no host (file:///path)", cdr)
		}
	case "s3a", "abfss":
		if u.Host == "" {
			return "", fmt.Errorf("spark: CDR %q: want %s://BUCKET/PATH", cdr, u.Scheme)
		}
	}
	if strings.Trim(u.Path, "/") == "" && u.Scheme == "file" {
		return "", fmt.Errorf("spark: CDR %q: want the path of a CDR folder", cdr)
	}
	return strings.TrimRight(cdr, "/"), nil
}

// openIndex reads index/meta.json and registers the index tables and the
// concept table as temporary views of s, noting their paths for the
// sessions that follow.
func (e *Engine) openIndex(ctx context.Context, s *session) error {
	meta := e.cdr + "/" + cdrindex.Dir + "/" + cdrindex.MetaFile
	df, err := s.spark.Read().Format("text").Option("wholetext", "true").Load(meta)
	if err == nil {
		var rows []types.Row
		if rows, err = df.Collect(ctx); err == nil {
			err = e.parseIndex(rows)
		}
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("spark: open: %w", ctxErr)
		}
		return fmt.Errorf("%w: spark: reading %s: %v", engine.ErrNotIndexed, meta, brief(err))
	}
	if e.info.Layout != cdrindex.Layout {
		return fmt.Errorf("spark: the index of %s has layout %d, this version reads %d: run `workbench cdr index` again", e.cdr, e.info.Layout, cdrindex.Layout)
	}
	views := map[string]viewSource{}
	for _, t := range cdrindex.Tables {
		views[t] = viewSource{path: e.cdr + "/" + cdrindex.Dir + "/" + t + ".parquet"}
		if err := e.view(ctx, s, t, views[t].path); err != nil {
			return fmt.Errorf("spark: index table %s: %w (run `workbench cdr index` again)", t, err)
		}
	}
	// The vocabulary's concept table, as package cdr finds it: a file,
	// else a folder of Parquet files.
	views[cdrindex.Concept] = viewSource{path: e.cdr + "/" + cdrindex.Concept + ".parquet"}
	if err := e.view(ctx, s, cdrindex.Concept, views[cdrindex.Concept].path); err != nil {
		views[cdrindex.Concept] = viewSource{path: e.cdr + "/" + cdrindex.Concept}
		if err := e.view(ctx, s, cdrindex.Concept, views[cdrindex.Concept].path); err != nil {
			return fmt.Errorf("spark: table concept of %s: %w", e.cdr, err)
		}
	}
	e.views = views
	return nil
}

// parseIndex reads meta.json from the one row of its text.
func (e *Engine) parseIndex(rows []types.Row) error {
	if len(rows) != 1 {
		return fmt.Errorf("want one file, found %d", len(rows))
	}
	text, ok := rows[0].At(0).(string)
	if !ok {
		return errors.New("not text")
	}
	if err := json.Unmarshal([]byte(text), &e.info); err != nil {
		return err
	}
	if e.info.VersionID == "" {
		return errors.New("no version id")
	}
	return nil
}

// view registers the Parquet at path as the temporary view name of s.
func (e *Engine) view(ctx context.Context, s *session, name, path string) error {
	df, err := s.spark.Read().Format("parquet").Load(path)
	if err != nil {
		return brief(err)
	}
	if err := df.CreateTempView(ctx, name, true, false); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return brief(err)
	}
	s.views[name] = true
	return nil
}

// noRows writes a SELECT of no rows whose columns are cols, NULLs cast to
// their Spark types.
func noRows(q *sqlb.Builder, cols []omop.Column) *sqlb.Builder {
	q.SQL("SELECT ")
	for i, c := range cols {
		if i > 0 {
			q.SQL(", ")
		}
		q.SQL("CAST(NULL AS ", sparkTypes[c.Type], ") AS ").Ident(c.Name)
	}
	return q.SQL(" WHERE false")
}

// emptyView registers the temporary view name of s with no rows and the
// columns cols, cast to their Spark types.
func (e *Engine) emptyView(ctx context.Context, s *session, name string, cols []omop.Column) error {
	q := new(sqlb.Builder).SQL("CREATE OR REPLACE TEMP VIEW ").Ident(name).SQL(" AS ")
	text, err := noRows(q, cols).Spark()
	if err != nil {
		return err
	}
	if _, err := e.run(ctx, s, "view "+name, text); err != nil {
		return err
	}
	s.views[name] = true
	return nil
}

// register registers the temporary view name of s as src says.
func (e *Engine) register(ctx context.Context, s *session, name string, src viewSource) error {
	if src.path == "" {
		return e.emptyView(ctx, s, name, src.empty)
	}
	return e.view(ctx, s, name, src.path)
}

// Index returns what the CDR's index/meta.json says.
func (e *Engine) Index() Index { return e.info }

// CDR returns the CDR's location as Spark reads it.
func (e *Engine) CDR() string { return e.cdr }

// Close forgets the engine's sessions and closes its connection. Their
// temporary views live on the server until it ends the idle sessions.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.idle {
		_ = s.spark.Stop() // does nothing in this client, and fails never
	}
	e.idle = nil
	return e.interrupter.conn.Close()
}

// compileOptions are the options of every query: the Spark dialect over
// the temporary views.
var compileOptions = cohort.Options{Dialect: cohort.Spark}

// SQL returns the query the engine runs for def's persons: cohort.Compile
// in the Spark dialect.
func (e *Engine) SQL(def *cohort.Definition) (cohort.Query, error) {
	if def == nil {
		return cohort.Query{}, invalidf("no definition")
	}
	return cohort.Compile(def, compileOptions)
}

// Count returns the number of persons in the cohort def.
func (e *Engine) Count(ctx context.Context, def *cohort.Definition) (int64, error) {
	return run(ctx, e, def, "count", "", func(q cohort.Query) (int64, error) {
		b := new(sqlb.Builder).SQL("SELECT count(*) FROM (\n").AddQuery(q.SQL, nil).SQL("\n)")
		rows, err := e.rows(ctx, "count", b)
		if err != nil {
			return 0, err
		}
		return one(rows)
	})
}

// Demographics breaks the cohort def down by sex at birth, gender, race
// and ethnicity, each crossed with age bins (search_person.age_bin), like
// engine.Engine.Demographics: one aggregate of the cohort's persons in
// search_person by their demographic concepts and age bin. A missing
// concept id counts as 0.
func (e *Engine) Demographics(ctx context.Context, def *cohort.Definition) (*engine.Demographics, error) {
	d, err := run(ctx, e, def, "demographics", "", func(q cohort.Query) (*engine.Demographics, error) {
		cols := []string{"sex_at_birth", "gender", "race", "ethnicity"}
		var b sqlb.Builder
		b.SQL("SELECT ")
		var group []string
		for _, c := range cols {
			group = append(group, c+"_concept_id", c)
		}
		group = append(group, "age_bin")
		b.SQL(strings.Join(group, ", "), ", count(*) AS persons\nFROM ").Ident(cdrindex.SearchPerson)
		b.SQL(" WHERE person_id IN (\n  SELECT person_id FROM (\n").AddQuery(q.SQL, nil).SQL("\n  )\n)\nGROUP BY ", strings.Join(group, ", "))
		rows, err := e.rows(ctx, "demographics", &b)
		if err != nil {
			return nil, err
		}
		var counts [4]map[int64]*engine.DemographicCount
		for i := range counts {
			counts[i] = map[int64]*engine.DemographicCount{}
		}
		d := &engine.Demographics{}
		for _, r := range rows {
			bin, ok := integer(r.At(8))
			n, okN := integer(r.At(9))
			if !ok || !okN {
				return nil, fmt.Errorf("spark: demographics: unexpected row %v", r.Values())
			}
			d.Count += n
			d.Ages.Add(int(bin), n)
			for i := range cols {
				id, _ := integer(r.At(2 * i)) // NULL counts as 0
				c := counts[i][id]
				if c == nil {
					name, _ := r.At(2*i + 1).(string)
					c = &engine.DemographicCount{ConceptID: id, Name: name}
					counts[i][id] = c
				}
				c.Count += n
				c.Ages.Add(int(bin), n)
			}
		}
		d.SexAtBirth, d.Gender, d.Race, d.Ethnicity = sorted(counts[0]), sorted(counts[1]), sorted(counts[2]), sorted(counts[3])
		// Every person of a cohort is in search_person: a Count that
		// follows runs no query.
		e.cache.Add(e.key("count", "", def), d.Count)
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	// The caller's copy: the cached one stays as computed.
	c := *d
	for _, s := range []*[]engine.DemographicCount{&c.SexAtBirth, &c.Gender, &c.Race, &c.Ethnicity} {
		*s = slices.Clone(*s)
	}
	return &c, nil
}

// sorted returns the counts by count, largest first, then by concept id,
// as package engine orders them.
func sorted(m map[int64]*engine.DemographicCount) []engine.DemographicCount {
	out := make([]engine.DemographicCount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b engine.DemographicCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ConceptID, b.ConceptID))
	})
	return out
}

// domainLiterals holds the Spark string literal of each event domain,
// written from package cohort's constants: a request chooses one of them
// and never writes its own.
var domainLiterals = func() map[cohort.Domain]string {
	m := map[cohort.Domain]string{}
	for _, d := range cohort.Domains {
		if d != cohort.DomainPerson {
			m[d] = "'" + string(d) + "'"
		}
	}
	return m
}()

// TopConcepts returns the n (1 to engine.MaxTopConcepts) standard
// concepts of the event domain d that the most persons of the cohort def
// have, most first (ties by concept id), with their names, as
// engine.Engine.TopConcepts does.
func (e *Engine) TopConcepts(ctx context.Context, def *cohort.Definition, d cohort.Domain, n int) ([]engine.ConceptCount, error) {
	domain, ok := domainLiterals[d]
	if !ok {
		return nil, invalidf("top concepts: domain %q: want an event domain", d)
	}
	if n < 1 || n > engine.MaxTopConcepts {
		return nil, invalidf("top concepts: n = %d: want 1 to %d", n, engine.MaxTopConcepts)
	}
	params := string(d) + "\x00" + strconv.Itoa(n)
	top, err := run(ctx, e, def, "top_concepts", params, func(q cohort.Query) ([]engine.ConceptCount, error) {
		var b sqlb.Builder
		b.SQL("SELECT t.concept_id, COALESCE(c.concept_name, '') AS name, t.persons FROM (\n  SELECT concept_id, count(*) AS persons FROM ").Ident(cdrindex.ConceptPerson)
		b.SQL("\n  WHERE domain = ", domain, " AND is_standard AND person_id IN (\n").AddQuery(q.SQL, nil)
		b.SQL("\n  )\n  GROUP BY concept_id ORDER BY persons DESC, concept_id LIMIT ").Arg(int64(n), "INTEGER")
		b.SQL("\n) t LEFT JOIN ").Ident(cdrindex.Concept).SQL(" c ON c.concept_id = t.concept_id\nORDER BY t.persons DESC, t.concept_id")
		rows, err := e.rows(ctx, "top_concepts", &b)
		if err != nil {
			return nil, err
		}
		out := []engine.ConceptCount{}
		for _, r := range rows {
			id, okID := integer(r.At(0))
			name, okName := r.At(1).(string)
			count, okCount := integer(r.At(2))
			if !okID || !okName || !okCount {
				return nil, fmt.Errorf("spark: top concepts: unexpected row %v", r.Values())
			}
			out = append(out, engine.ConceptCount{ConceptID: id, Name: name, Count: count})
		}
		return out, nil
	})
	return slices.Clone(top), err
}

// participantPage is a cached page of Participants.
type participantPage struct {
	ids   []int64
	total int64
}

// Participants returns page page (from 0) of size size (1 to
// engine.MaxPageSize) of the cohort's person ids in ascending order, and
// the cohort's size, as engine.Engine.Participants does. A page past the
// end is empty. Spark counts rows to skip in an INT: a page whose first
// row is past that is refused.
func (e *Engine) Participants(ctx context.Context, def *cohort.Definition, page, size int) ([]int64, int64, error) {
	if page < 0 {
		return nil, 0, invalidf("participants: page %d: want 0 or more", page)
	}
	if size < 1 || size > engine.MaxPageSize {
		return nil, 0, invalidf("participants: page size %d: want 1 to %d", size, engine.MaxPageSize)
	}
	if page > (math.MaxInt32-size)/size {
		return nil, 0, invalidf("participants: page %d is too large", page)
	}
	total, err := e.Count(ctx, def)
	if err != nil {
		return nil, 0, err
	}
	params := strconv.Itoa(page) + "\x00" + strconv.Itoa(size)
	p, err := run(ctx, e, def, "participants", params, func(q cohort.Query) (participantPage, error) {
		p := participantPage{ids: []int64{}, total: total}
		offset := int64(page) * int64(size)
		if offset >= total {
			return p, nil
		}
		var b sqlb.Builder
		b.SQL("SELECT person_id FROM (\n").AddQuery(q.SQL, nil).SQL("\n) ORDER BY person_id LIMIT ").Arg(int64(size), "INTEGER").SQL(" OFFSET ").Arg(offset, "INTEGER")
		rows, err := e.rows(ctx, "participants", &b)
		if err != nil {
			return p, err
		}
		for _, r := range rows {
			id, ok := integer(r.At(0))
			if !ok {
				return p, fmt.Errorf("spark: participants: unexpected row %v", r.Values())
			}
			p.ids = append(p.ids, id)
		}
		return p, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return slices.Clone(p.ids), p.total, nil
}

// key is the cache key of op's result for params and def under the
// index's version.
func (e *Engine) key(op, params string, def *cohort.Definition) string {
	return e.info.VersionID + "\x00" + op + "\x00" + params + "\x00" + def.String()
}

// run compiles def and computes op's result with compute, unless the
// cache has it. Errors are not cached.
func run[T any](ctx context.Context, e *Engine, def *cohort.Definition, op, params string, compute func(cohort.Query) (T, error)) (T, error) {
	var zero T
	if def == nil {
		return zero, invalidf("%s: no definition", strings.ReplaceAll(op, "_", " "))
	}
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("spark: %s: %w", op, err)
	}
	k := e.key(op, params, def)
	if v, ok := e.cache.Get(k); ok {
		return v.(T), nil
	}
	q, err := cohort.Compile(def, compileOptions)
	if err != nil {
		return zero, err
	}
	v, err := compute(q)
	if err != nil {
		return zero, err
	}
	e.cache.Add(k, v)
	return v, nil
}

// rows runs the Spark SQL of b in a session of its own and returns its
// rows. When ctx ends first, the error matches ctx.Err(), and the
// session's operations are interrupted.
func (e *Engine) rows(ctx context.Context, op string, b *sqlb.Builder) ([]types.Row, error) {
	text, err := b.Spark()
	if err != nil {
		return nil, fmt.Errorf("spark: %s: %w", op, err)
	}
	s, err := e.acquire(ctx)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("spark: %s: %w", op, ctxErr)
		}
		return nil, err
	}
	rows, err := e.run(ctx, s, op, text)
	if err != nil && ctx.Err() != nil {
		e.interrupt(s)
	}
	e.release(s)
	return rows, err
}

// run runs text in s, logging op and how long it took.
func (e *Engine) run(ctx context.Context, s *session, op, text string) ([]types.Row, error) {
	start := time.Now()
	rows, err := func() ([]types.Row, error) {
		df, err := s.spark.Sql(ctx, text)
		if err != nil {
			return nil, err
		}
		return df.Collect(ctx)
	}()
	e.log.DebugContext(ctx, "spark query", "op", op, "duration", time.Since(start))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("spark: %s: %w", op, ctxErr)
		}
		return nil, e.failed(op, err)
	}
	return rows, nil
}

// failed is the error of op that failed with err: ErrUnreachable when the
// Spark Connect server no longer answers (a 503), else err, shortened.
func (e *Engine) failed(op string, err error) error { return failed(e.remote, op, err) }

// failed is the error of op that failed with err on the Spark Connect
// server at remote: ErrUnreachable when it no longer answers, else err,
// shortened.
func failed(remote, op string, err error) error {
	if unreachable(err) {
		return fmt.Errorf("%w: no Spark Connect server answers at %s: %s: %v", ErrUnreachable, remote, op, brief(err))
	}
	return fmt.Errorf("spark: %s: %w", op, brief(err))
}

// unreachable reports whether err is gRPC's Unavailable: no server at the
// address, or a connection that broke.
func unreachable(err error) bool {
	if se, ok := errors.AsType[*sparkerrors.SparkError](err); ok {
		return se.Code == codes.Unavailable
	}
	if s, ok := status.FromError(err); ok {
		return s.Code() == codes.Unavailable
	}
	return false
}

// one returns the integer of a result of one row and one column.
func one(rows []types.Row) (int64, error) {
	if len(rows) != 1 || rows[0].Len() != 1 {
		return 0, fmt.Errorf("spark: want one value, got %d rows", len(rows))
	}
	n, ok := integer(rows[0].At(0))
	if !ok {
		return 0, fmt.Errorf("spark: want an integer, got %T", rows[0].At(0))
	}
	return n, nil
}

// integer returns v, a value of an integer column of a Spark row, as an
// int64; false for NULL and non-integers.
func integer(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int16:
		return int64(v), true
	case int8:
		return int64(v), true
	}
	return 0, false
}

// brief shortens the client's errors, which repeat the whole SQL text
// before the server's message: the message is what says what went wrong.
func brief(err error) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, "rpc error: "); i >= 0 {
		return &briefError{msg: msg[i:], err: err}
	}
	return err
}

// briefError is an error with a shorter message, which still matches
// what err matches (unreachable reads the gRPC status through it).
type briefError struct {
	msg string
	err error
}

func (e *briefError) Error() string { return e.msg }
func (e *briefError) Unwrap() error { return e.err }

// invalidf returns an error for a bad argument: it matches
// cohort.ErrInvalid like the problems of a definition, as package
// engine's do.
func invalidf(format string, args ...any) error {
	return fault.At(cohort.ErrInvalid, "", format, args...)
}
