package notebook_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/notebook"
)

// names that break code whose values are pasted in naively.
var hostileNames = []string{
	`plain`,
	`quote " and ' and """ triple`,
	"new\nline and \r\n and \t tab",
	`back\slash \" \n \u0041 \x41 ${x} $(rm) {x} %s`,
	"unicode \u00e9\u00e8 \u4e2d\u6587 \U0001F600 \u2028 \u202e",
	"nul \x00 bell \a del \x7f",
	"\")\nimport os; os.system('echo pwned') #",
}

func dataset(name string) workbench.Dataset {
	return workbench.Dataset{ID: "d_1", WorkspaceID: "w_1", Name: name,
		Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}, cohort.DomainCondition: {"condition_concept_id"}}}
}

// literal is the right-hand side of the first line of code that assigns
// the name variable: `NAME = "..."`, `name <- "..."` or `name = "..."`.
func literal(t *testing.T, code, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*` + name + `\s*(?:=|<-)\s*(.*)$`).FindStringSubmatch(code)
	require.NotNil(t, m, "no assignment of %s in:\n%s", name, code)
	return m[1]
}

func TestCodeQuotesNames(t *testing.T) {
	python, _ := exec.LookPath("python3")
	for _, name := range hostileNames {
		t.Run(name, func(t *testing.T) {
			for _, lang := range notebook.Languages {
				code, err := notebook.DatasetCode(lang, dataset(name))
				require.NoError(t, err)
				require.NotContains(t, code, name+"\n", "%s: the raw name is in the code", lang)
			}

			goCode, err := notebook.DatasetCode(notebook.Go, dataset(name))
			require.NoError(t, err)
			got, err := strconv.Unquote(literal(t, goCode, "datasetName"))
			require.NoError(t, err)
			assert.Equal(t, strings.ToValidUTF8(name, "\uFFFD"), got)

			rCode, err := notebook.DatasetCode(notebook.R, dataset(name))
			require.NoError(t, err)
			assert.Regexp(t, `^"([^"\\\x00-\x1f\x7f-\x{10ffff}]|\\["\\nrt]|\\u\{[0-9a-f]{4}\}|\\U\{[0-9a-f]{8}\})*"$`, literal(t, rCode, "dataset_name"),
				"an R literal of printable ASCII and escapes R reads")

			if python == "" {
				return
			}
			pyCode, err := notebook.DatasetCode(notebook.Python, dataset(name))
			require.NoError(t, err)
			cmd := exec.Command(python, "-c", "import ast, sys; sys.stdout.buffer.write(ast.literal_eval(sys.stdin.read()).encode('utf-8', 'surrogatepass'))")
			cmd.Stdin = strings.NewReader(literal(t, pyCode, "DATASET_NAME"))
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Equal(t, name, string(out))
		})
	}
}

func TestRQuoting(t *testing.T) {
	tests := []struct{ name, want string }{
		{`a"b\c`, `"a\"b\\c"`},
		{"line\nbreak\ttab", `"line\nbreak\ttab"`},
		{"\u00e9", `"\u{00e9}"`},
		{"\U0001F600", `"\U{0001f600}"`},
		{"\x00", `"\u{fffd}"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, err := notebook.DatasetCode(notebook.R, dataset(tc.name))
			require.NoError(t, err)
			assert.Equal(t, tc.want, literal(t, code, "dataset_name"))
		})
	}
}

// TestPythonCodeCompiles compiles the generated Python of datasets and
// cohorts (running it needs a server: see the server's tests).
func TestPythonCodeCompiles(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	for _, name := range hostileNames {
		d, err := notebook.DatasetCode(notebook.Python, dataset(name))
		require.NoError(t, err)
		c, err := notebook.CohortCode(notebook.Python, workbench.Cohort{ID: "c_1", WorkspaceID: "w_1", Name: name})
		require.NoError(t, err)
		for _, code := range []string{d, c} {
			cmd := exec.Command(python, "-c", "import sys; compile(sys.stdin.read(), 'generated.py', 'exec')")
			cmd.Stdin = strings.NewReader(code)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s\n%s", out, code)
		}
	}
}

// TestGoCodeBuilds builds the generated Go of a dataset and of a cohort
// against this package.
func TestGoCodeBuilds(t *testing.T) {
	d, err := notebook.DatasetCode(notebook.Go, dataset(hostileNames[len(hostileNames)-1]))
	require.NoError(t, err)
	c, err := notebook.CohortCode(notebook.Go, workbench.Cohort{ID: "c_1", WorkspaceID: "w_1", Name: hostileNames[3]})
	require.NoError(t, err)
	for what, code := range map[string]string{"dataset": d, "cohort": c} {
		t.Run(what, func(t *testing.T) {
			// Inside the module, to build against this package; the leading _
			// keeps it out of ./... patterns.
			dir, err := os.MkdirTemp(filepath.Join(testcdr.Root, "notebook"), "_generated-")
			require.NoError(t, err)
			defer os.RemoveAll(dir)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644))
			cmd := exec.Command("go", "vet", ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s\n%s", out, code)
		})
	}
}

func TestCodeRefusals(t *testing.T) {
	_, err := notebook.DatasetCode(notebook.Python, workbench.Dataset{ID: "d_1", Name: "none"})
	assert.ErrorIs(t, err, notebook.ErrInvalid, "no domains")
	_, err = notebook.DatasetCode("cobol", dataset("x"))
	assert.ErrorIs(t, err, notebook.ErrInvalid)
	for _, tc := range []struct {
		in   string
		want notebook.Language
		ok   bool
	}{{"python", notebook.Python, true}, {"R", notebook.R, true}, {"go", notebook.Go, true}, {"", "", false}, {"py", "", false}} {
		got, err := notebook.ParseLanguage(tc.in)
		assert.Equal(t, tc.ok, err == nil, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestStarterNotebook(t *testing.T) {
	d := dataset("Visits\nof 2024")
	nb, err := notebook.StarterNotebook(d)
	require.NoError(t, err)
	require.NoError(t, nb.Validate())
	code, err := notebook.DatasetCode(notebook.Python, d)
	require.NoError(t, err)
	require.Len(t, nb.Cells, 3)
	assert.Equal(t, notebook.Markdown, nb.Cells[0].Type)
	assert.Contains(t, nb.Cells[0].Source, "# Dataset: Visits of 2024\n", "the heading stays on one line")
	assert.Equal(t, strings.TrimRight(code, "\n"), nb.Cells[1].Source)
}
