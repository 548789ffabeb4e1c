// Package deps holds the test that enforces the dependency direction of
// DESIGN.md: the import graph is policy, not a wish.
package deps

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	module = "github.com/openworkbench/workbench"
	driver = "github.com/duckdb/duckdb-go/v2"
	// sparkClient is the Spark Connect client (with gRPC and Arrow), which
	// only package spark, and the commands, may bring.
	sparkClient = "github.com/apache/spark-connect-go"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// packages lists the module's packages with their direct imports and all
// their dependencies.
func packages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps", module+"/...").Output()
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(out)))
	pkgs := map[string]pkg{}
	for dec.More() {
		var p pkg
		require.NoError(t, dec.Decode(&p))
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	require.Contains(t, pkgs, "cdr")
	require.Contains(t, pkgs, "")
	require.Contains(t, pkgs, "fault")
	return pkgs
}

func TestDependencyDirection(t *testing.T) {
	pkgs := packages(t)
	// Packages a notebook user's Go program may import, the engine (which
	// runs queries through database/sql on the database it is given), the
	// packages they share with the server and cdr, and the public release,
	// which a public deployment serves without row-level data or DuckDB:
	// pure Go, no cgo. The domain ("" is the module's root package) and
	// its error vocabulary are the base of every front end: pure Go too.
	for _, name := range []string{"", "fault", "cohort", "circe", "access", "notebook", "engine", "public", "internal/export", "internal/sqlb", "internal/cdrindex", "internal/omop", "jupyter"} {
		p, ok := pkgs[name]
		if !assert.True(t, ok, "package %s is gone: update this test", name) {
			continue
		}
		assert.NotContains(t, p.Deps, driver, "%s must build without cgo: it may not depend on the DuckDB driver", name)
		if name == "fault" || name == "cohort" || name == "circe" || name == "access" {
			assert.NotContains(t, p.Deps, "net/http", "%s must not depend on net/http", name)
		}
	}
	// The lab runs beside the web pages, which mount it: it knows nothing
	// of them nor of the services behind them.
	for _, dep := range pkgs["jupyter"].Deps {
		for _, banned := range []string{"server", "web", "app"} {
			if dep == module+"/"+banned || strings.HasPrefix(dep, module+"/"+banned+"/") {
				assert.Fail(t, "jupyter depends on "+dep, "package jupyter may not depend on %s", banned)
			}
		}
	}
	// Programs that never use Spark pay nothing for it: the client is in
	// the graph of package spark and of the commands that wire it alone.
	for name, p := range pkgs {
		if name == "spark" || strings.HasPrefix(name, "cmd/") {
			continue
		}
		for _, dep := range p.Deps {
			if strings.HasPrefix(dep, sparkClient+"/") {
				assert.Fail(t, "Spark client in the graph of "+name, "%s depends on %s; only package spark may", name, dep)
				break
			}
		}
	}
	require.Contains(t, pkgs, "spark")
	assert.True(t, slices.ContainsFunc(pkgs["spark"].Deps, func(d string) bool { return strings.HasPrefix(d, sparkClient+"/") }),
		"package spark is where the Spark client is")
	assert.NotContains(t, pkgs["spark"].Deps, driver, "package spark builds without cgo")
	// The compiler is pure: no database, no I/O of queries.
	assert.NotContains(t, pkgs["cohort"].Deps, "database/sql", "cohort compiles queries; package engine runs them")
	// Only cdr and the state store talk to DuckDB directly.
	for name, p := range pkgs {
		if slices.Contains(p.Imports, driver) {
			assert.Contains(t, []string{"cdr", "internal/store"}, name, "%s imports the DuckDB driver", name)
		}
		for _, imp := range p.Imports {
			rel := strings.TrimPrefix(imp, module+"/")
			// The commands are the top of the graph: they alone may use server.
			if strings.HasPrefix(name, "cmd/") && rel == "server" {
				continue
			}
			if rel == "server" || strings.HasPrefix(rel, "cmd/") {
				assert.Fail(t, "import of "+rel, "%s imports %s; only commands may import server, and nothing imports cmd", name, rel)
			}
		}
	}
}
