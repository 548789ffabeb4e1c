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

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
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
	// Disclosure controls every public number.
	Disclosure access.Disclosure
	// PublicShape restricts public cohort counts.
	PublicShape access.PublicShape
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

// Deps are the services the server calls.
type Deps struct {
	// Engine runs cohort and concept queries over the indexed CDR.
	Engine *cohort.Engine
	// Store holds users, tokens, workspaces and the audit log.
	Store *store.Store
	// Schema is the CDR's schema: the data dictionary.
	Schema *cdr.Schema
	// Index describes the CDR's index.
	Index cdr.IndexInfo
	// NotebookDir is the folder of the workspaces' notebooks, one folder
	// per workspace holding its .ipynb files (see notebook.Files); the
	// commands use DATA/notebooks. Empty: the notebook routes answer 404,
	// saying that this server keeps no notebooks.
	NotebookDir string
	// Outbox delivers the messages of registration, the first token
	// among them (see Outbox). Nil: self-registration answers 403, and
	// users are added by an administrator.
	Outbox Outbox
}

// Server is the HTTP API. Its methods are safe for concurrent use.
type Server struct {
	cfg        Config
	deps       Deps
	log        *slog.Logger
	limiter    *access.Limiter
	gate       *gate
	public     publicService
	cohorts    cohortService
	dict       dictionaryService
	workspaces workspaceService
	saved      savedService
	admin      adminService
	notebooks  notebookService
	router     *mux.Router

	// registrations is the global limit of self-registration.
	registrations *access.Limiter
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
	for _, v := range []interface{ Validate() error }{cfg.Disclosure, cfg.PublicShape, cfg.Policy, limiter, registrations} {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if deps.Engine == nil || deps.Store == nil || deps.Schema == nil {
		return nil, errors.New("server: Deps needs Engine, Store and Schema")
	}
	files := notebook.Files{Root: deps.NotebookDir, Quota: cfg.NotebookQuota}
	// No save runs yet: a temporary file is what a killed save left.
	if n, err := files.RemoveLeftovers(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	} else if n > 0 {
		cfg.Logger.Info("removed the temporary files of interrupted notebook saves", "files", n)
	}
	g := &gate{store: deps.Store, policy: cfg.Policy, now: cfg.Now, log: cfg.Logger}
	s := &Server{
		cfg:        cfg,
		deps:       deps,
		log:        cfg.Logger,
		limiter:    limiter,
		gate:       g,
		public:     publicService{gate: g, engine: deps.Engine, disclosure: cfg.Disclosure, shape: cfg.PublicShape},
		cohorts:    cohortService{gate: g, engine: deps.Engine},
		dict:       dictionaryService{gate: g, schema: deps.Schema},
		workspaces: workspaceService{gate: g, store: deps.Store, notebooks: files},
		saved:      savedService{gate: g, store: deps.Store, engine: deps.Engine},
		admin:      adminService{gate: g, store: deps.Store},
		notebooks:  notebookService{gate: g, store: deps.Store, files: files},
	}
	s.registrations = registrations
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

// route is one endpoint: what openapi.json must describe, and the action
// it asks access for ("" for the server's own documents).
type route struct {
	method, path string
	action       access.Action
	handler      http.HandlerFunc
}

// routes lists every endpoint of the API: the ones below, then those of
// each subject, listed in the subject's file.
func (s *Server) routes() []route {
	return slices.Concat(s.coreRoutes(), s.conceptRoutes(), s.reviewRoutes(), s.datasetRoutes(), s.notebookRoutes())
}

func (s *Server) coreRoutes() []route {
	return []route{
		{http.MethodGet, "/healthz", "", s.health},
		{http.MethodGet, "/v1/openapi.json", "", s.openAPI},
		{http.MethodGet, "/v1/dictionary", access.ViewDictionary, s.dictionary},
		{http.MethodGet, "/v1/dictionary/{table}", access.ViewDictionary, s.dictionaryTable},
		{http.MethodGet, "/v1/public/totals", access.BrowsePublic, s.publicTotals},
		{http.MethodGet, "/v1/public/demographics", access.BrowsePublic, s.publicDemographics},
		{http.MethodGet, "/v1/public/concepts", access.SearchConcepts, s.publicConcepts},
		{http.MethodGet, "/v1/public/concepts/{id}", access.BrowsePublic, s.publicConcept},
		{http.MethodGet, "/v1/public/surveys/{id}", access.BrowsePublic, s.publicSurvey},
		{http.MethodPost, "/v1/public/cohorts/count", access.PublicCohortCount, s.publicCohortCount},
		{http.MethodPost, registerPath, access.Register, s.register},
		{http.MethodGet, "/v1/me", access.ViewStatus, s.me},
		{http.MethodPost, "/v1/me/steps/{step}", access.CompleteStep, s.completeStep},
		{http.MethodPost, "/v1/workspaces/{ws}/cohorts/count", access.CohortCount, s.cohortCount},
		{http.MethodGet, "/v1/workspaces", access.ListWorkspaces, s.listWorkspaces},
		{http.MethodPost, "/v1/workspaces", access.CreateWorkspace, s.createWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}", access.ViewWorkspace, s.getWorkspace},
		{http.MethodPatch, "/v1/workspaces/{ws}", access.UpdateWorkspace, s.updateWorkspace},
		{http.MethodDelete, "/v1/workspaces/{ws}", access.DeleteWorkspace, s.deleteWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}/collaborators", access.ViewWorkspace, s.collaborators},
		{http.MethodPut, "/v1/workspaces/{ws}/collaborators/{email}", access.ShareWorkspace, s.share},
		{http.MethodDelete, "/v1/workspaces/{ws}/collaborators/{email}", access.ShareWorkspace, s.unshare},
		{http.MethodPost, "/v1/workspaces/{ws}/duplicate", access.DuplicateWorkspace, s.duplicateWorkspace},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts", access.ViewWorkspace, s.listCohorts},
		{http.MethodPost, "/v1/workspaces/{ws}/cohorts", access.CreateCohort, s.saveCohort},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}", access.ViewWorkspace, s.getCohort},
		{http.MethodPut, "/v1/workspaces/{ws}/cohorts/{id}", access.UpdateCohort, s.saveCohort},
		{http.MethodDelete, "/v1/workspaces/{ws}/cohorts/{id}", access.DeleteCohort, s.deleteCohort},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/count", access.CohortCount, s.savedCount},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/demographics", access.CohortDemographics, s.savedDemographics},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/top-concepts", access.CohortTopConcepts, s.savedTopConcepts},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/participants", access.CohortParticipants, s.savedParticipants},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/sql", access.ViewWorkspace, s.savedSQL},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets", access.ViewWorkspace, s.listConceptSets},
		{http.MethodPost, "/v1/workspaces/{ws}/concept-sets", access.CreateConceptSet, s.saveConceptSet},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets/{id}", access.ViewWorkspace, s.getConceptSet},
		{http.MethodPut, "/v1/workspaces/{ws}/concept-sets/{id}", access.UpdateConceptSet, s.saveConceptSet},
		{http.MethodDelete, "/v1/workspaces/{ws}/concept-sets/{id}", access.DeleteConceptSet, s.deleteConceptSet},
		{http.MethodGet, "/v1/workspaces/{ws}/concept-sets/{id}/concepts", access.ViewWorkspace, s.expandConceptSet},
		{http.MethodGet, "/v1/admin/users", access.ListUsers, s.listUsers},
		{http.MethodPost, "/v1/admin/users/{id}/approve", access.ApproveUser, s.approveUser},
		{http.MethodPost, "/v1/admin/users/{id}/disable", access.DisableUser, s.disableUser},
		{http.MethodGet, "/v1/admin/audit", access.ReadAuditLog, s.auditLog},
	}
}

// publicPrefix is the public tier's routes, which are rate limited.
const publicPrefix = "/v1/public/"

func (s *Server) newRouter() *mux.Router {
	// rejectUnclean refuses unclean paths instead of mux's redirect.
	r := mux.NewRouter().SkipClean(true)
	r.Use(s.rejectUnclean)
	r.NotFoundHandler = s.wrap("", s.cfg.Timeout, s.cfg.MaxBody, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errNoRoute)
	}))
	r.MethodNotAllowedHandler = s.wrap("", s.cfg.Timeout, s.cfg.MaxBody, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errMethod)
	}))
	r.MethodNotAllowedHandler = s.rejectUnclean(r.MethodNotAllowedHandler)
	for _, rt := range s.routes() {
		timeout, maxBody := s.limits(rt)
		r.Handle(rt.path, s.wrap(rt.action, timeout, maxBody, rt.handler)).Methods(rt.method)
	}
	return r
}

// limits are the time and body bounds of a request to rt: an export
// streams a table of any size, and a notebook carries its outputs.
func (s *Server) limits(rt route) (timeout time.Duration, maxBody int64) {
	timeout, maxBody = s.cfg.Timeout, s.cfg.MaxBody
	switch {
	case strings.HasSuffix(rt.path, "/export"):
		timeout = s.cfg.ExportTimeout
	case strings.HasPrefix(rt.path, "/v1/workspaces/{ws}/notebooks"):
		maxBody = s.cfg.MaxNotebookBody
	}
	return timeout, maxBody
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	s.encode(w, r, http.StatusOK, map[string]string{"status": "ok", "cdr_version": s.deps.Index.VersionID})
}
