package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

func TestPanicIsA500Problem(t *testing.T) {
	s := &Server{cfg: Config{Timeout: DefaultTimeout, MaxBody: DefaultMaxBody}, log: slog.New(slog.DiscardHandler), limiter: &access.Limiter{}}
	h := s.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	require.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Equal(t, "application/problem+json", w.Header().Get("Content-Type"))
	var p problem
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
	assert.NotContains(t, p.Detail, "boom", "the cause goes to the log only")
}

func TestStatus(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"unauthenticated", store.ErrTokenExpired, 401},
		{"forbidden", fmt.Errorf("x: %w", access.ErrForbidden), 403},
		{"disabled", access.ErrDisabled, 403},
		{"access not found", access.ErrNotFound, 404},
		{"engine not found", engine.ErrNotFound, 404},
		{"store not found", workbench.ErrNotFound, 404},
		{"validation", fault.At(cohort.ErrInvalid, "includes[0]", "bad"), 400},
		{"access invalid", access.ErrInvalid, 400},
		{"conflict", workbench.ErrConflict, 409},
		{"rate limited", access.ErrRateLimited, 429},
		{"too large", workbench.ErrTooLarge, 413},
		{"media type", workbench.ErrMediaType, 415},
		{"other", errors.New("disk on fire"), 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, status(c.err))
		})
	}
	p := problemOf(fault.At(cohort.ErrInvalid, "includes[0]", "bad"))
	assert.Equal(t, []fault.Field{{Path: "includes[0]", Message: "bad"}}, p.Errors)
	assert.Equal(t, "cohort.invalid", p.Code)
	assert.Equal(t, "internal error; the server logged the cause", problemOf(errors.New("disk on fire")).Detail)
}

func TestDecode(t *testing.T) {
	s := &Server{cfg: Config{MaxBody: 64, MaxDepth: 3}}
	type v struct {
		A []int `json:"a"`
	}
	cases := []struct {
		name, ctype, body string
		want              error
	}{
		{"ok", "application/json; charset=utf-8", `{"a":[1,2]}`, nil},
		{"unknown field", "application/json", `{"a":[1],"b":2}`, workbench.ErrInvalid},
		{"trailing data", "application/json", `{"a":[1]} {}`, workbench.ErrInvalid},
		{"trailing bracket", "application/json", `{"a":[1]}}`, workbench.ErrInvalid},
		{"malformed", "application/json", `{"a":`, workbench.ErrInvalid},
		{"wrong type", "application/json", `{"a":"x"}`, workbench.ErrInvalid},
		{"too deep", "application/json", `{"a":[[[1]]]}`, workbench.ErrInvalid},
		{"brackets in strings", "application/json", `{"a":[1]} `, nil},
		{"too large", "application/json", `{"a":[` + strings.Repeat("1,", 40) + `1]}`, workbench.ErrTooLarge},
		{"media type", "text/plain", `{"a":[1]}`, workbench.ErrMediaType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/x", strings.NewReader(c.body))
			r.Header.Set("Content-Type", c.ctype)
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
			var got v
			err := s.decode(r, &got)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
		})
	}
	require.NoError(t, checkDepth([]byte(`{"a":"[[[[[[\"[["}`), 1))
}

func TestFailLogsServerFaultsOnly(t *testing.T) {
	var logs strings.Builder
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	s.fail(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), errors.New("disk on fire"))
	assert.Contains(t, logs.String(), "disk on fire")
	logs.Reset()
	s.fail(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), access.ErrForbidden)
	assert.Empty(t, logs.String())
}
