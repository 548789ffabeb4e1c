package synth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/openworkbench/workbench/cdr"
)

// Options configure Generate.
type Options struct {
	// Persons is the number of persons, ids 1 .. Persons; it must be
	// positive.
	Persons int
	// Seed chooses the persons: the same seed and Persons give the same
	// bytes in every file.
	Seed int64
	// EventsPerPerson is the mean number of clinical events per person:
	// rows of visit_occurrence, condition_occurrence, drug_exposure,
	// procedure_occurrence, measurement, observation and device_exposure.
	// Zero keeps the natural density, NaturalEventsPerPerson; another
	// value gives persons more (or fewer) visits, with the events at them,
	// while surveys and physical measurements stay as they are. Real OMOP
	// data has about ten times the natural density. It is approximate:
	// within about 10% from 100 to 2,000; above, the bound of 999 visits
	// a person holds the frailest back (3,000 gives about 2,650). It must
	// lie in [MinEventsPerPerson, MaxEventsPerPerson].
	EventsPerPerson int
	// Progress, when set, is told of the stages "vocabulary" and
	// "persons". It is never called by two goroutines at once.
	Progress cdr.Progress
}

// Summary tells what Generate wrote.
type Summary struct {
	Dir   string
	Rows  map[string]int64 // rows per table
	Parts int              // Parquet files per clinical table
}

// ClinicalTables are written as folders of part files, one part per block
// of persons; the vocabulary tables and cdm_source are single files.
var ClinicalTables = []string{
	"person", "observation_period", "visit_occurrence", "condition_occurrence", "drug_exposure",
	"procedure_occurrence", "measurement", "observation", "device_exposure", "death",
}

// The density of events: NaturalEventsPerPerson is the mean number of
// events per person when Options.EventsPerPerson is zero, of which about
// visitlessEvents (survey answers, physical measurements) come without a
// visit; both measured on 1,000 and 2,000 persons. The bounds keep a person within
// 999 visits and 9,999 rows per table.
const (
	NaturalEventsPerPerson = 160
	MinEventsPerPerson     = 50
	MaxEventsPerPerson     = 5000
	visitlessEvents        = 35
)

// density multiplies the rate of visits, whose events grow with it. The
// natural density is exactly 1, so that a zero EventsPerPerson writes the
// same bytes as before the option existed.
func (o Options) density() float64 {
	if o.EventsPerPerson == 0 {
		return 1
	}
	return float64(o.EventsPerPerson-visitlessEvents) / (NaturalEventsPerPerson - visitlessEvents)
}

// blockSize is how many persons go into one part file, and are held in
// memory at once by each worker. It depends on the options only, never on
// the machine, so the files do too. A denser CDR has smaller blocks, so
// that a block holds about as many rows at every density (at 1,500 events
// a person, blocks of 10,000 persons took 13 GB at once).
func (o Options) blockSize() int {
	n := min(10_000, max(500, (o.Persons+7)/8))
	if d := o.density(); d > 1 {
		n = max(100, int(float64(n)/d))
	}
	return n
}

// Generate writes a synthetic OMOP CDM v5.3 CDR of opt.Persons persons to
// the folder dir, which must not exist or be empty: <table>/part-NNNNN.parquet
// for the clinical tables and <table>.parquet for the vocabulary tables
// and cdm_source. The folder is assembled under a temporary name beside
// dir and renamed into place only when complete; on error or cancellation
// nothing is left behind.
func Generate(ctx context.Context, dir string, opt Options) (Summary, error) {
	if opt.Persons <= 0 {
		return Summary{}, fmt.Errorf("synth: persons must be positive, got %d", opt.Persons)
	}
	if e := opt.EventsPerPerson; e != 0 && (e < MinEventsPerPerson || e > MaxEventsPerPerson) {
		return Summary{}, fmt.Errorf("synth: events per person must be 0 (natural) or from %d to %d, got %d", MinEventsPerPerson, MaxEventsPerPerson, e)
	}
	if err := checkFree(dir); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	schema, err := cdr.SchemaFor(cdr.V53)
	if err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	// MkdirTemp makes the folder private; the CDR is an ordinary one.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	for _, t := range ClinicalTables {
		if err := os.Mkdir(filepath.Join(tmp, t), 0o755); err != nil {
			return Summary{}, fmt.Errorf("synth: %w", err)
		}
	}
	g := &generator{opt: opt, schema: schema, v: vocab(), dir: tmp, rows: map[string]int64{}}
	if err := g.run(ctx); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	done = true
	return Summary{Dir: dir, Rows: g.rows, Parts: g.blocks()}, nil
}

// checkFree fails unless dir is absent or an empty folder.
func checkFree(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s exists and is not empty", dir)
	}
	return nil
}

type generator struct {
	opt    Options
	schema *cdr.Schema
	v      *vocabulary
	dir    string

	mu      sync.Mutex // guards rows, written and calls of Progress
	rows    map[string]int64
	written int
}

func (g *generator) blocks() int {
	n := g.opt.blockSize()
	return (g.opt.Persons + n - 1) / n
}

// run hands out jobs to one worker per core: job -1 writes the vocabulary,
// job k >= 0 the persons of block k. Each worker owns a Parquet writer.
func (g *generator) run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for j := -1; j < g.blocks(); j++ {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), g.blocks()+1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.work(ctx, jobs); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

func (g *generator) work(ctx context.Context, jobs <-chan int) error {
	w, err := cdr.NewParquetWriter(ctx, g.schema)
	if err != nil {
		return err
	}
	defer w.Close()
	b := &block{v: g.v, seed: g.opt.Seed, density: g.opt.density()}
	for j := range jobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if j < 0 {
			if err := g.writeVocabulary(ctx, w); err != nil {
				return err
			}
			continue
		}
		if err := g.writeBlock(ctx, w, b, j); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) writeVocabulary(ctx context.Context, w *cdr.ParquetWriter) error {
	g.progress("vocabulary", 0)
	for _, rs := range g.v.tables(g.opt) {
		if err := rs.write(ctx, w, filepath.Join(g.dir, rs.table+".parquet")); err != nil {
			return err
		}
		g.count(rs.table, rs.n, 0)
	}
	g.progress("vocabulary", 1)
	return nil
}

func (g *generator) writeBlock(ctx context.Context, w *cdr.ParquetWriter, b *block, k int) error {
	size := g.opt.blockSize()
	first := k*size + 1
	last := min(g.opt.Persons, first+size-1)
	b.reset()
	for id := first; id <= last; id++ {
		b.generate(int64(id))
	}
	name := fmt.Sprintf("part-%05d.parquet", k)
	for _, rs := range b.tables() {
		if err := rs.write(ctx, w, filepath.Join(g.dir, rs.table, name)); err != nil {
			return err
		}
		g.count(rs.table, rs.n, 0)
	}
	g.count("", 0, last-first+1)
	return nil
}

func (g *generator) count(table string, rows, persons int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if table != "" {
		g.rows[table] += int64(rows)
	}
	if persons > 0 {
		g.written += persons
		g.progressLocked("persons", g.written, g.opt.Persons)
	}
}

func (g *generator) progress(stage string, done int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	total := 1
	if stage == "persons" {
		total = g.opt.Persons
	}
	g.progressLocked(stage, done, total)
}

func (g *generator) progressLocked(stage string, done, total int) {
	if g.opt.Progress != nil {
		g.opt.Progress(stage, done, total)
	}
}
