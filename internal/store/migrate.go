package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench"
)

// migrationFiles are the schema's history: migrations/NNNN_what.sql,
// numbered from 1 without gaps. A migration, once released, never changes:
// a change of schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the embedded migrations in order and checks their
// numbering.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for i, name := range names { // Glob sorts by name, and the numbers are zero-padded
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("store: migration %s: want number %04d", base, i+1)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(text)})
	}
	return out, nil
}

// SchemaVersion is the schema version this program writes: the number of
// its last migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate brings the file's schema to SchemaVersion, one transaction per
// migration that records its version in the same transaction, so that a
// crash leaves the file at one version or the next.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("store: %s: %w", s.path, cleanError(err))
	}
	current, err := s.version(ctx)
	if err != nil {
		return err
	}
	if known := len(ms); current > known {
		return fmt.Errorf("%w: %s has schema version %d; this program knows versions up to %d (a newer workbench wrote it)",
			workbench.ErrInvalid, s.path, current, known)
	}
	for _, m := range ms[current:] {
		if err := s.apply(ctx, m); err != nil {
			return err
		}
		s.log.Info("store: migrated", "file", s.path, "version", m.version, "migration", m.name)
	}
	return nil
}

func (s *Store) version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT max(version) FROM schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: %s: reading the schema version: %w", s.path, cleanError(err))
	}
	return int(v.Int64), nil
}

func (s *Store) apply(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, cleanError(err))
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version VALUES (?, ?, ?)", m.version, m.name, s.stamp()); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, cleanError(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, cleanError(err))
	}
	return nil
}
