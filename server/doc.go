// Package server is the workbench's HTTP API over gorilla/mux: JSON in and
// out under /v1, errors as application/problem+json, bearer-token
// authentication, and per-request timeouts that cancel the DuckDB query.
//
// Handlers decode, call one service method and encode. The services wrap
// the library: [gate] loads what a decision needs from the state store and
// asks access.Decide, so no handler holds policy, and the cohort engine
// holds every query, so no handler holds SQL. Errors become HTTP statuses
// in one table, [status]. The routes are listed in [Server.routes], one
// list per subject (concepts, reviews, datasets, notebooks in their own
// files), and described by the parts in openapi/, merged and served at
// /v1/openapi.json; a test keeps the two equal. A dataset export streams
// and has its own time bound; a notebook body its own size cap, and the
// notebooks of a workspace a quota (Config.NotebookQuota, 413 past it).
//
// Start with [New] and [Server.Serve].
package server
