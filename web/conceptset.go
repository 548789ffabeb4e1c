package web

import "net/http"

func (s *Site) conceptSetRoutes(m *http.ServeMux) {}
