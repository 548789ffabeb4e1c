package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Admin.Users(r.Context())
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) approveUser(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Admin.ApproveUser(r.Context(), mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Admin.DisableUser(r.Context(), mux.Vars(r)["id"], r.URL.Query().Get("reason"))
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Admin.EnableUser(r.Context(), mux.Vars(r)["id"], r.URL.Query().Get("reason"))
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			s.fail(w, r, fmt.Errorf("%w: since %q: want an RFC 3339 time", workbench.ErrInvalid, v))
			return
		}
		since = t
	}
	out, err := s.svc.Admin.Audit(r.Context(), workbench.AuditQuery{Since: since, UserID: r.URL.Query().Get("user")})
	s.reply(w, r, http.StatusOK, out, err)
}
