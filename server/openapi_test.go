package server_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/server"
)

// TestOpenAPIMatchesRoutes fails when a route the router serves is not in
// /v1/openapi.json, or one documented there is not served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, server.Config{})
	r := f.do(t, "GET", "/v1/openapi.json", "", nil, "")
	require.Equal(t, http.StatusOK, r.status)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(r.body, &doc))
	require.NotEmpty(t, doc.OpenAPI)
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}

	served := servedRoutes(t, f)
	require.NotEmpty(t, served)
	sort.Strings(documented)
	sort.Strings(served)
	assert.Equal(t, served, documented)
}
