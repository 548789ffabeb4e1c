package server

func (s *Server) reviewRoutes() []route { return nil }
