package server

func (s *Server) notebookRoutes() []route { return nil }
