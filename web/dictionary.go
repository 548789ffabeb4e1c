package web

import "net/http"

// dictionary lists every table of the CDR with what it holds.
func (s *Site) dictionary(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.deps.App.Dictionary.Dictionary(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "dictionary", "Data Dictionary", "dictionary", d)
}

// dictionaryTable is one table of the CDR: every column with its type
// and meaning.
func (s *Site) dictionaryTable(w http.ResponseWriter, r *http.Request, v *visit) {
	t, err := s.deps.App.Dictionary.DictionaryTable(r.Context(), r.PathValue("table"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "dictionary_table", t.Name+" · Data Dictionary", "dictionary", t)
}
