package server_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
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

// TestOpenAPIDatasetDomains: the document's DatasetDomain lists
// cohort.DatasetDomains, and the domain of every dataset route is one.
func TestOpenAPIDatasetDomains(t *testing.T) {
	f := newFixture(t, server.Config{})
	r := f.do(t, "GET", "/v1/openapi.json", "", nil, "")
	require.Equal(t, http.StatusOK, r.status)
	type schema struct {
		Ref  string   `json:"$ref"`
		Enum []string `json:"enum"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string
				Schema schema
			}
		}
		Components struct{ Schemas map[string]schema }
	}
	require.NoError(t, json.Unmarshal(r.body, &doc))
	var want []string
	for _, d := range cohort.DatasetDomains {
		want = append(want, string(d))
	}
	assert.Equal(t, want, doc.Components.Schemas["DatasetDomain"].Enum)
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for _, p := range op.Parameters {
				if p.Name == "domain" && strings.Contains(path, "/dataset") {
					assert.Equal(t, "#/components/schemas/DatasetDomain", p.Schema.Ref, "%s %s", method, path)
					n++
				}
			}
		}
	}
	assert.Equal(t, 3, n, "preview, preview of a selection, export")
}
