package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/jupyter"
)

// The workspace's JupyterLab, under /workspaces/{ws}/lab/: every request
// (HTTP and WebSocket) passes the session, then the app's decision
// (access.OpenLab: WRITER or OWNER), then goes to the Jupyter server of
// the user and the workspace, which package jupyter starts on demand and
// proxies. The lab's pages get a policy of their own (labPolicy); the
// workbench's pages keep theirs. docs/security.md says what isolates
// them.

func (s *Site) labRoutes(m *http.ServeMux) {
	// Any method: JupyterLab's API uses GET, POST, PUT, PATCH and DELETE,
	// and its body is JSON, not a form (session, forms false).
	m.HandleFunc("/workspaces/{ws}/lab/", s.session(s.lab, false))
	m.HandleFunc("/workspaces/{ws}/lab", s.session(s.lab, false))
}

// labPath is the path of the workspace's lab, with its final slash.
func labPath(ws string) string { return "/workspaces/" + url.PathEscape(ws) + "/lab/" }

// labData is the page shown instead of the lab: not installed, or not
// for this visitor.
type labData struct {
	WorkspaceID string
	Message     string
	// Install says how to install JupyterLab, when it is missing.
	Install string
}

func (s *Site) lab(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws := r.Context(), r.PathValue("ws")
	if s.deps.Lab == nil {
		s.show(w, r, v, http.StatusServiceUnavailable, "lab", "JupyterLab is not available", "workspaces", labData{WorkspaceID: ws,
			Message: "This server was started without JupyterLab. Its operator starts it with --jupyterlab, or with jupyter-lab on PATH."})
		return
	}
	if err := s.deps.Lab.Available(); err != nil {
		s.show(w, r, v, http.StatusServiceUnavailable, "lab", "JupyterLab is not installed", "workspaces", labData{WorkspaceID: ws,
			Message: "JupyterLab is not installed on this server.", Install: err.Error()})
		return
	}
	lab, err := s.deps.App.Labs.OpenLab(ctx, ws)
	if fault.KindOf(err) == fault.Forbidden {
		s.show(w, r, v, http.StatusForbidden, "lab", "JupyterLab is not open to you", "workspaces", labData{WorkspaceID: ws,
			Message: "JupyterLab saves the workspace's notebooks, so it opens for its writers and owners. You may read the notebooks on the workspace's Notebooks page; an owner can make you a writer."})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base, origin := labPath(ws), s.origin(r)
	h, err := s.deps.Lab.Handler(ctx, jupyter.Key{UserID: lab.UserID, WorkspaceID: ws}, jupyter.Spec{
		BasePath: base,
		Dir:      lab.Dir,
		Env: map[string]string{
			"WORKBENCH_URL":       origin,
			"WORKBENCH_TOKEN":     lab.Token,
			"WORKBENCH_WORKSPACE": ws,
		},
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", labPolicy(origin, base))
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	h.ServeHTTP(w, r)
}

// labPolicy is the Content-Security-Policy of the lab's pages at base of
// origin. JupyterLab needs what the workbench's pages refuse: styles it
// writes into the page, and eval (its settings' schemas are compiled to
// functions). What it may reach is narrowed instead: scripts from the
// lab's own path, requests and WebSockets to the lab's own path only
// (so that its scripts, and notebook outputs run as scripts, cannot read
// the workbench's pages with fetch), no plugin, no form posting
// elsewhere, framed only by this origin.
func labPolicy(origin, base string) string {
	lab := origin + base
	ws := "ws" + strings.TrimPrefix(origin, "http") + base
	return "default-src 'self'; script-src " + lab + " 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src " + lab + " " + ws + "; " +
		"worker-src 'self' blob:; frame-src 'self' blob: data:; object-src 'none'; base-uri 'self'; " +
		"form-action 'self'; frame-ancestors 'self'"
}
