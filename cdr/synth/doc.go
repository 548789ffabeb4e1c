// Package synth generates synthetic OMOP CDM v5.3 CDRs of any size, for
// demos, tests and benchmarks of the workbench, with no real person in
// them.
//
// [Generate] writes a CDR folder that [cdr.Open] reads: the clinical
// tables (person, observation_period, visit_occurrence,
// condition_occurrence, drug_exposure, procedure_occurrence, measurement,
// observation, device_exposure, death) as folders of Parquet part files,
// one part per block of persons, and the vocabulary tables (concept,
// concept_ancestor, concept_relationship, vocabulary, domain,
// concept_class, relationship) and cdm_source as single Parquet files.
//
// Output is a function of the seed and the number of persons only: every
// random draw comes from a generator seeded by hashing (seed, person_id,
// stream), so persons are generated in parallel and the files are the
// same bytes on every run.
//
// The vocabulary is fixed and, wherever the OHDSI Eunomia samples GiBleed
// and Synthea27Nj have the concepts, real: 1,162 real OMOP concepts
// with their real ids, names and codes (SNOMED conditions, procedures,
// observations and devices; RxNorm ingredients and clinical drugs; LOINC
// labs and vital signs such as [SystolicBP]; ICD10CM codes), their "Is a"
// hierarchy and "Maps to" mappings, extracted once by internal/vocabgen
// into realvocab.go (see NOTICE); and the well-known gender, race,
// ethnicity, visit, type and unit concepts. Real conditions join the
// generator's condition categories by keywords in their names; real
// ingredients join their ATC classes by name. The rest is invented, with
// ids from 2,000,000,001 up in blocks of 100,000 per kind:
//
//	2000000001+  concept classes, relationships, local units, value answers
//	2000100001+  conditions: grouping concepts the samples lack, and a
//	             category's conditions when the samples have none for it
//	2000200001+  ICD10CM-like source codes, "Maps to" the conditions
//	2000300001+  ATC classes, 1st..4th level (standard_concept 'C')
//	2000400001+  ingredients of ATC classes the samples have none of
//	2000500001+  their clinical drugs
//	2000600001+  LOINC-like grouping concepts and labs the samples lack
//	2000700001+  procedures
//	2000800001+  observations
//	2000900001+  devices
//	2001000001+  PPI surveys: modules ("Module") above questions ("Question"),
//	             answers ("Answer") linked by "Has answer (PPI)"
//	2001100001+  PPI physical measurements ([PhysicalMeasurements], [PMSystolicBP], ...)
//
// The generator never reads the samples: realvocab.go is compiled in.
//
// The All of Us survey and physical measurement concepts are of the PPI
// vocabulary, which neither sample has, so theirs are invented ids with
// the program's names and codes. Surveys are observations:
// observation_concept_id and observation_source_concept_id are the
// question, value_as_concept_id the answer (or value_as_number); the
// samples' LOINC questions (PRAPARE, PHQ-9) belong to no All of Us survey,
// so none stands in for a PPI question. Physical measurements, as in All
// of Us, have the PPI concept as measurement_source_concept_id and the
// real LOINC concept it maps to as measurement_concept_id (systolic and
// diastolic blood pressure, height, weight, BMI, heart rate); waist and
// hip circumference, whose LOINC concepts the samples lack, keep the PPI
// concept in both. The reference date, cdm_source's
// source_release_date, is 2025-07-01; no event is later.
package synth
