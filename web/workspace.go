package web

import "net/http"

// workspaces lists the workspaces where the user holds a role.
func (s *Site) workspaces(w http.ResponseWriter, r *http.Request, v *visit) {
	list, err := s.deps.App.Workspaces.Workspaces(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspaces", "Your workspaces", "workspaces", list)
}
