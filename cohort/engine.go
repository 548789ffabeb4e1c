package cohort

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	lru "github.com/hashicorp/golang-lru/v2"
)

// EngineOptions configure an Engine. The zero value works.
type EngineOptions struct {
	// CacheSize is how many results the engine keeps; 0 means 4096.
	CacheSize int
	// Compile options for every query.
	Compile Options
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
	opt     EngineOptions
	cache   *lru.Cache[string, any]
	log     *slog.Logger
}

// NewEngine returns an engine over db, a database in which the index
// tables are visible (package cdr's CDR.DB). version identifies the CDR's
// content (cdr.IndexInfo.VersionID); results cached under one version are
// never served for another.
func NewEngine(db *sql.DB, version string, opt EngineOptions) (*Engine, error) {
	if db == nil {
		return nil, errors.New("cohort: engine: no database")
	}
	if version == "" {
		return nil, errors.New("cohort: engine: empty CDR version id")
	}
	size := opt.CacheSize
	if size <= 0 {
		size = 4096
	}
	cache, err := lru.New[string, any](size)
	if err != nil {
		return nil, fmt.Errorf("cohort: engine: %w", err)
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
	k := e.version + "\x00" + op + "\x00" + key
	if v, ok := e.cache.Get(k); ok {
		return v.(T), nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	e.cache.Add(k, v)
	return v, nil
}
