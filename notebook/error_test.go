package notebook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/notebook"
)

// TestErrorValues checks the error values an answer matches, status by
// status, with a server that answers a fixed problem.
func TestErrorValues(t *testing.T) {
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		is     []error
		isNot  []error
	}{
		{"401", 401, "application/problem+json", `{"status": 401, "kind": "unauthenticated", "code": "access.unauthenticated"}`,
			[]error{access.ErrUnauthenticated}, []error{access.ErrForbidden}},
		{"403", 403, "application/problem+json", `{"status": 403, "kind": "forbidden", "code": "access.forbidden", "detail": "access: forbidden: the registered tier needs ethics_training"}`,
			[]error{access.ErrForbidden}, []error{access.ErrDisabled, access.ErrNotFound}},
		{"403 disabled", 403, "application/problem+json", `{"status": 403, "kind": "forbidden", "code": "access.disabled"}`,
			[]error{access.ErrDisabled}, []error{access.ErrForbidden}},
		{"404 of the state", 404, "application/problem+json", `{"status": 404, "kind": "not_found", "code": "workbench.not_found", "detail": "workbench: not found: cohort c_1"}`,
			[]error{workbench.ErrNotFound}, []error{access.ErrNotFound, workbench.ErrInvalid}},
		{"404 of a workspace", 404, "application/problem+json", `{"status": 404, "kind": "not_found", "code": "access.not_found"}`,
			[]error{access.ErrNotFound}, []error{workbench.ErrNotFound}},
		{"409", 409, "application/problem+json", `{"status": 409, "kind": "conflict", "code": "workbench.conflict"}`,
			[]error{workbench.ErrConflict}, []error{workbench.ErrInvalid}},
		{"409 of a notebook", 409, "application/problem+json", `{"status": 409, "kind": "conflict", "code": "notebook.exists"}`,
			[]error{notebook.ErrExists}, []error{workbench.ErrConflict}},
		{"400 with paths", 400, "application/problem+json", `{"status": 400, "kind": "invalid", "code": "cohort.invalid", "errors": [{"path": "definition.includes[0]", "message": "bad"}]}`,
			[]error{cohort.ErrInvalid}, []error{access.ErrInvalid, workbench.ErrInvalid}},
		{"400 of access", 400, "application/problem+json", `{"status": 400, "kind": "invalid", "code": "access.invalid"}`,
			[]error{access.ErrInvalid}, []error{cohort.ErrInvalid}},
		{"the code, not the text", 400, "application/problem+json", `{"status": 400, "kind": "invalid", "code": "workbench.invalid", "detail": "access: forbidden"}`,
			[]error{workbench.ErrInvalid}, []error{access.ErrForbidden, cohort.ErrInvalid}},
		{"413", 413, "application/problem+json", `{"status": 413, "kind": "too_large", "code": "workbench.too_large"}`, []error{workbench.ErrTooLarge}, nil},
		{"429", 429, "application/problem+json", `{"status": 429, "kind": "rate_limited", "code": "access.rate_limited"}`, []error{access.ErrRateLimited}, nil},
		{"504", 504, "application/problem+json", `{"status": 504, "kind": "timeout"}`, []error{context.DeadlineExceeded}, nil},
		{"unknown code", 418, "application/problem+json", `{"status": 418, "kind": "invalid", "code": "elsewhere.teapot"}`, nil,
			[]error{workbench.ErrInvalid}},
		{"500", 500, "application/problem+json", `{"status": 500, "kind": "internal", "detail": "internal error"}`, nil,
			[]error{workbench.ErrInvalid, access.ErrForbidden, workbench.ErrNotFound}},
		{"not a problem", 502, "text/html", `<html>bad gateway</html>`, nil, []error{workbench.ErrInvalid}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer hs.Close()
			c, err := notebook.New(hs.URL, "wb_x")
			require.NoError(t, err)
			_, err = c.Me(context.Background())
			require.Error(t, err)
			var e *notebook.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.Status)
			assert.Equal(t, "/v1/me", e.Path)
			for _, target := range tc.is {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tc.isNot {
				assert.False(t, errors.Is(err, target), "%v is %v", err, target)
			}
		})
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "localhost:8080", "ftp://host", "http://", "://x"} {
		_, err := notebook.New(u, "")
		assert.ErrorIs(t, err, notebook.ErrInvalid, "%q", u)
	}
	t.Setenv("WORKBENCH_URL", "")
	_, err := notebook.FromEnv()
	assert.ErrorIs(t, err, notebook.ErrInvalid)
	t.Setenv("WORKBENCH_URL", "http://127.0.0.1:9/base/")
	t.Setenv("WORKBENCH_TOKEN", "wb_t")
	t.Setenv("WORKBENCH_WORKSPACE", "w_1")
	c, err := notebook.FromEnv()
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/base", c.URL.String())
	assert.Equal(t, "wb_t", c.Token)
	assert.Equal(t, "w_1", c.Workspace)
}
