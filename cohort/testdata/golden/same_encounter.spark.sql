-- same_encounter.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0_side0 AS ( -- includes[0] temporalGroup 0
  -- items[0]
  SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
    WHERE e.bucket IN (27L) AND e.concept_id IN (4185115L) AND e.is_standard
),
include0_side1 AS ( -- includes[0] temporalGroup 1
  -- items[1]
  SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
    WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
),
include0 AS ( -- includes[0]
  SELECT DISTINCT a.person_id FROM include0_side0 a JOIN include0_side1 b ON b.person_id = a.person_id AND a.visit_occurrence_id = b.visit_occurrence_id
)
SELECT person_id FROM include0
-- args:
