// Package public is the Public Tier CDR: the aggregate-only release of a
// CDR that the public pages (Data Browser, Data Snapshots, Survey
// Explorer) and /v1/public/* serve, built once per CDR version so that
// nothing public is computed from rows at request time.
//
// [Build] computes every aggregate with SQL through the database of an
// opened, indexed CDR ([Source]), releases each cell once under the rules
// of a [Config] (threshold, bins, fixed breakdown labels, withheld small
// breakdowns, optional keyed or discrete-Laplace noise drawn from a key
// and the cell's name), and writes Parquet tables and a [Manifest] to a
// folder. The release holds no person id and no count under the
// threshold: 0 and 1-19 are both "<= 20".
//
// [Open] reads a release into memory as a [Release], whose methods answer
// the public pages: [Release.Totals], [Release.Demographics],
// [Release.Search], [Release.Domains], [Release.Concept],
// [Release.Histograms], [Release.Surveys], [Release.Survey],
// [Release.Question], [Release.TopConcepts] and [Release.Manifest]. The
// package builds without cgo: a public deployment needs neither row-level
// data nor DuckDB. Errors wrap [ErrInvalid] or [ErrNotFound].
//
// docs/privacy.md states the rules and what the attacks of
// privacy_test.go learned.
package public
