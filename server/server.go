package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/public"
)

// Defaults of a Config.
const (
	DefaultAddr    = "127.0.0.1:8080"
	DefaultMaxBody = 1 << 20
	DefaultTimeout = 60 * time.Second
	// DefaultExportTimeout bounds a dataset export, which streams a table
	// of any size; the client going away still cancels it at once.
	DefaultExportTimeout = 4 * time.Hour
	// DefaultMaxNotebookBody caps a notebook, whose outputs (plots,
	// tables) make it larger than any other body.
	DefaultMaxNotebookBody = 32 << 20
	DefaultMaxDepth        = 32
	// DefaultNotebookQuota bounds the notebooks of one workspace: 32
	// notebooks of the largest size.
	DefaultNotebookQuota = 1 << 30
	// DefaultRegistrationRate and DefaultRegistrationBurst bound the
	// self-registrations of all clients: 10 at once, then one a minute.
	DefaultRegistrationRate  = 1.0 / 60
	DefaultRegistrationBurst = 10
	// DefaultShutdown is how long Serve waits for requests in flight when
	// its context ends.
	DefaultShutdown = 10 * time.Second
)

// Config configures a Server. The zero value works: every field has a
// default.
type Config struct {
	// Addr is where the command listens; DefaultAddr when empty. Serve
	// takes its listener from the caller.
	Addr string
	// MaxBody caps a request body in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Timeout bounds each request; its end cancels the query running.
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// ExportTimeout bounds a dataset export instead of Timeout; 0 means
	// DefaultExportTimeout.
	ExportTimeout time.Duration
	// MaxNotebookBody caps the body of a notebook instead of MaxBody; 0
	// means DefaultMaxNotebookBody.
	MaxNotebookBody int64
	// NotebookQuota bounds the bytes of each workspace's folder of
	// notebooks (see notebook.Files.Quota): a save past it is 413. 0 means
	// DefaultNotebookQuota.
	NotebookQuota int64
	// MaxDepth bounds the nesting of a JSON body; 0 means DefaultMaxDepth.
	MaxDepth int
	// RateLimit limits requests to /v1/public/ and /v1/register per
	// client (IP address).
	RateLimit RateLimit
	// RegistrationLimit limits self-registrations of all clients
	// together, on top of the per-client RateLimit, so that many addresses
	// cannot register many accounts: Rate per second, Burst at once (its
	// MaxClients is unused). Zero fields take DefaultRegistrationRate and
	// DefaultRegistrationBurst.
	RegistrationLimit RateLimit
	// TrustedProxies are the operator's reverse proxies (see ParseProxies):
	// a request from one of them is rate limited on the right-most address
	// of X-Forwarded-For that is not one of them. Empty: the header is
	// ignored and the limit keys on the connection's address.
	TrustedProxies []netip.Prefix
	// CloseRegistration refuses self-registration (POST /v1/register)
	// with 403; users are then added by an administrator. The zero value
	// leaves it open.
	CloseRegistration bool
	// Policy is the access policy of the decisions.
	Policy access.Policy
	// Now is the clock of decisions and audit records; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request that failed on the server's
	// side (5xx), with the cause the client does not see; nil discards.
	Logger *slog.Logger
}

// RateLimit configures the per-client limiter of the public tier (see
// access.Limiter); zero fields take its defaults.
type RateLimit struct {
	Rate       float64
	Burst      int
	MaxClients int
}

// Deps are what the server serves. A full server has an Engine and a
// Store; a public one has neither, only a Release and a Schema, and
// serves the public tier, the data dictionary and its own documents: a
// public deployment holds no row-level data.
type Deps struct {
	// Engine runs cohort and concept queries over the indexed CDR.
	Engine workbench.Engine
	// Store holds users, tokens, workspaces and the audit log.
	Store *store.Store
	// Release is the public release that the public tier answers from.
	Release *public.Release
	// Schema is the CDR's schema: the data dictionary.
	Schema *cdr.Schema
	// Index describes the CDR's index.
	Index cdr.IndexInfo
	// NotebookDir is the folder of the workspaces' notebooks, one folder
	// per workspace holding its .ipynb files (see notebook.Files); the
	// commands use DATA/notebooks. Empty: the notebook routes answer 404,
	// saying that this server keeps no notebooks.
	NotebookDir string
	// Site makes the web pages (package web) over the services, served
	// for every path that is not the API's (/v1/..., /healthz); nil serves
	// none.
	Site func(*app.App) (http.Handler, error)
	// Outbox delivers the messages of registration, the first token
	// among them (see Outbox). Nil: self-registration answers 403, and
	// users are added by an administrator.
	Outbox app.Outbox
	// Labs are the running JupyterLab servers of the web pages (package
	// jupyter's Manager, which Site mounts): the services stop a user's
	// when the user loses the lab. Nil: the server runs none.
	Labs app.LabServers
	// Services, when not nil, are the services the handlers call instead
	// of those built over Store and Engine: a test of the handlers gives
	// fakes here, and needs no CDR.
	Services *app.App
}

// Server is the HTTP API. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	limiter *access.Limiter
	svc     *app.App
	router  *mux.Router

	// registrations is the global limit of self-registration.
	registrations *access.Limiter
	// site is the web pages, or nil.
	site http.Handler
	// full is a server of every route; otherwise it serves the public
	// tier only.
	full bool
}

// New returns a server of cfg over deps, after checking both.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ExportTimeout == 0 {
		cfg.ExportTimeout = DefaultExportTimeout
	}
	if cfg.MaxNotebookBody == 0 {
		cfg.MaxNotebookBody = DefaultMaxNotebookBody
	}
	if cfg.NotebookQuota == 0 {
		cfg.NotebookQuota = DefaultNotebookQuota
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBody < 0 || cfg.Timeout < 0 || cfg.ExportTimeout < 0 || cfg.MaxNotebookBody < 0 || cfg.MaxDepth < 0 || cfg.NotebookQuota < 0 {
		return nil, errors.New("server: negative MaxBody, MaxNotebookBody, NotebookQuota, Timeout, ExportTimeout or MaxDepth")
	}
	limiter := &access.Limiter{Rate: cfg.RateLimit.Rate, Burst: cfg.RateLimit.Burst, MaxClients: cfg.RateLimit.MaxClients}
	if cfg.RegistrationLimit.Rate == 0 {
		cfg.RegistrationLimit.Rate = DefaultRegistrationRate
	}
	if cfg.RegistrationLimit.Burst == 0 {
		cfg.RegistrationLimit.Burst = DefaultRegistrationBurst
	}
	// One client, everyone: the limit is global.
	registrations := &access.Limiter{Rate: cfg.RegistrationLimit.Rate, Burst: cfg.RegistrationLimit.Burst, MaxClients: 1}
	for _, v := range []interface{ Validate() error }{limiter, registrations} {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	full := deps.Services != nil || deps.Engine != nil && deps.Store != nil
	switch {
	case deps.Schema == nil && deps.Services == nil:
		return nil, errors.New("server: Deps needs a Schema")
	case deps.Services == nil && !full && (deps.Engine != nil || deps.Store != nil):
		return nil, errors.New("server: Deps needs both Engine and Store, or neither for a public server")
	case !full && deps.Release == nil:
		return nil, errors.New("server: a public server (no Engine, no Store) needs a Release")
	}
	// No save runs yet: a temporary file is what a killed save left.
	if n, err := (notebook.Files{Root: deps.NotebookDir}).RemoveLeftovers(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	} else if n > 0 {
		cfg.Logger.Info("removed the temporary files of interrupted notebook saves", "files", n)
	}
	svc := deps.Services
	if svc == nil {
		var err error
		svc, err = app.New(app.Config{
			Store: deps.Store, Engine: deps.Engine, Schema: deps.Schema, CDRVersion: deps.Index.VersionID,
			NotebookDir: deps.NotebookDir, NotebookQuota: cfg.NotebookQuota,
			Policy: cfg.Policy, Release: deps.Release, CloseRegistration: cfg.CloseRegistration, Outbox: deps.Outbox,
			LabServers: deps.Labs, Now: cfg.Now, Logger: cfg.Logger,
		})
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	s := &Server{cfg: cfg, deps: deps, log: cfg.Logger, limiter: limiter, svc: svc, registrations: registrations, full: full}
	if deps.Site != nil {
		site, err := deps.Site(svc)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.site = site
	}
	s.router = s.newRouter()
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Serve answers requests on l until ctx ends, then shuts down gracefully:
// it stops accepting, waits up to DefaultShutdown for requests in flight,
// and returns nil.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.router,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdown)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// route is one endpoint: what openapi.json must describe, and how the
// server treats its requests before the service decides them.
type route struct {
	method, path string
	rules        rules
	handler      http.HandlerFunc
}

// rules are what the server itself applies to a route's requests: whether
// an anonymous caller reaches the service at all (access.Decide, called by
// the service, decides everything else), and the bounds of time and body,
// where zero means the Config's.
type rules struct {
	open    bool
	timeout time.Duration
	maxBody int64
}

// The rules of most routes.
var (
	open  = rules{open: true}
	login = rules{}
)

// routes lists every endpoint of the API: the ones below, then those of
// each subject, listed in the subject's file.
func (s *Server) routes() []route {
	return slices.Concat(s.coreRoutes(), s.publicRoutes(), s.conceptRoutes(), s.reviewRoutes(), s.datasetRoutes(), s.notebookRoutes(), s.helpRoutes(), s.circeRoutes())
}

func (s *Server) coreRoutes() []route {
	return []route{
		{http.MethodGet, "/healthz", open, s.health},
		{http.MethodGet, "/v1/openapi.json", open, s.openAPI},
		{http.MethodGet, "/v1/dictionary", open, s.dictionary},
		{http.MethodGet, "/v1/dictionary/{table}", open, s.dictionaryTable},
		{http.MethodPost, registerPath, open, s.register},
		{http.MethodGet, "/v1/me", login, s.me},
		{http.MethodPost, "/v1/me/steps/{step}", login, s.completeStep},
		{http.MethodPost, "/v1/workspaces/{ws}/cohorts/count", login, s.cohortCount},
		{http.MethodPost, "/v1/workspaces/{ws}/cohorts/demographics", login, s.cohortDemographics},
		{http.MethodGet, "/v1/workspaces", login, s.listWorkspaces},
		{http.MethodPost, "/v1/workspaces", login, s.createWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}", login, s.getWorkspace},
		{http.MethodPatch, "/v1/workspaces/{ws}", login, s.updateWorkspace},
		{http.MethodDelete, "/v1/workspaces/{ws}", login, s.deleteWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}/collaborators", login, s.collaborators},
		{http.MethodPut, "/v1/workspaces/{ws}/collaborators/{email}", login, s.share},
		{http.MethodDelete, "/v1/workspaces/{ws}/collaborators/{email}", login, s.unshare},
		{http.MethodPost, "/v1/workspaces/{ws}/duplicate", login, s.duplicateWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts", login, s.listCohorts},
		{http.MethodPost, "/v1/workspaces/{ws}/cohorts", login, s.saveCohort},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}", login, s.getCohort},
		{http.MethodPut, "/v1/workspaces/{ws}/cohorts/{id}", login, s.saveCohort},
		{http.MethodDelete, "/v1/workspaces/{ws}/cohorts/{id}", login, s.deleteCohort},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/count", login, s.savedCount},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/demographics", login, s.savedDemographics},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/top-concepts", login, s.savedTopConcepts},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/participants", login, s.savedParticipants},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/sql", login, s.savedSQL},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets", login, s.listConceptSets},
		{http.MethodPost, "/v1/workspaces/{ws}/concept-sets", login, s.saveConceptSet},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets/{id}", login, s.getConceptSet},
		{http.MethodPut, "/v1/workspaces/{ws}/concept-sets/{id}", login, s.saveConceptSet},
		{http.MethodDelete, "/v1/workspaces/{ws}/concept-sets/{id}", login, s.deleteConceptSet},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets/{id}/concepts", login, s.expandConceptSet},
		{http.MethodGet, "/v1/admin/users", login, s.listUsers},
		{http.MethodPost, "/v1/admin/users/{id}/approve", login, s.approveUser},
		{http.MethodPost, "/v1/admin/users/{id}/disable", login, s.disableUser},
		{http.MethodPost, "/v1/admin/users/{id}/enable", login, s.enableUser},
		{http.MethodGet, "/v1/admin/audit", login, s.auditLog},
	}
}

// publicPrefix is the public tier's routes, which are rate limited.
const publicPrefix = "/v1/public/"

func (s *Server) newRouter() *mux.Router {
	// rejectUnclean refuses unclean paths instead of mux's redirect.
	r := mux.NewRouter().SkipClean(true)
	r.Use(s.rejectUnclean)
	r.NotFoundHandler = s.wrap(true, s.cfg.Timeout, s.cfg.MaxBody, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, workbench.ErrNotFound)
	}))
	if s.site != nil {
		// The site takes what no API route matches, outside the API's
		// paths: an unknown /v1 path stays a problem+json 404.
		api := r.NotFoundHandler
		r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if p := req.URL.Path; p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/healthz" {
				api.ServeHTTP(w, req)
				return
			}
			s.site.ServeHTTP(w, req)
		})
	}
	r.MethodNotAllowedHandler = s.wrap(true, s.cfg.Timeout, s.cfg.MaxBody, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, workbench.ErrMethod)
	}))
	r.MethodNotAllowedHandler = s.rejectUnclean(r.MethodNotAllowedHandler)
	for _, rt := range s.routes() {
		if !s.serves(rt) {
			continue
		}
		timeout, maxBody := s.cfg.Timeout, s.cfg.MaxBody
		if rt.rules.timeout > 0 {
			timeout = rt.rules.timeout
		}
		if rt.rules.maxBody > 0 {
			maxBody = rt.rules.maxBody
		}
		methods := []string{rt.method}
		if rt.method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		r.Handle(rt.path, s.wrap(rt.rules.open, timeout, maxBody, rt.handler)).Methods(methods...)
	}
	return r
}

// serves reports whether this server serves rt: a public server serves
// the public tier, the data dictionary and its own documents only.
func (s *Server) serves(rt route) bool {
	if s.full {
		return true
	}
	return rt.rules.open && rt.path != registerPath
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	version := s.deps.Index.VersionID
	if version == "" && s.deps.Release != nil {
		version = s.deps.Release.Manifest().CDRVersionID
	}
	s.encode(w, r, http.StatusOK, workbench.Health{Status: "ok", CDRVersion: version})
}
