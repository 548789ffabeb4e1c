package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
)

// body reads the request's JSON body: its content type must be JSON, its
// size within the cap and its nesting within MaxDepth.
func (s *Server) body(r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, fmt.Errorf("%w: want Content-Type application/json", workbench.ErrMediaType)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, fmt.Errorf("%w: at most %d bytes", workbench.ErrTooLarge, tooLarge.Limit)
		}
		return nil, fmt.Errorf("%w: reading the body: %v", workbench.ErrInvalid, err)
	}
	if err := checkDepth(b, s.cfg.MaxDepth); err != nil {
		return nil, err
	}
	return b, nil
}

// decode reads the JSON body into v, refusing unknown fields and anything
// after the value.
func (s *Server) decode(r *http.Request, v any) error {
	b, err := s.body(r)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", workbench.ErrInvalid, err)
	}
	if err := d.Decode(&struct{}{}); err != io.EOF {
		return fmt.Errorf("%w: data after the JSON value", workbench.ErrInvalid)
	}
	return nil
}

// definition reads a cohort definition body; Parse and Validate report
// every problem with its path, before any service runs.
func (s *Server) definition(r *http.Request) (*cohort.Definition, error) {
	b, err := s.body(r)
	if err != nil {
		return nil, err
	}
	def, err := cohort.Parse(b)
	if err != nil {
		return nil, err
	}
	return def, def.Validate()
}

// checkDepth refuses JSON nested deeper than max, before a decoder
// recurses into it. It looks at brackets outside strings only; whether the
// JSON is well formed is the decoder's to say.
func checkDepth(b []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > max {
				return fmt.Errorf("%w: JSON nested deeper than %d", workbench.ErrInvalid, max)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// idVar is the path variable name as a concept id.
func idVar(r *http.Request, name string) (int64, error) {
	v := mux.Vars(r)[name]
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not an integer id", workbench.ErrInvalid, name, v)
	}
	return id, nil
}

// intQuery is the query parameter name as an integer; 0 when absent.
func intQuery(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not an integer", workbench.ErrInvalid, name, v)
	}
	return n, nil
}
