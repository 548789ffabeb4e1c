package omop

// omop_tables.go holds the OMOP CDM schemas generated from OHDSI's
// specification CSVs; the descriptions are ours, in dictionary.go.
//go:generate go run ../omopgen -ref ../../../shared/reference/omop
