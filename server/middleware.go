package server

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// wrap applies the middleware every route gets, outermost first: panic
// recovery, the timeout, the body cap, the public rate limit,
// authentication and, on a route that is not open, the login check.
func (s *Server) wrap(open bool, timeout time.Duration, maxBody int64, h http.Handler) http.Handler {
	if !open {
		h = s.requireLogin(h)
	}
	return s.recoverPanic(s.timeout(timeout, s.capBody(maxBody, s.rateLimit(s.authenticate(h)))))
}

// errSignIn refuses an anonymous request to a route that is not open.
var errSignIn = fmt.Errorf("%w: sign in: send Authorization: Bearer <token>", access.ErrUnauthenticated)

// requireLogin refuses an anonymous request before its body is read, so
// that a route for users answers 401 whatever the body. The service's own
// decision, with the user's records and role, comes later.
func (s *Server) requireLogin(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if workbench.UserFrom(r.Context()) == nil {
			s.fail(w, r, errSignIn)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// recoverPanic turns a panic of a handler into a 500 problem.
func (s *Server) recoverPanic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, fmt.Errorf("server: panic: %v\n%s", v, debug.Stack()))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// timeout bounds the request's context, which every query runs under: a
// request past its time, or whose client went away, cancels its query.
func (s *Server) timeout(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) capBody(n int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		h.ServeHTTP(w, r)
	})
}

// rateLimit limits the public tier and registration per client IP
// address (see clientOf), with one bucket per client for both.
func (s *Server) rateLimit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limited := strings.HasPrefix(r.URL.Path, publicPrefix) || r.URL.Path == registerPath
		if limited && !s.limiter.Allow(s.clientOf(r), s.cfg.Now()) {
			w.Header().Set("Retry-After", "1")
			s.fail(w, r, access.ErrRateLimited)
			return
		}
		// The global limit takes only registrations that the client's own
		// limit let through, so that one client cannot spend it alone.
		if r.URL.Path == registerPath && r.Method == http.MethodPost && !s.registrations.Allow("", s.cfg.Now()) {
			w.Header().Set("Retry-After", "60")
			s.fail(w, r, fmt.Errorf("%w: registrations of all clients are limited: try again later", access.ErrRateLimited))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// authenticate puts the user of the bearer token in the context. A request
// without a token is anonymous, and the decision of its action says
// whether that will do; a token that is not valid is 401 everywhere.
func (s *Server) authenticate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			h.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.fail(w, r, fmt.Errorf("server: Authorization wants \"Bearer <token>\": %w", access.ErrUnauthenticated))
			return
		}
		u, err := s.svc.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(workbench.NewContext(r.Context(), &u)))
	})
}
