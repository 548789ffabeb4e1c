package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// FileName is the name of the state file in the data directory.
const FileName = "state.duckdb"

// Options configure a Store. The zero value uses the wall clock, the
// default access policy and no logging.
type Options struct {
	// Now is the clock that stamps creations and changes; nil means
	// time.Now.
	Now func() time.Time
	// Policy sets the expiry of requirement records that are put without
	// one.
	Policy access.Policy
	// Logger receives migrations and checkpoints; nil discards.
	Logger *slog.Logger
}

// Store is an open state file. Its methods are safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	now    func() time.Time
	policy access.Policy
	log    *slog.Logger

	// mu serializes write transactions: DuckDB would abort one of two
	// concurrent transactions that touch the same rows, and the checks
	// done before a write (a name already taken) need the writes to be
	// one at a time to hold.
	mu     sync.Mutex
	closed bool // under mu

	// gen counts the writes committed, the audit log's aside; the memos
	// of the lookups hold values of one generation.
	gen        atomic.Uint64
	tokens     memo[string, authenticated]
	records    memo[string, []access.Record]
	roles      memo[[2]string, access.Role]
	workspaces memo[string, workbench.Workspace]
}

// openFiles is the set of state files open in this process. DuckDB's
// file lock keeps other processes out, but a second database instance in
// the same process would write the same file beside the first.
var openFiles = struct {
	sync.Mutex
	paths map[string]bool
}{paths: map[string]bool{}}

// Open opens the state file of the data directory dataDir, creating the
// directory and the file when absent, and applies the migrations the file
// lacks.
func Open(ctx context.Context, dataDir string, opt Options) (*Store, error) {
	if err := opt.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dataDir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dataDir, err)
	}
	path := filepath.Join(dir, FileName)
	if strings.Contains(path, "?") {
		// The driver reads what follows a ? as options.
		return nil, fmt.Errorf("%w: data directory %s: a path with ? cannot be opened", workbench.ErrInvalid, dir)
	}
	openFiles.Lock()
	defer openFiles.Unlock()
	if openFiles.paths[path] {
		return nil, fmt.Errorf("store: %s is already open in this process", path)
	}
	// One thread and 1 GB: the state's queries are small, and the cores
	// and memory are for the CDR's engine in the same process (DuckDB's
	// default limit, 80% of RAM, would be claimed by both). A second
	// thread only passed each small query between threads: the server's
	// authorization matrix, journey and bad-input tests took 9.7-10.4 s of
	// CPU with two, 8.2-9.1 s with one.
	connector, err := duckdb.NewConnector(path+"?threads=1&memory_limit=1GB", nil)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, cleanError(err))
	}
	s := &Store{db: sql.OpenDB(connector), path: path, now: opt.Now, policy: opt.Policy, log: opt.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close() // closes the connector too
		return nil, err
	}
	openFiles.paths[path] = true
	return s, nil
}

// Path is the state file's path.
func (s *Store) Path() string { return s.path }

// Close checkpoints the write-ahead log into the state file, so that the
// next Open need not replay it, and closes the file. Closing a closed
// store does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	_, errCheckpoint := s.db.ExecContext(context.Background(), "CHECKPOINT")
	errClose := s.db.Close()
	openFiles.Lock()
	delete(openFiles.paths, s.path)
	openFiles.Unlock()
	if err := errors.Join(errCheckpoint, errClose); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, cleanError(err))
	}
	return nil
}

// write runs fn in one transaction, committed when fn returns nil, and
// moves the generation, which empties the memos. Writes are one at a
// time. Every change of what the lookups read goes through here (or the
// memos would serve what it changed).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	err = tx.Commit()
	// Even when Commit fails: whether it changed anything is unknown.
	s.gen.Add(1)
	if err != nil {
		return dbError(err)
	}
	return nil
}

// read runs fn in a transaction that is rolled back, so that several
// queries see one snapshot. (The driver has no read-only transactions.)
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// queryer is what reads need: the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbError turns a DuckDB error into the package's: a constraint violation
// is ErrConflict (the checks before each write should have caught it
// first), anything else keeps only DuckDB's first line.
func dbError(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeConstraint {
		return fmt.Errorf("%w: %v", workbench.ErrConflict, cleanError(err))
	}
	return fmt.Errorf("store: %w", cleanError(err))
}

func cleanError(err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return err
	}
	msg := de.Msg
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(msg)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID makes an id: a prefix that says what it names and 80 random bits.
func newID(prefix string) string {
	b := make([]byte, 10)
	rand.Read(b)
	return prefix + idEncoding.EncodeToString(b)
}

// stamp is the clock's time as the file keeps it: UTC, microseconds.
func (s *Store) stamp() time.Time { return norm(s.now()) }

// norm is t as the file keeps it, so that what a method returns equals
// what a later read gives.
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: norm(t), Valid: true}
}

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// cleanName trims a name and refuses an empty one.
func cleanName(what, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("%w: %s: empty name", workbench.ErrInvalid, what)
	}
	return name, nil
}
