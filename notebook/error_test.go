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

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
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
		{"401", 401, "application/problem+json", `{"status": 401, "title": "Unauthorized", "detail": "access: unauthenticated"}`,
			[]error{access.ErrUnauthenticated}, []error{access.ErrForbidden}},
		{"403", 403, "application/problem+json", `{"status": 403, "detail": "access: forbidden: the registered tier needs ethics_training"}`,
			[]error{access.ErrForbidden}, []error{access.ErrDisabled, access.ErrNotFound}},
		{"403 disabled", 403, "application/problem+json", `{"status": 403, "detail": "access: user disabled"}`,
			[]error{access.ErrForbidden, access.ErrDisabled}, nil},
		{"404", 404, "application/problem+json", `{"status": 404, "detail": "store: not found: cohort c_1"}`,
			[]error{access.ErrNotFound, engine.ErrNotFound, notebook.ErrNotFound}, []error{notebook.ErrInvalid}},
		{"409", 409, "application/problem+json", `{"status": 409, "detail": "store: conflict: name taken"}`,
			[]error{notebook.ErrExists}, []error{notebook.ErrInvalid}},
		{"400 of cohort", 400, "application/problem+json", `{"status": 400, "detail": "cohort: invalid definition: x"}`,
			[]error{notebook.ErrInvalid, cohort.ErrInvalid}, []error{access.ErrInvalid}},
		{"400 with paths", 400, "application/problem+json", `{"status": 400, "detail": "server: x", "errors": [{"path": "definition.includes[0]", "message": "bad"}]}`,
			[]error{notebook.ErrInvalid, cohort.ErrInvalid}, nil},
		{"400 of access", 400, "application/problem+json", `{"status": 400, "detail": "access: invalid: steps missing"}`,
			[]error{notebook.ErrInvalid, access.ErrInvalid}, []error{cohort.ErrInvalid}},
		{"400 of the server", 400, "application/problem+json", `{"status": 400, "detail": "server: bad request: size \"x\""}`,
			[]error{notebook.ErrInvalid}, []error{cohort.ErrInvalid, access.ErrInvalid}},
		{"413", 413, "application/problem+json", `{"status": 413}`, []error{notebook.ErrInvalid}, nil},
		{"415", 415, "application/problem+json", `{"status": 415}`, []error{notebook.ErrInvalid}, nil},
		{"429", 429, "application/problem+json", `{"status": 429}`, []error{access.ErrRateLimited}, nil},
		{"504", 504, "application/problem+json", `{"status": 504}`, []error{context.DeadlineExceeded}, nil},
		{"500", 500, "application/problem+json", `{"status": 500, "detail": "internal error"}`, nil,
			[]error{notebook.ErrInvalid, access.ErrForbidden, notebook.ErrNotFound}},
		{"not a problem", 502, "text/html", `<html>bad gateway</html>`, nil, []error{notebook.ErrInvalid}},
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
