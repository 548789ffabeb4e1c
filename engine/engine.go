package engine

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// Options configure an Engine. The zero value works.
type Options struct {
	// CacheSize is how many results the engine keeps; 0 means 4096.
	CacheSize int
	// Cache, when set, is shared with other engines (of other CDRs or
	// versions) instead of a cache of CacheSize of the engine's own.
	Cache *Cache
	// Compile options for every query.
	Compile cohort.Options
	// Logger receives one debug line per query run (never values or ids of
	// participants); nil means discard.
	Logger *slog.Logger
}

// Engine runs compiled cohort queries against the index tables of one CDR
// through database/sql, and caches their results by the CDR's version id
// and the canonical definition. It is safe for concurrent use.
type Engine struct {
	db      *sql.DB
	version string
	opt     Options
	cache   *Cache
	log     *slog.Logger
}

// DB is the database the engine runs on: the opened CDR, for queries
// compiled elsewhere (Circe cohorts) over the same tables.
func (e *Engine) DB() *sql.DB { return e.db }

// Cache keeps engine results by CDR version, operation and canonical
// request, least recently used out first. Engines may share one: entries
// of different versions never mix. It is safe for concurrent use.
type Cache struct {
	lru *lru.Cache[string, any]
	// cohorts keeps the persons of the latest cohorts, which are large
	// (a bit a person id), so few of them.
	cohorts *lru.Cache[string, cohortPersons]
}

// cachedCohorts is how many cohorts' persons a Cache keeps: at most 8 MB
// each (bitstringPersons).
const cachedCohorts = 32

// NewCache returns a cache of size results; size <= 0 means 4096.
func NewCache(size int) *Cache {
	if size <= 0 {
		size = 4096
	}
	c, _ := lru.New[string, any](size) // fails only for size <= 0
	cohorts, _ := lru.New[string, cohortPersons](cachedCohorts)
	return &Cache{lru: c, cohorts: cohorts}
}

// ErrNotIndexed is matched (errors.Is) by the error of New for a CDR
// without a version id: one whose index was never built.
var ErrNotIndexed = fault.New(fault.Unavailable, "engine.not_indexed", "engine: the CDR has no index (no version id): run `workbench cdr index DIR` to build it")

// New returns an engine over db, a database in which the index tables are
// visible (package cdr's CDR.DB). version identifies the CDR's content
// (cdr.IndexInfo.VersionID, written by `workbench cdr index`); results
// cached under one version are never served for another. An empty
// version is ErrNotIndexed.
func New(db *sql.DB, version string, opt Options) (*Engine, error) {
	if db == nil {
		return nil, errors.New("engine: no database")
	}
	if version == "" {
		return nil, ErrNotIndexed
	}
	cache := opt.Cache
	if cache == nil {
		cache = NewCache(opt.CacheSize)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{db: db, version: version, opt: opt, cache: cache, log: log}, nil
}

// cached returns the result stored under (version, op, key), computing and
// storing it with compute when absent. Errors are not cached.
func cached[T any](e *Engine, op, key string, compute func() (T, error)) (T, error) {
	k := e.cacheKey(op, key)
	if v, ok := e.cache.lru.Get(k); ok {
		return v.(T), nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	e.cache.lru.Add(k, v)
	return v, nil
}

// cacheKey is the key of op's result for key under the engine's version.
func (e *Engine) cacheKey(op, key string) string { return e.version + "\x00" + op + "\x00" + key }

// runKey is the key that run caches op's result under for params and def.
func runKey(params string, def *cohort.Definition) string { return params + "\x00" + def.String() }

// Limits of the paging and ranking parameters.
const (
	MaxPageSize    = 10000
	MaxTopConcepts = 1000
)

// Count returns the number of persons in the cohort def.
func (e *Engine) Count(ctx context.Context, def *cohort.Definition) (int64, error) {
	ids, err := e.personIDs(ctx)
	if err != nil {
		return 0, err
	}
	// The bitstring keeps a person once, so the cohort's query may
	// repeat persons: 10's 200 concepts at 1,000,000 persons took 119-157
	// ms without their DISTINCT, 182-205 with it.
	opt := e.opt.Compile
	opt.Repeats = ids.bitstring()
	return runWith(ctx, e, def, "count", "", opt, func(q cohort.Query) (int64, error) {
		if ids.bitstring() {
			c, err := e.countPersons(ctx, def, q, ids)
			return c.count, err
		}
		var n int64
		var b sqlb.Builder
		b.SQL("SELECT count(*) FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n)")
		err := e.query(ctx, "count", &b, func(r *sql.Rows) error { return r.Scan(&n) })
		return n, err
	})
}

// AgeCounts counts persons by age bin. A living person's age is
// search_person.age_at_ref (completed years on the CDR's reference date);
// a deceased person's is the age at death, in completed years from
// birth_date to death_date, so the dead do not grow older. Unknown counts
// persons without a birth date. The index stores each person's bin as
// search_person.age_bin.
type AgeCounts struct {
	Age0To17  int64 `json:"0-17"`
	Age18To44 int64 `json:"18-44"`
	Age45To64 int64 `json:"45-64"`
	Age65Up   int64 `json:"65+"`
	Unknown   int64 `json:"unknown,omitempty"`
}

// Total is the sum of the bins.
func (a AgeCounts) Total() int64 {
	return a.Age0To17 + a.Age18To44 + a.Age45To64 + a.Age65Up + a.Unknown
}

// Add adds n persons to bin b (0-3 in age order, 4 unknown), the value
// of search_person.age_bin.
func (a *AgeCounts) Add(b int, n int64) {
	switch b {
	case 0:
		a.Age0To17 += n
	case 1:
		a.Age18To44 += n
	case 2:
		a.Age45To64 += n
	case 3:
		a.Age65Up += n
	default:
		a.Unknown += n
	}
}

// DemographicCount is the persons of one value of a demographic concept
// (a gender, a race...), by age bin.
type DemographicCount struct {
	ConceptID int64     `json:"concept_id"`
	Name      string    `json:"name"`
	Count     int64     `json:"count"`
	Ages      AgeCounts `json:"ages"`
}

// Demographics is a cohort broken down four ways, each crossed with age
// bins (see AgeCounts for how ages are taken). Each breakdown sums to
// Count; its rows come by count, largest first, then by concept id.
type Demographics struct {
	Count      int64              `json:"count"`
	Ages       AgeCounts          `json:"ages"`
	SexAtBirth []DemographicCount `json:"sex_at_birth"`
	Gender     []DemographicCount `json:"gender"`
	Race       []DemographicCount `json:"race"`
	Ethnicity  []DemographicCount `json:"ethnicity"`
}

// demographicsSQL counts the persons of the cohort q by demo_key, in one
// aggregate over search_person; the key stands for the person's
// demographic concept ids and age bin (demographicKeysSQL). The cohort is
// a semi-join whose hash table should hold the cohort, a subset of
// search_person. DuckDB, though, builds it on the side it estimates
// smaller, and takes a filter of concept_person (142M rows at 1,000,000
// persons) for larger than search_person: it would build on all of
// search_person even for a cohort of 2,000 persons (110 ms instead of 35).
// The LIMIT, search_person's size (persons), never cuts, but caps that
// estimate.
func (e *Engine) demographicsSQL(q cohort.Query, persons int64) *sqlb.Builder {
	b := e.table(new(sqlb.Builder).SQL("SELECT demo_key, count(*) AS persons\nFROM "), cdrindex.SearchPerson)
	b.SQL(" WHERE person_id IN (\n  SELECT person_id FROM (\n").AddQuery(q.SQL, q.Args)
	return b.SQL("\n  ) LIMIT ").Arg(persons, "BIGINT").SQL("\n)\nGROUP BY demo_key")
}

// keyedDemographicsSQL counts the persons of a cohort compiled by
// cohort.CompileKeyed (q), which selects their demo_key: no second look at
// search_person.
func keyedDemographicsSQL(q cohort.Query) *sqlb.Builder {
	return new(sqlb.Builder).SQL("SELECT demo_key, count(*) AS persons FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n) GROUP BY demo_key")
}

// bitstringDemographicsSQL counts the persons of a cohort that Count kept
// (c) by demo_key: a scan of search_person that looks each person up in
// them, instead of the cohort's query again.
func (e *Engine) bitstringDemographicsSQL(c cohortPersons, ids personIDs) *sqlb.Builder {
	b := e.table(new(sqlb.Builder).SQL("SELECT demo_key, count(*) AS persons\nFROM "), cdrindex.SearchPerson)
	if c.count == 0 {
		return b.SQL(" WHERE false GROUP BY demo_key")
	}
	return personIn(b.SQL(" WHERE "), c, ids).SQL("\nGROUP BY demo_key")
}

// demographicKeysSQL lists what each demo_key of search_person stands for.
func (e *Engine) demographicKeysSQL() *sqlb.Builder {
	b := new(sqlb.Builder).SQL("SELECT demo_key, sex_at_birth_concept_id, gender_concept_id, race_concept_id, ethnicity_concept_id, age_bin\nFROM ")
	return e.table(b, cdrindex.SearchPerson).SQL(" GROUP BY ALL")
}

// demographicNamesSQL lists the name of every demographic concept id of
// search_person, by breakdown (0 sex at birth, 1 gender, 2 race, 3
// ethnicity), and the number of persons (breakdown 4).
func (e *Engine) demographicNamesSQL() *sqlb.Builder {
	var b sqlb.Builder
	for i, col := range []string{"sex_at_birth", "gender", "race", "ethnicity"} {
		if i > 0 {
			b.SQL("\nUNION ALL ")
		}
		b.SQL("SELECT ", strconv.Itoa(i), ", ", col, "_concept_id, any_value(", col, ") FROM ")
		e.table(&b, cdrindex.SearchPerson).SQL(" GROUP BY 2")
	}
	return e.table(b.SQL("\nUNION ALL SELECT 4, count(*), NULL FROM "), cdrindex.SearchPerson)
}

// Demographics breaks the cohort def down by sex at birth, gender, race and
// ethnicity, each crossed with age bins, in one aggregate query, and caches
// the cohort's count with it. A cohort that needs no events counts its
// persons' demo_key as it selects them; the others look their persons up
// in search_person. What each key stands for, the concept names and
// search_person's size come from queries run once per CDR version and
// cached. A missing concept id counts as 0.
func (e *Engine) Demographics(ctx context.Context, def *cohort.Definition) (*Demographics, error) {
	p, err := e.demographicNames(ctx)
	if err != nil {
		return nil, err
	}
	names := p.names
	d, err := run(ctx, e, def, "demographics", "", func(q cohort.Query) (*Demographics, error) {
		var rows [4]map[int64]*DemographicCount
		for i := range rows {
			rows[i] = map[int64]*DemographicCount{}
		}
		d := &Demographics{}
		ids, err := e.personIDs(ctx)
		if err != nil {
			return nil, err
		}
		// The persons Count kept cost 9-17 ms at 1,000,000 persons
		// whatever the cohort, where its query costs 3-9 ms keyed for
		// one common concept (01, 06, 09, 12, 13), 25-60 for 02 and 03,
		// 245-310 for 10's 200 concepts, and 51-477 for the cohorts of
		// events.
		var stmt *sqlb.Builder
		if c, ok := e.cachedPersons(def, ids); ok {
			stmt = e.bitstringDemographicsSQL(c, ids)
		} else {
			kq, keyed, err := cohort.CompileKeyed(def, e.opt.Compile)
			if err != nil {
				return nil, err
			}
			stmt = e.demographicsSQL(q, p.persons)
			if keyed {
				stmt = keyedDemographicsSQL(kq)
			}
		}
		err = e.query(ctx, "demographics", stmt, func(r *sql.Rows) error {
			var key, n int64
			if err := r.Scan(&key, &n); err != nil {
				return err
			}
			k, ok := p.keys[key]
			if !ok {
				return fmt.Errorf("demo_key %d is not in search_person", key)
			}
			d.Ages.Add(k.bin, n)
			d.Count += n
			for i, id := range k.ids {
				row := rows[i][id]
				if row == nil {
					row = &DemographicCount{ConceptID: id, Name: names[i][id]}
					rows[i][id] = row
				}
				row.Ages.Add(k.bin, n)
				row.Count += n
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		d.SexAtBirth = sortedCounts(rows[0])
		d.Gender = sortedCounts(rows[1])
		d.Race = sortedCounts(rows[2])
		d.Ethnicity = sortedCounts(rows[3])
		// Every person of a cohort is in search_person, so the breakdown's
		// total is the count: a Count that follows runs no query.
		e.cache.lru.Add(e.cacheKey("count", runKey("", def)), d.Count)
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	// The caller's copy: the cached one stays as computed.
	c := *d
	for _, s := range []*[]DemographicCount{&c.SexAtBirth, &c.Gender, &c.Race, &c.Ethnicity} {
		*s = slices.Clone(*s)
	}
	return &c, nil
}

// demographicPersons is what Demographics needs of search_person as a
// whole: the names of the demographic concepts by breakdown and concept
// id, what each demo_key stands for, and the number of persons.
type demographicPersons struct {
	names   [4]map[int64]string
	keys    map[int64]demographicKey
	persons int64
}

// personIDs is what the engine needs of search_person's person ids: how
// many there are, the least, and the greatest, raised so that the range
// fills whole bytes: a cohort's bitstring goes back to DuckDB as a BLOB,
// which becomes a BIT of 8 bits a byte.
type personIDs struct {
	count, min, max int64
}

// bitstringPersons is the widest range of person ids (max - min + 1) of
// which a cohort is made a bitstring, one bit an id (8 MB); a CDR of
// wider ids does without.
const bitstringPersons = 1 << 26

// bitstring says whether the cohorts of the CDR are made bitstrings.
func (p personIDs) bitstring() bool { return p.count > 0 && p.max-p.min < bitstringPersons }

// personIDs returns the count and range of search_person's person ids,
// looked up once per CDR version.
func (e *Engine) personIDs(ctx context.Context) (personIDs, error) {
	return cached(e, "person_ids", "", func() (personIDs, error) {
		var p personIDs
		var lo, hi sql.NullInt64
		err := e.query(ctx, "person_ids", e.table(new(sqlb.Builder).SQL("SELECT count(*), min(person_id), max(person_id) FROM "), cdrindex.SearchPerson), func(r *sql.Rows) error {
			return r.Scan(&p.count, &lo, &hi)
		})
		p.min, p.max = lo.Int64, lo.Int64+(hi.Int64-lo.Int64+8)/8*8-1
		return p, err
	})
}

// cohortPersons is a cohort's persons as a bitstring of search_person's
// person ids (bit i stands for id min + i), in DuckDB's BIT layout, nil
// when the cohort is empty, and their number.
type cohortPersons struct {
	count int64
	bits  []byte
}

// page returns size person ids of c from the offset-th, in ascending
// order; min is the id of the first bit.
func (c cohortPersons) page(min, offset int64, size int) []int64 {
	ids := make([]int64, 0, size)
	for i, b := range c.bits {
		if n := int64(bits.OnesCount8(b)); offset >= n {
			offset -= n
			continue
		}
		// A byte's highest bit is the first (the least id) of its 8.
		for ; b != 0 && len(ids) < size; b &^= 0x80 >> bits.LeadingZeros8(b) {
			if offset > 0 {
				offset--
				continue
			}
			ids = append(ids, min+int64(i*8+bits.LeadingZeros8(b)))
		}
		if len(ids) == size {
			break
		}
	}
	return ids
}

// cachedPersons returns the persons of def kept by Count, if it has them.
func (e *Engine) cachedPersons(def *cohort.Definition, ids personIDs) (cohortPersons, bool) {
	if !ids.bitstring() {
		return cohortPersons{}, false
	}
	return e.cache.cohorts.Get(e.personsKey(def))
}

// personsKey is the key of def's persons in the cache.
func (e *Engine) personsKey(def *cohort.Definition) string {
	return e.cacheKey("cohort_persons", runKey("", def))
}

// personIn writes the condition that the row's person_id is one of c's
// persons (not empty): a bit of the constant bitstring, looked up per row.
func personIn(b *sqlb.Builder, c cohortPersons, ids personIDs) *sqlb.Builder {
	return b.SQL("get_bit(").Arg(c.bits, "BLOB").SQL("::BIT, CAST(person_id - ").Arg(ids.min, "BIGINT").SQL(" AS INTEGER)) = 1")
}

// countPersons counts the persons of def, compiled to q (which may repeat
// persons: cohort.Options.Repeats), with a query that also returns them,
// and keeps them in the cache: the cohort's TopConcepts, Demographics and
// Participants then read them instead of running the cohort's query
// again. A definition that cohort.CompileBits compiles is made of the
// bits of concept_bits instead of q's persons.
func (e *Engine) countPersons(ctx context.Context, def *cohort.Definition, q cohort.Query, ids personIDs) (cohortPersons, error) {
	var c cohortPersons
	bq, ok, err := cohort.CompileBits(def, e.opt.Compile)
	switch {
	case err != nil:
		return cohortPersons{}, err
	case ok:
		c, err = e.bitsPersons(ctx, bq, ids)
	default:
		var b sqlb.Builder
		// bitstring_agg wants its range constant.
		b.SQL("SELECT COALESCE(bit_count(persons), 0), persons::BLOB FROM (\n  SELECT bitstring_agg(person_id, ").Int64(ids.min).SQL(", ").Int64(ids.max).SQL(") AS persons FROM (\n")
		b.AddQuery(q.SQL, q.Args).SQL("\n  )\n)")
		err = e.query(ctx, "count", &b, func(r *sql.Rows) error { return r.Scan(&c.count, &c.bits) })
	}
	if err != nil {
		return cohortPersons{}, err
	}
	e.cache.cohorts.Add(e.personsKey(def), c)
	return c, nil
}

// bitsPersons gathers the chunks of persons that the query q of
// cohort.CompileBits selects into one bitstring of ids' range: chunk k
// holds the ids from ids.min + k*cdrindex.BitsChunk.
func (e *Engine) bitsPersons(ctx context.Context, q cohort.Query, ids personIDs) (cohortPersons, error) {
	all := make([]byte, (ids.max-ids.min+1)/8)
	var chunk int64
	var set []byte
	err := e.query(ctx, "count", new(sqlb.Builder).AddQuery(q.SQL, q.Args), func(r *sql.Rows) error {
		if err := r.Scan(&chunk, &set); err != nil {
			return err
		}
		at := chunk * cdrindex.BitsChunk / 8
		if chunk < 0 || at >= int64(len(all)) || len(set) != cdrindex.BitsChunk/8 {
			return fmt.Errorf("concept_bits has a chunk %d of %d bytes, outside the %d person ids from %d", chunk, len(set), ids.max-ids.min+1, ids.min)
		}
		copy(all[at:], set)
		return nil
	})
	if err != nil {
		return cohortPersons{}, err
	}
	var c cohortPersons
	for _, b := range all {
		c.count += int64(bits.OnesCount8(b))
	}
	if c.count > 0 {
		c.bits = all
	}
	return c, nil
}

// demographicKey is what a demo_key stands for: the concept ids of sex at
// birth, gender, race and ethnicity (0 when missing) and the age bin.
type demographicKey struct {
	ids [4]int64
	bin int
}

// demographicNames returns the names of the demographic concepts, the
// meaning of the keys and the number of persons of search_person.
func (e *Engine) demographicNames(ctx context.Context) (demographicPersons, error) {
	if err := ctx.Err(); err != nil {
		return demographicPersons{}, fmt.Errorf("engine: demographics: %w", err)
	}
	return cached(e, "demographic_names", "", func() (demographicPersons, error) {
		var p demographicPersons
		for i := range p.names {
			p.names[i] = map[int64]string{}
		}
		err := e.query(ctx, "demographic_names", e.demographicNamesSQL(), func(r *sql.Rows) error {
			var b int
			var id sql.NullInt64
			var name sql.NullString
			if err := r.Scan(&b, &id, &name); err != nil {
				return err
			}
			if b == 4 {
				p.persons = id.Int64
			} else {
				p.names[b][id.Int64] = name.String
			}
			return nil
		})
		if err != nil {
			return p, err
		}
		p.keys = map[int64]demographicKey{}
		err = e.query(ctx, "demographic_names", e.demographicKeysSQL(), func(r *sql.Rows) error {
			var key int64
			var ids [4]sql.NullInt64
			var k demographicKey
			if err := r.Scan(&key, &ids[0], &ids[1], &ids[2], &ids[3], &k.bin); err != nil {
				return err
			}
			for i, id := range ids {
				k.ids[i] = id.Int64
			}
			p.keys[key] = k
			return nil
		})
		return p, err
	})
}

func sortedCounts(m map[int64]*DemographicCount) []DemographicCount {
	out := make([]DemographicCount, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b DemographicCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ConceptID, b.ConceptID))
	})
	return out
}

// ConceptCount is a concept with the number of distinct persons of a
// cohort who have an event of it.
type ConceptCount struct {
	ConceptID int64  `json:"concept_id"`
	Name      string `json:"name"`
	Count     int64  `json:"count"`
}

// TopConcepts returns the n (1 to MaxTopConcepts) standard concepts of the
// event domain d that the most persons of the cohort def have, most first
// (ties by concept id), with their names from the concept table. Events
// count under the domain search_events files them in, exact concepts only
// (no roll-up to ancestors). After the cohort's Count it reads the persons
// Count kept instead of running the cohort's query again.
func (e *Engine) TopConcepts(ctx context.Context, def *cohort.Definition, d cohort.Domain, n int) ([]ConceptCount, error) {
	if !d.Valid() || d == cohort.DomainPerson {
		return nil, invalidf("top concepts: domain %q: want an event domain", d)
	}
	if n < 1 || n > MaxTopConcepts {
		return nil, invalidf("top concepts: n = %d: want 1 to %d", n, MaxTopConcepts)
	}
	persons, err := e.personIDs(ctx)
	if err != nil {
		return nil, err
	}
	params := string(d) + "\x00" + strconv.Itoa(n)
	top, err := run(ctx, e, def, "top_concepts", params, func(q cohort.Query) ([]ConceptCount, error) {
		// person_concept has a person once per domain and standard
		// concept, sorted by domain: counting its rows of the domain
		// counts distinct persons, and the scan reads that domain's row
		// groups only (concept_person has the same pairs among 140M rows
		// of every domain and ancestor).
		c, ok := e.cachedPersons(def, persons)
		if !ok && persons.bitstring() {
			// Counting first keeps the cohort's persons for the scan
			// below, and the count for the Count that usually follows. At
			// 1,000,000 persons the two took 80-126 ms for the cohorts of
			// one concept or a few and 225-401 for those of many events
			// (07, 08, 10, 11), where the join below took 57-181 and
			// 221-434 ms.
			if _, err := e.Count(ctx, def); err != nil {
				return nil, err
			}
			c, ok = e.cachedPersons(def, persons)
		}
		var b sqlb.Builder
		b.SQL("SELECT t.concept_id, COALESCE(c.concept_name, '') AS name, t.persons FROM (\n  SELECT concept_id, count(*) AS persons FROM ")
		if ok {
			// The cohort's persons, kept by Count, as a constant
			// bitstring of the person ids that each row looks its person
			// up in: at 1,000,000 persons, 72-94 ms on the 8.1M condition
			// rows whatever the cohort.
			if c.count == 0 {
				return []ConceptCount{}, nil
			}
			e.table(&b, cdrindex.PersonConcept).SQL("\n  WHERE domain = ").Arg(string(d), "VARCHAR").SQL(" AND ")
			personIn(&b, c, persons)
		} else {
			// Ids too spread for a bitstring, or the persons already
			// evicted from the cache. The cohort should be the join's
			// hash table, whose persons filter the scan (DuckDB pushes a
			// Bloom filter of them into it); the LIMIT, search_person's
			// size, never cuts but caps the cohort's estimate, as in
			// demographicsSQL: without it DuckDB built the table on the
			// 8.1M condition rows at 1,000,000 persons and probed it with
			// a cohort of 4,220 rows (1.6 s instead of 0.25 s under load).
			e.table(&b, cdrindex.PersonConcept).SQL("\n  WHERE domain = ").Arg(string(d), "VARCHAR").SQL(" AND person_id IN (\n  SELECT person_id FROM (\n")
			b.AddQuery(q.SQL, q.Args).SQL("\n  ) LIMIT ").Arg(persons.count, "BIGINT").SQL("\n  )")
		}
		b.SQL("\n  GROUP BY concept_id ORDER BY persons DESC, concept_id LIMIT ").Arg(int64(n), "BIGINT")
		e.table(b.SQL("\n) t LEFT JOIN "), cdrindex.Concept).SQL(" c ON c.concept_id = t.concept_id\nORDER BY t.persons DESC, t.concept_id")
		out := []ConceptCount{}
		err := e.query(ctx, "top_concepts", &b, func(r *sql.Rows) error {
			var cc ConceptCount
			if err := r.Scan(&cc.ConceptID, &cc.Name, &cc.Count); err != nil {
				return err
			}
			out = append(out, cc)
			return nil
		})
		return out, err
	})
	return slices.Clone(top), err
}

// participantPage is a cached page of Participants.
type participantPage struct {
	ids   []int64
	total int64
}

// Participants returns page page (from 0) of size size (1 to MaxPageSize)
// of the cohort's person ids in ascending order, and the cohort's size. A
// page past the end is empty. Person ids are row-level data: callers gate
// this method by tier.
func (e *Engine) Participants(ctx context.Context, def *cohort.Definition, page, size int) (ids []int64, total int64, err error) {
	if page < 0 {
		return nil, 0, invalidf("participants: page %d: want 0 or more", page)
	}
	if size < 1 || size > MaxPageSize {
		return nil, 0, invalidf("participants: page size %d: want 1 to %d", size, MaxPageSize)
	}
	if page > math.MaxInt64/size {
		return nil, 0, invalidf("participants: page %d is too large", page)
	}
	total, err = e.Count(ctx, def)
	if err != nil {
		return nil, 0, err
	}
	persons, err := e.personIDs(ctx)
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
		if c, ok := e.cachedPersons(def, persons); ok {
			// The count just kept the persons: the page is read from them.
			p.ids = c.page(persons.min, offset, size)
			return p, nil
		}
		var b sqlb.Builder
		b.SQL("SELECT person_id FROM (\n").AddQuery(q.SQL, q.Args).SQL("\n) ORDER BY person_id LIMIT ").Arg(int64(size), "BIGINT").SQL(" OFFSET ").Arg(offset, "BIGINT")
		err := e.query(ctx, "participants", &b, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			p.ids = append(p.ids, id)
			return nil
		})
		return p, err
	})
	if err != nil {
		return nil, 0, err
	}
	return slices.Clone(p.ids), p.total, nil
}

// SQL returns the query the engine runs for def's persons: cohort.Compile
// with the engine's options.
func (e *Engine) SQL(def *cohort.Definition) (cohort.Query, error) {
	if def == nil {
		return cohort.Query{}, invalidf("no definition")
	}
	return cohort.Compile(def, e.opt.Compile)
}

// table writes the name of the table, an index table or the vocabulary's
// concept, in the schema of the engine's compile options.
func (e *Engine) table(b *sqlb.Builder, name string) *sqlb.Builder {
	return b.Table(e.opt.Compile.Schema, name)
}

// run compiles def and computes op's result with compute, unless the
// cache has it under (version, op, params, canonical def).
func run[T any](ctx context.Context, e *Engine, def *cohort.Definition, op, params string, compute func(cohort.Query) (T, error)) (T, error) {
	return runWith(ctx, e, def, op, params, e.opt.Compile, compute)
}

// runWith is run with def compiled under opt.
func runWith[T any](ctx context.Context, e *Engine, def *cohort.Definition, op, params string, opt cohort.Options, compute func(cohort.Query) (T, error)) (T, error) {
	var zero T
	if def == nil {
		return zero, invalidf("%s: no definition", strings.ReplaceAll(op, "_", " "))
	}
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("engine: %s: %w", op, err)
	}
	return cached(e, op, runKey(params, def), func() (T, error) {
		q, err := cohort.Compile(def, opt)
		if err != nil {
			return zero, err
		}
		return compute(q)
	})
}

// query runs q and calls scan for each row, logging op and how long it
// took. When ctx ends during the query the error matches ctx.Err().
func (e *Engine) query(ctx context.Context, op string, q *sqlb.Builder, scan func(*sql.Rows) error) error {
	start := time.Now()
	err := func() error {
		rows, err := e.db.QueryContext(ctx, q.String(), q.Args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}()
	e.log.DebugContext(ctx, "engine query", "op", op, "duration", time.Since(start))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("engine: %s: %w", op, ctxErr)
		}
		return fmt.Errorf("engine: %s: %w", op, err)
	}
	return nil
}

// invalidf returns an error for a bad argument of an engine call: it
// matches cohort.ErrInvalid like the problems of a definition.
func invalidf(format string, args ...any) error {
	return fault.At(cohort.ErrInvalid, "", format, args...)
}
