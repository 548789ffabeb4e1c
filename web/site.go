package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/jupyter"
	"github.com/openworkbench/workbench/public"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// HelpDesk takes the help requests of the help form: app.HelpDesk.
type HelpDesk interface {
	Submit(ctx context.Context, f app.HelpForm) error
}

// Config configures a Site. The zero value works.
type Config struct {
	// RateLimit limits the help form's POSTs per client (IP address), as
	// the server limits its public tier; zero fields take the limiter's
	// defaults.
	RateLimit struct {
		Rate       float64
		Burst      int
		MaxClients int
	}
	// CSRFKey signs the forms' tokens; empty means a random key made by
	// New.
	CSRFKey []byte
	// Secure marks cookies Secure, for a site served over TLS.
	Secure bool
	// BaseURL is the site's address as its users reach it
	// ("https://workbench.example.org"), for the links sent by e-mail;
	// empty: the scheme and host of the request.
	BaseURL string
	// OIDC is the OpenID provider of an institution's single sign-on;
	// the zero value offers none. Its RedirectURL is BaseURL +
	// "/signin/oidc/callback".
	OIDC app.OIDCConfig
	// Now is the clock of the rate limiter; nil means time.Now.
	Now func() time.Time
	// Logger receives pages that failed on the server's side; nil
	// discards.
	Logger *slog.Logger
}

// Deps are what the pages read and write.
type Deps struct {
	// Release is the public release every public number comes from.
	Release *public.Release
	// Help stores the help form's requests; nil answers the form with a
	// page saying the help desk is not set up.
	Help HelpDesk
	// App is the services of the registered pages (the Researcher
	// Workbench); nil serves the public pages only.
	App *app.App
	// Lab runs the workspaces' JupyterLab (lab.go); nil: the pages say
	// that this server runs none.
	Lab *jupyter.Manager
}

// Site is the web pages as an http.Handler.
type Site struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	csrf    CSRF
	limiter *access.Limiter
	// oidc signs users in through their institution; nil when Config
	// names no provider.
	oidc  *app.OIDC
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns the site of cfg over deps.
func New(cfg Config, deps Deps) (*Site, error) {
	if deps.Release == nil {
		return nil, errors.New("web: Deps needs a Release")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.CSRFKey) == 0 {
		cfg.CSRFKey = make([]byte, 32)
		rand.Read(cfg.CSRFKey)
	}
	if len(cfg.CSRFKey) < 32 {
		return nil, errors.New("web: CSRFKey needs at least 32 bytes")
	}
	limiter := &access.Limiter{Rate: cfg.RateLimit.Rate, Burst: cfg.RateLimit.Burst, MaxClients: cfg.RateLimit.MaxClients}
	if err := limiter.Validate(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, deps: deps, log: cfg.Logger, csrf: CSRF{Key: cfg.CSRFKey, Secure: cfg.Secure}, limiter: limiter, pages: pages}
	if cfg.OIDC.Enabled() {
		if deps.App == nil {
			return nil, errors.New("web: OpenID Connect sign-in needs the registered pages (Deps.App)")
		}
		if s.oidc, err = deps.App.Sessions.OIDC(cfg.OIDC); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	s.mux = s.routes()
	return s, nil
}

// ServeHTTP serves the pages with the security headers.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) { Headers(s.mux).ServeHTTP(w, r) }

func (s *Site) routes() *http.ServeMux {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /search", s.search)
	m.HandleFunc("GET /browse/{domain}", s.domain)
	m.HandleFunc("GET /concepts/{id}", s.concept)
	m.HandleFunc("GET /surveys", s.surveys)
	m.HandleFunc("GET /surveys/{id}", s.survey)
	m.HandleFunc("GET /questions/{id}", s.question)
	m.HandleFunc("GET /about", s.about)
	m.HandleFunc("GET /help", s.helpForm)
	m.HandleFunc("POST /help", s.helpSubmit)
	m.HandleFunc("GET /signin", s.signInForm)
	m.HandleFunc("POST /signin", s.signIn)
	m.HandleFunc("GET /signup", s.signUpForm)
	m.HandleFunc("POST /signup", s.signUp)
	m.HandleFunc("GET /signin/link/{secret}", s.linkPage)
	m.HandleFunc("POST /signin/link", s.useLink)
	m.HandleFunc("POST /signout", s.signedIn(s.signOut))
	s.workspaceRoutes(m)
	s.accessRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errNotFound) })
	return m
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// parsePages parses each page of templates/ (every file but the layout
// and the partials) with the layout and the partials.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		p := strings.TrimSuffix(path.Base(f), ".html")
		if p == "layout" || p == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		pages[p] = t
	}
	return pages, nil
}

// page is what the layout needs besides the page's own data.
type page struct {
	Title    string
	Nav      string // the nav entry of the page, marked current
	Manifest public.Manifest
	// Visit is the signed-in user of a registered page, nil on the
	// public ones.
	Visit *visit
	// Registered says that this site serves the registered pages.
	Registered bool
	Data       any
}

// render writes the public page name with data.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, data any) {
	s.show(w, r, nil, status, name, title, nav, data)
}

// show writes the page name with data for the visit (nil on a public
// page), buffered so that a failing template gives an error page rather
// than half a page.
func (s *Site) show(w http.ResponseWriter, r *http.Request, v *visit, status int, name, title, nav string, data any) {
	var b bytes.Buffer
	err := s.pages[name].Execute(&b, page{Title: title, Nav: nav, Manifest: s.deps.Release.Manifest(), Visit: v, Registered: s.deps.App != nil, Data: data})
	if err != nil {
		s.log.Error("web: render", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// Errors of the pages, shown on the error page.
var (
	errNotFound = errors.New("there is no such page")
	errLimited  = errors.New("too many requests from your address: wait a minute and try again")
)

// fail shows the error page of err: 404 for what the release does not
// hold, 400 for a request it cannot take.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "something went wrong on our side"
	v := visitOf(r)
	if missing, ok := errors.AsType[*access.StepsError](err); ok && v != nil {
		s.show(w, r, v, http.StatusForbidden, "access_needed", "Complete your data access steps", "access", missing)
		return
	}
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, public.ErrNotFound):
		status, msg = http.StatusNotFound, "There is no such page: the address may be mistyped, or the release does not hold this item."
	case errors.Is(err, public.ErrInvalid):
		status, msg = http.StatusBadRequest, "The address asks for something the pages cannot show."
	case errors.Is(err, errLimited):
		status, msg = http.StatusTooManyRequests, "Too many requests from your address: wait a minute and try again."
	case errors.Is(err, ErrCSRF):
		status, msg = http.StatusForbidden, "The form's security token is missing or out of date. Go back, reload the page and send the form again."
	case errors.Is(err, errOIDCFlow):
		status, msg = http.StatusBadRequest, "This answer of your institution belongs to no sign-in started here, or it came too late. Sign in again."
	case errors.As(err, new(*oidcRefused)), errors.Is(err, app.ErrOIDC):
		status, msg = http.StatusUnauthorized, "Signing in through your institution failed: "+err.Error()+"."
	case errors.Is(err, errSignedOut):
		status, msg = http.StatusUnauthorized, "Your session ended. Sign in again, then send the form again."
	case fault.KindOf(err) == fault.NotFound:
		status, msg = http.StatusNotFound, "There is no such page, or it is not yours to see."
	case fault.KindOf(err) == fault.Forbidden:
		status, msg = http.StatusForbidden, "You may not do this: "+err.Error()
	case fault.KindOf(err) == fault.Unauthenticated:
		status, msg = http.StatusUnauthorized, "This link or session is not valid any more: it was used, it expired, or it was mistyped. Sign in, or ask for a new link."
	case fault.KindOf(err) == fault.Invalid, fault.KindOf(err) == fault.Conflict:
		status, msg = http.StatusBadRequest, err.Error()
	case fault.KindOf(err) == fault.TooLarge:
		status, msg = http.StatusRequestEntityTooLarge, err.Error()+"."
	default:
		s.log.Error("web: page failed", "path", r.URL.Path, "err", err)
	}
	s.show(w, r, v, status, "error", http.StatusText(status), "", msg)
}

// clientOf is the address the rate limiter counts requests by.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// funcs are the template functions.
var funcs = template.FuncMap{
	"lower":  strings.ToLower,
	"base":   path.Base,
	"domain": domainLabel,
	"add":    func(a, b int) int { return a + b },
	// fieldOf is the data of the partials "field" and "area".
	"fieldOf": fieldOf,
}

func domainLabel(id string) string {
	for _, d := range public.Domains {
		if d.ID == id {
			return d.Label
		}
	}
	return id
}
