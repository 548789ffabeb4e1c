package server

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/internal/store"
)

// helpService is the help desk of the public pages' help form, for
// administrators: the requests are sent by visitors through package web.
type helpService struct {
	gate *gate
	desk app.HelpDesk
}

// List returns the open help requests, or every one when all.
func (h helpService) List(ctx context.Context, all bool) ([]store.HelpRequest, error) {
	req, err := h.gate.check(ctx, access.ReadHelpRequests, "")
	if err != nil {
		return nil, err
	}
	out, err := h.desk.List(ctx, all)
	if err != nil {
		return nil, err
	}
	h.gate.audit(ctx, req, allowed, "", "", int64(len(out)))
	return out, nil
}

// Close closes the request id on behalf of the administrator of ctx.
func (h helpService) Close(ctx context.Context, id string) (store.HelpRequest, error) {
	req, err := h.gate.check(ctx, access.CloseHelpRequest, "")
	if err != nil {
		return store.HelpRequest{}, err
	}
	out, err := h.desk.Close(ctx, id, req.User.ID)
	if err != nil {
		return store.HelpRequest{}, err
	}
	h.gate.audit(ctx, req, allowed, "", id, 1)
	return out, nil
}

func (s *Server) helpRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/admin/help-requests", access.ReadHelpRequests, s.listHelpRequests},
		{http.MethodPost, "/v1/admin/help-requests/{id}/close", access.CloseHelpRequest, s.closeHelpRequest},
	}
}

func (s *Server) listHelpRequests(w http.ResponseWriter, r *http.Request) {
	out, err := s.help.List(r.Context(), r.URL.Query().Get("all") == "true")
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) closeHelpRequest(w http.ResponseWriter, r *http.Request) {
	out, err := s.help.Close(r.Context(), mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}
