// Package testkit holds what the tests of several packages share and no
// program needs: records that pass every check, ready to use, the routes
// of a router, a folder in memory for a state store (StateDir), and the
// Python interpreter of the tests that run Python (Python).
package testkit

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
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

// LargestDefinition is a definition at every size limit at once: MaxGroups groups
// (half include, half exclude) of MaxItems items in all, each item with
// the modifiers of four operands, MaxParameters parameters, and
// MaxAttributes attributes of two operands on measurement parameters,
// which makes MaxOperands operands.
func LargestDefinition() *cohort.Definition {
	d := &cohort.Definition{}
	perGroup := cohort.MaxItems / cohort.MaxGroups
	perItem := cohort.MaxParameters / cohort.MaxItems
	attrsLeft := cohort.MaxAttributes
	for g := range cohort.MaxGroups {
		var group cohort.Group
		for i := range perGroup {
			it := cohort.Item{Type: cohort.DomainCondition, Modifiers: []cohort.Modifier{
				{Name: cohort.AgeAtEvent, Operator: cohort.GreaterThanOrEqual, Operands: []cohort.Operand{cohort.Whole(0)}},
				{Name: cohort.NumOfOccurrences, Operator: cohort.GreaterThanOrEqual, Operands: []cohort.Operand{cohort.Whole(1)}},
				{Name: cohort.EventDate, Operator: cohort.Between, Operands: []cohort.Operand{date(1900), date(2100)}},
			}}
			if attrsLeft > 0 && i == 0 {
				it.Type = cohort.DomainMeasurement
			}
			for p := range perItem {
				param := cohort.Parameter{ConceptID: int64(4134304 + g*1000 + i*100 + p), Standard: true, Group: p%2 == 0}
				if it.Type == cohort.DomainMeasurement && p == 0 {
					for range 10 {
						param.Attributes = append(param.Attributes, cohort.Attribute{Name: cohort.AttrNum, Operator: cohort.Between, Operands: []cohort.Operand{cohort.Number(0), cohort.Number(1000)}})
						attrsLeft--
					}
				}
				it.Parameters = append(it.Parameters, param)
			}
			group.Items = append(group.Items, it)
		}
		if g%2 == 0 {
			d.Includes = append(d.Includes, group)
		} else {
			d.Excludes = append(d.Excludes, group)
		}
	}
	for range cohort.MaxDataFilters {
		d.DataFilters = append(d.DataFilters, cohort.HasEHRData)
	}
	return d
}

// date is January 1st of the year.
func date(year int) cohort.Date {
	return cohort.Date(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
}

// StateDir returns a new folder for a state store (store.Open), removed
// when t ends: on the file system in memory at /dev/shm where the machine
// has one, else t.TempDir(). The store commits every write with an fsync,
// which on disk made the server's tests take 38 s of CPU instead of 30
// and 40 s of wall time instead of 30 (ext4, 2 cores). Whether
// acknowledged writes survive is the store's crash test's to prove, on
// disk; the other tests only need the state to hold, which memory does as
// long as the test does.
func StateDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "workbench-state-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// SyncBuffer is a buffer that a server or command writes from its own
// goroutines while a test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// debianPackages names the Debian package of each Python module that
// tests run, for the message of a missing one.
var debianPackages = map[string]string{
	"pandas":     "python3-pandas",
	"requests":   "python3-requests",
	"matplotlib": "python3-matplotlib",
	"nbconvert":  "jupyter-nbconvert",
	"ipykernel":  "python3-ipykernel",
}

// Python is the interpreter of the tests that run Python: Debian's, where
// .ci/run installs Jupyter and the libraries (a python3 earlier on PATH
// may lack them), or WORKBENCH_PYTHON. Without one of modules the test is
// skipped, saying which and how to install it, unless
// WORKBENCH_REQUIRE_JUPYTER is set (as .ci/run does): then it fails. The
// modules are found, not imported: importing pandas, matplotlib and
// nbconvert took 0.8 s of CPU a check.
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	py := os.Getenv("WORKBENCH_PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	const find = "import importlib.util, sys\nfor m in sys.argv[1:]:\n    if importlib.util.find_spec(m) is None:\n        print(m)"
	out, err := exec.Command(py, append([]string{"-c", find}, modules...)...).CombinedOutput()
	missing := strings.Fields(string(out))
	if err == nil && len(missing) == 0 {
		return py
	}
	var msg string
	if err != nil {
		msg = fmt.Sprintf("%s cannot run: %v", py, err)
		if out := bytes.TrimSpace(out); len(out) > 0 {
			msg += ": " + string(out)
		}
	} else {
		var pkgs []string
		for _, m := range missing {
			pkgs = append(pkgs, debianPackages[m])
		}
		msg = fmt.Sprintf("%s has no module %s; on Debian: apt-get install %s", py, strings.Join(missing, ", "), strings.Join(pkgs, " "))
	}
	if os.Getenv("WORKBENCH_REQUIRE_JUPYTER") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
