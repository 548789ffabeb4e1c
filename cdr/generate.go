package cdr

// omop_tables.go holds the OMOP CDM schemas generated from OHDSI's
// specification CSVs; the descriptions are ours, in dictionary.go.
//go:generate go run ../internal/omopgen -ref ../../shared/reference/omop
