// Package notebook is what a notebook user needs of the workbench, without
// cgo: a Go [Client] of the HTTP API, code generation for Python, R and Go
// ([DatasetCode], [CohortCode]), and Jupyter notebooks ([Notebook], nbformat
// 4, validated by [Parse] with JSON paths) kept as .ipynb files per
// workspace ([Files]).
//
// The client answers the library's own types (engine.Demographics,
// access.Status, ...) and errors that match the library's error values with
// errors.Is: see [Error]. Where the server answers a record of its state
// store, the client has a matching struct ([Workspace], [Cohort],
// [Dataset], ...): the store talks to DuckDB, which this package must not
// depend on.
//
// Programs and notebooks find the server through the environment that
// `workbench notebook` sets: WORKBENCH_URL, WORKBENCH_TOKEN and
// WORKBENCH_WORKSPACE ([FromEnv]).
package notebook
