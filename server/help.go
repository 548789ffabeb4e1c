package server

import (
	"net/http"

	"github.com/gorilla/mux"
)

func (s *Server) helpRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/admin/help-requests", login, s.listHelpRequests},
		{http.MethodPost, "/v1/admin/help-requests/{id}/close", login, s.closeHelpRequest},
	}
}

func (s *Server) listHelpRequests(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Help.HelpRequests(r.Context(), r.URL.Query().Get("all") == "true")
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) closeHelpRequest(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Help.CloseHelpRequest(r.Context(), mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}
