// Package engine runs the queries of package cohort on a CDR and caches
// their results. An [Engine] ([New]) works through database/sql on a
// database in which the index tables are visible (package cdr's CDR.DB);
// it does not import a driver, so it builds without cgo. Every call takes
// a context that cancels its query, and results are cached by CDR
// version, operation and canonical request in a [Cache], which engines of
// several CDRs may share. A count also keeps the cohort's persons, a bit a
// person id, for the latest cohorts: the cohort's demographics, top
// concepts and pages of participants then read them instead of running
// its query again.
//
// What it runs:
//
//   - cohorts: [Engine.Count], [Engine.Demographics], [Engine.TopConcepts],
//     [Engine.Participants], and [Engine.SQL], the query it runs;
//   - concepts: [Engine.SearchConcepts] ([ConceptSearch], compiled by
//     [CompileConceptSearch]), [Engine.Concept], [Engine.Parents],
//     [Engine.Children], and [Engine.ExpandConceptSet] (compiled by
//     cohort.CompileExpand);
//   - datasets: [Engine.DatasetCatalog], [Engine.PreviewDataset] and
//     [Engine.DatasetRows] (compiled by cohort.CompileDataset);
//   - reviews: [Engine.ReviewSample], a seeded sample of a cohort, and
//     [Engine.ParticipantEvents].
//
// Nothing public is computed here: the public tier answers from the public
// release (package public), built once per CDR version.
//
// Bad arguments are *fault.Fields under cohort.ErrInvalid, like a
// definition's problems; an unknown concept is
// [ErrNotFound]; a CDR without an index is [ErrNotIndexed]. SQL is built
// with internal/sqlb, table names come from internal/cdrindex.
package engine
