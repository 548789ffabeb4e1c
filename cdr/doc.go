// Package cdr is the clinical data repository: the OMOP CDM v5.3 and v5.4
// schemas as Go data ([SchemaFor], with the data dictionary in each
// [Column.Description]), and the operations a data engineer runs on a CDR
// folder — [Load] (CSV to typed Parquet), [Open] (Parquet to a read-only
// DuckDB database of views, a [CDR]), [Validate] (a data quality
// [Report]) and [Index] (the search tables that cohort counts read).
//
// A CDR folder holds one Parquet file per table (person.parquet) or a
// folder of Parquet files per table (measurement/part-00000.parquet), and
// index/ once indexed.
//
// Hierarchies: a concept stands for its descendants by the index's
// concept_closure, which holds OMOP's concept_ancestor (standard and
// classification concepts) and the hierarchies of source concepts that
// concept_ancestor leaves out, so that a source code's parent selects its
// children as the All of Us criteria tree has it (ICD10CM K92 selects the
// persons of K92.2). A source concept's parents are the source concepts of
// its own vocabulary that it "Is a" (or that "Subsumes" it) by
// concept_relationship; an ICD9CM or ICD10CM code without one gets the
// longest shorter code of its vocabulary that is a prefix of it, a
// trailing dot left out (K92.2 is a child of K92).
//
// The index (layout [IndexLayout], 11; an index of another layout is
// [ErrIndexStale] until built again) is Parquet under index/, of format
// version 2 but for the tables with a DOUBLE column, which Spark could
// not read so (cdrindex.FormatVersion2). search_person, concept_closure,
// person_concept, concept_counts, reading_pairs (blood pressure's two
// readings of one visit on one row) and concept_bits (concept_person's
// persons as bits, one row per 4,096 person ids, in row groups of 2,048
// rows) are a file each; search_events and concept_person are
// folders of hive partitions, one file per bucket of concepts
// (concept_id % 64), each sorted by concept, so that a query naming a
// concept's bucket opens one file; person_events is one file per bucket
// of persons (person_id % 256), sorted by person and date, for a
// participant's timeline. concept_person has each person of a concept
// once per standard flag, with the number of distinct dates of the
// concept's events (dates) and of its descendants' too (rolled_dates),
// rolled up from person_events in parts of its buckets so that memory
// stays bounded. [Open] reads a table written by Spark (spark.BuildIndex)
// as a folder of part files alike.
//
// This is the only package, with the state store,
// that imports the DuckDB driver: everything else reaches data through
// the *sql.DB of an opened CDR.
package cdr
