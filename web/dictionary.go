package web

import "net/http"

func (s *Site) dictionary(w http.ResponseWriter, r *http.Request, v *visit)      {}
func (s *Site) dictionaryTable(w http.ResponseWriter, r *http.Request, v *visit) {}
