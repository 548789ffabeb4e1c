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
// hdfs://. An [Engine] then answers [Engine.Count],
// [Engine.Demographics], [Engine.Participants] and [Engine.TopConcepts]
// with package engine's result types, cached by the index's version id
// like package engine's results.
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
