// Package testkit holds what the tests of several packages share and no
// program needs: records that pass every check, ready to use.
package testkit

import (
	"fmt"
	"net/http"
	"sort"
	"testing"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
)

// Purpose is a research purpose that passes every check.
func Purpose() workbench.ResearchPurpose {
	return workbench.ResearchPurpose{
		IntendedStudy: "How often do the outcomes of this test happen?",
		Approach:      "Cohorts of the test CDR, counted and compared.",
		Uses:          []workbench.Use{workbench.MethodsDevelopment},
	}
}

// PurposeJSON is Purpose as JSON, for request bodies.
const PurposeJSON = `{"intended_study": "How often do the outcomes of this test happen?", "approach": "Cohorts of the test CDR, counted and compared.", "uses": ["methods_development"]}`

// Routes is "METHOD /template" of every route h serves, sorted, when h is
// a gorilla/mux router (the server's Handler is). HEAD is left out: it is
// served wherever GET is, and answers as GET does.
func Routes(t testing.TB, h http.Handler) []string {
	t.Helper()
	router, ok := h.(*mux.Router)
	if !ok {
		t.Fatalf("testkit: the handler is a %T, not a *mux.Router", h)
	}
	var out []string
	err := router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return fmt.Errorf("route %s: %w", path, err)
		}
		for _, m := range methods {
			if m != http.MethodHead {
				out = append(out, m+" "+path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	sort.Strings(out)
	return out
}
