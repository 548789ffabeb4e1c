// Package app holds the application services of the workbench: every
// action a user takes, whichever front end they take it through (the
// HTTP API, the web pages, the command line). Each service method reads
// the user from the context (workbench.UserFrom), asks access.Decide
// through one gate, does the work on the state store and the cohort
// engine, and writes the audit log; so a front end holds no policy and
// no SQL, and the same action is decided and audited the same way from
// everywhere.
//
// [New] builds an [App] of every service over a store and an engine.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/public"
)

// Config is what the services are made of. Store is required; the
// services that read the CDR need Engine and Schema, and are left nil
// without them. The zero value of every other field works.
type Config struct {
	// Store holds users, tokens, workspaces, saved work and the audit
	// log.
	Store *store.Store
	// Engine runs cohort and concept queries over the indexed CDR: package
	// engine's over DuckDB, or package spark's over a Spark cluster.
	Engine workbench.Engine
	// Schema is the CDR's schema: the data dictionary.
	Schema *cdr.Schema
	// CDRVersion is the version id of the CDR's index; reviews record it.
	CDRVersion string
	// NotebookDir is the folder of the workspaces' notebooks, one folder
	// per workspace; empty means this deployment keeps no notebooks.
	NotebookDir string
	// NotebookQuota bounds the bytes of each workspace's notebooks; 0
	// means no bound.
	NotebookQuota int64
	// Policy is the access policy of the decisions.
	Policy access.Policy
	// Release is the public release the public tier answers from; nil
	// leaves the public tier unavailable.
	Release *public.Release
	// CloseRegistration refuses self-registration; users are then added
	// by an administrator.
	CloseRegistration bool
	// Outbox delivers the messages of registration, the first token among
	// them; nil refuses self-registration.
	Outbox Outbox
	// Now is the clock of decisions and audit records; nil means
	// time.Now.
	Now func() time.Time
	// LabServers are the running JupyterLab servers of the workspaces,
	// which the services stop when their users lose them; nil when the
	// server runs none.
	LabServers LabServers
	// Logger receives what the services cannot report to their caller (an
	// audit record not written); nil discards.
	Logger *slog.Logger
}

// The DuckDB engine is one that the services run on; package spark's is
// the other.
var _ workbench.Engine = (*engine.Engine)(nil)

// App is every service of the workbench, as the interfaces of the domain
// that the front ends call; a test of a front end may fill it with fakes.
type App struct {
	Auth        workbench.Authenticator
	Accounts    workbench.AccountService
	Admin       workbench.AdminService
	Workspaces  workbench.WorkspaceService
	Cohorts     workbench.CohortService
	Circe       workbench.CirceService
	ConceptSets workbench.ConceptSetService
	Concepts    workbench.ConceptService
	Datasets    workbench.DatasetService
	// Exports streams datasets in a wire format; nil in a test of pages
	// that export nothing.
	Exports    Exporter
	Reviews    workbench.ReviewService
	Notebooks  notebook.Service
	Dictionary workbench.DictionaryService
	Public     workbench.PublicService
	Help       workbench.HelpService
	// Sessions signs users in and out of the web pages.
	Sessions Sessions
	// Steps records the data access steps of the web pages: profile,
	// ethics training, code of conduct.
	Steps Steps
	// Tokens is the signed-in user's own API tokens.
	Tokens Tokens
	// Labs opens the workspaces' JupyterLab.
	Labs *Labs
}

// Exporter streams a domain of a saved dataset: write receives its
// columns and rows and answers how many rows it wrote.
type Exporter interface {
	Export(ctx context.Context, ws, id string, domain cohort.Domain, write func([]export.Column, export.Rows) (int64, error)) error
}

// New builds the services of cfg, after checking it. Without a Store it
// builds those of a public server only: Public and Dictionary, which
// answer anonymous callers and keep no audit log.
func New(cfg Config) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	g := &gate{store: cfg.Store, policy: cfg.Policy, now: cfg.Now, log: cfg.Logger}
	if cfg.Store == nil {
		return &App{Dictionary: Dictionary{gate: g, schema: cfg.Schema}, Public: Public{gate: g, release: cfg.Release}}, nil
	}
	files := notebook.Files{Root: cfg.NotebookDir, Quota: cfg.NotebookQuota}
	cohorts := Cohorts{gate: g, store: cfg.Store, engine: cfg.Engine}
	labs := &Labs{gate: g, store: cfg.Store, files: files, servers: cfg.LabServers}
	datasets := Datasets{gate: g, store: cfg.Store, engine: cfg.Engine}
	return &App{
		Auth:        Auth{store: cfg.Store, now: cfg.Now},
		Accounts:    Accounts{gate: g, closed: cfg.CloseRegistration, outbox: cfg.Outbox},
		Admin:       Admin{gate: g, store: cfg.Store, labs: labs},
		Workspaces:  Workspaces{gate: g, store: cfg.Store, notebooks: files, labs: labs},
		Cohorts:     cohorts,
		ConceptSets: cohorts,
		Circe:       Circe{gate: g, store: cfg.Store, engine: cfg.Engine},
		Concepts:    Concepts{gate: g, engine: cfg.Engine},
		Datasets:    datasets,
		Exports:     datasets,
		Reviews:     Reviews{saved: cohorts, version: cfg.CDRVersion},
		Notebooks:   Notebooks{gate: g, store: cfg.Store, files: files},
		Dictionary:  Dictionary{gate: g, schema: cfg.Schema},
		Public:      Public{gate: g, release: cfg.Release},
		Help:        Help{gate: g, desk: HelpDesk{Store: cfg.Store}},
		Sessions:    Sessions{gate: g, closed: cfg.CloseRegistration, outbox: cfg.Outbox},
		Steps:       Steps{gate: g, store: cfg.Store},
		Tokens:      Tokens{gate: g, store: cfg.Store},
		Labs:        labs,
	}, nil
}
