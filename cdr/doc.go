// Package cdr is the clinical data repository: the OMOP CDM v5.3 and v5.4
// schemas as Go data ([SchemaFor], with the data dictionary in each
// [Column.Description]), and the operations a data engineer runs on a CDR
// folder — [Load] (CSV to typed Parquet), [Open] (Parquet to a read-only
// DuckDB database of views, a [CDR]), [Validate] (a data quality
// [Report]) and [Index] (the search tables that cohort counts read).
//
// A CDR folder holds one Parquet file per table (person.parquet) or a
// folder of Parquet files per table (measurement/part-00000.parquet), and
// index/ once indexed. This is the only package, with the state store,
// that imports the DuckDB driver: everything else reaches data through
// the *sql.DB of an opened CDR.
package cdr
