package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
)

// dictionaryService is the data dictionary: the CDR's schema, public like
// the Data Browser.
type dictionaryService struct {
	gate   *gate
	schema *cdr.Schema
}

// Dictionary is the JSON form of the data dictionary.
type Dictionary struct {
	CDMVersion cdr.Version `json:"cdm_version"`
	Tables     []cdr.Table `json:"tables"`
}

func (d dictionaryService) Dictionary(ctx context.Context) (Dictionary, error) {
	if _, err := d.gate.check(ctx, access.ViewDictionary, ""); err != nil {
		return Dictionary{}, err
	}
	return Dictionary{CDMVersion: d.schema.Version, Tables: d.schema.Tables}, nil
}

func (d dictionaryService) Table(ctx context.Context, name string) (*cdr.Table, error) {
	if _, err := d.gate.check(ctx, access.ViewDictionary, ""); err != nil {
		return nil, err
	}
	t, ok := d.schema.Table(name)
	if !ok {
		return nil, fmt.Errorf("%w: no table %q in the data dictionary", workbench.ErrNotFound, name)
	}
	return t, nil
}

func (s *Server) dictionary(w http.ResponseWriter, r *http.Request) {
	d, err := s.dict.Dictionary(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, d)
}

func (s *Server) dictionaryTable(w http.ResponseWriter, r *http.Request) {
	t, err := s.dict.Table(r.Context(), mux.Vars(r)["table"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, t)
}
