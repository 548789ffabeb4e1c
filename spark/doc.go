// Package spark runs cohorts on Apache Spark over Spark Connect: the same
// definitions, compiled by package cohort in its Spark dialect, over the
// same Parquet CDR that package cdr reads with DuckDB, for data past one
// machine.
//
// [Open] connects to a Spark Connect server (sc://host:15002) and
// registers, in its own Spark session, a temporary view per index table
// of the CDR (index/<table>.parquet, as `workbench cdr index` writes them)
// and one of the vocabulary's concept table. The CDR is a folder or URI
// that the Spark cluster reads: a path, file://, s3a://, abfss:// or
// hdfs://. An [Engine] is a workbench.Engine, the engine the application
// services run on (app.Config.Engine, `workbench serve --engine spark`):
// cohorts ([Engine.Count], [Engine.Demographics], [Engine.Participants],
// [Engine.TopConcepts]), reviews ([Engine.ReviewSample], the same sample
// as DuckDB's for the same seed, [Engine.ParticipantEvents],
// [Engine.Persons]), concepts by id ([Engine.Concept], [Engine.Parents],
// [Engine.Children], [Engine.ExpandConceptSet]) and datasets
// ([Engine.DatasetCatalog], [Engine.PreviewDataset], and
// [Engine.DatasetRows], which streams Spark's Arrow batches one at a time
// rather than collecting the result), with package engine's result types,
// cached by the index's version id like package engine's results. The
// dataset tables (person, condition_occurrence, ...) are registered as
// views the first time a dataset needs them.
//
// [BuildIndex] builds that index with Spark (`workbench cdr index
// --engine spark`), for a CDR past one machine: the tables and meta.json
// that cdr.Index writes with DuckDB, which either engine reads.
//
// What it does not run answers engine.ErrUnsupported, naming it: concept
// search (the user's words would have to enter SQL text) and Circe
// cohorts (DuckDB SQL). A server that stops answering is
// engine.ErrUnreachable ([ErrUnreachable]). Both are 503s over HTTP.
//
// Spark Connect binds no parameters. The SQL holds literals written by
// one function (internal/sqlb's SparkLiteral) from int64, float64 and
// validated dates only; the one string a query compares with, a domain
// name, is a constant of package cohort chosen from its closed list.
//
// Every call takes a context. Its end cancels the call's gRPC stream; the
// Connect server then interrupts the operation and the Spark jobs it
// started (executions are not reattachable, so nothing keeps running for
// a client that went away).
//
// This package is the only one that imports the Spark Connect client, so
// programs that never use Spark do not build it (internal/deps enforces
// that).
package spark
