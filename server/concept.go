package server

func (s *Server) conceptRoutes() []route { return nil }
