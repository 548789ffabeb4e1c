package synth

// realvocab.go holds the real OMOP concepts the generator uses, taken from
// the OHDSI Eunomia samples GiBleed and Synthea27Nj (see NOTICE).
//go:generate go run ../../internal/vocabgen -data ../../../shared/data
