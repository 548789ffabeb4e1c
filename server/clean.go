package server

import (
	"net/http"
	"path"

	"github.com/openworkbench/workbench"
)

// rejectUnclean answers 404, like a path of no route, to a request whose
// path is not clean (a "." or ".." segment, encoded or not, a doubled or
// trailing slash) and passes the others to h. It replaces gorilla/mux's
// own cleaning, which answers 301 to every method: a client that follows
// redirects turned DELETE /v1/workspaces/W/notebooks/%2e%2e into DELETE
// /v1/workspaces/W. The router runs it on every route it matched and on
// its answer of a method not allowed; a path that matched nothing is 404
// already. No route has an unclean path, so nothing valid is refused.
func (s *Server) rejectUnclean(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// URL.Path is decoded: %2e%2e and %2F arrive here as ".." and "/".
		if p := r.URL.Path; p != "*" && path.Clean(p) != p {
			s.fail(w, r, workbench.ErrNotFound)
			return
		}
		h.ServeHTTP(w, r)
	})
}
