package jupyter

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"
)

// proxy forwards the requests under a base path to one Jupyter server:
// see the package doc for what it adds, removes and refuses.
type proxy struct {
	base     string
	readOnly bool
	rp       *httputil.ReverseProxy
	origins  *http.CrossOriginProtection
}

func newProxy(target *url.URL, token string, spec Spec, transport http.RoundTripper, log *slog.Logger) *proxy {
	return &proxy{
		base:     spec.BasePath,
		readOnly: spec.ReadOnly,
		origins:  http.NewCrossOriginProtection(),
		rp: &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(target)
				r.Out.Header.Del("Cookie")
				r.Out.Header.Set("Authorization", "token "+token)
			},
			Transport: transport,
			ModifyResponse: func(res *http.Response) error {
				res.Header.Del("Set-Cookie")
				for name := range res.Header {
					if strings.HasPrefix(name, "Access-Control-Allow-") {
						res.Header.Del(name)
					}
				}
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				if r.Context().Err() != nil {
					return // the client went away: nobody to answer
				}
				log.Warn("jupyter: proxying", "path", r.URL.Path, "err", err)
				writeError(w, http.StatusBadGateway, "jupyter: the notebook server does not answer; reload the page to start it again")
			},
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path+"/" == p.base:
		to := p.base
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, to, http.StatusPermanentRedirect)
		return
	case !strings.HasPrefix(r.URL.Path, p.base):
		writeError(w, http.StatusNotFound, "jupyter: not found: the notebook server is under "+p.base)
		return
	}
	if err := p.checkOrigin(r); err != nil {
		writeError(w, http.StatusForbidden, "jupyter: refused: "+err.Error())
		return
	}
	if p.readOnly && !safe(r.Method) && (p.contents(r.URL.Path) || p.contents(path.Clean(r.URL.Path))) {
		writeError(w, http.StatusForbidden, ErrReadOnly.Error()+": a reader of the workspace cannot save, upload, rename or delete files")
		return
	}
	p.rp.ServeHTTP(w, r)
}

// checkOrigin refuses a state-changing request or a WebSocket handshake
// from another origin; http.CrossOriginProtection checks only the former,
// so a handshake (a GET) is checked as if it were a POST.
func (p *proxy) checkOrigin(r *http.Request) error {
	if r.Header.Get("Upgrade") == "" {
		return p.origins.Check(r)
	}
	handshake := *r
	handshake.Method = http.MethodPost
	return p.origins.Check(&handshake)
}

// contents reports whether the path is under the contents API.
func (p *proxy) contents(urlPath string) bool {
	api := p.base + "api/contents"
	return urlPath == api || strings.HasPrefix(urlPath, api+"/")
}

func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// writeError answers as Jupyter does, with a JSON message that JupyterLab
// shows.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg, "reason": http.StatusText(status)})
}
