// Package server is the workbench's HTTP API over gorilla/mux: JSON in and
// out under /v1, errors as application/problem+json, bearer-token
// authentication, and per-request timeouts that cancel the DuckDB query.
//
// Handlers decode, call one service method and encode. The services wrap
// the library: [gate] loads what a decision needs from the state store and
// asks access.Decide, so no handler holds policy, and the cohort engine
// holds every query, so no handler holds SQL. Errors become HTTP statuses
// in one table, [status]. The routes are listed in [Server.routes] and
// described by openapi.json, served at /v1/openapi.json; a test keeps the
// two equal.
//
// Start with [New] and [Server.Serve].
package server
