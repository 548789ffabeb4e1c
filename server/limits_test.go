package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openworkbench/workbench/server"
)

// TestDefinitionPastLimits sends definitions past the size limits of
// cohort.Validate (500 include groups broke DuckDB's depth limit with a
// 500): each is a 400 naming the path of the part past the limit, to a
// count and to a saved cohort alike.
func TestDefinitionPastLimits(t *testing.T) {
	f := newFixture(t, server.Config{})
	ws := "/v1/workspaces/" + f.ws
	group := `{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 4134304, "group": true, "standard": true}]}]}`
	groups := func(n int) string {
		return `{"includes": [` + strings.TrimSuffix(strings.Repeat(group+",", n), ",") + `]}`
	}
	params := `[` + strings.TrimSuffix(strings.Repeat(`{"conceptId": 4134304},`, 2001), ",") + `]`
	cases := []struct {
		name, definition, path string
	}{
		{"500 include groups", groups(500), "includes[40]"},
		{"41 include groups", groups(41), "includes[40]"},
		{"2001 parameters", `{"includes": [{"items": [{"type": "CONDITION", "searchParameters": ` + params + `}]}]}`, "includes[0].items[0].searchParameters[2000]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, req := range []struct{ path, body string }{
				{ws + "/cohorts/count", c.definition},
				{ws + "/cohorts", fmt.Sprintf(`{"name": "Big", "definition": %s}`, c.definition)},
			} {
				p := requireProblem(t, f.do(t, "POST", req.path, f.researcher, []byte(req.body), ""), http.StatusBadRequest)
				var paths []string
				for _, e := range p["errors"].([]any) {
					paths = append(paths, e.(map[string]any)["path"].(string))
				}
				assert.Condition(t, func() bool {
					for _, p := range paths {
						if strings.HasSuffix(p, c.path) {
							return true
						}
					}
					return false
				}, "%s: paths %v, want one ending in %s", req.path, paths, c.path)
			}
		})
	}
	r := f.do(t, "POST", ws+"/cohorts/count", f.researcher, []byte(groups(40)), "")
	assert.Equal(t, http.StatusOK, r.status, "40 groups are allowed: %s", r.body)
}
