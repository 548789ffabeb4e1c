package server

func (s *Server) datasetRoutes() []route { return nil }
