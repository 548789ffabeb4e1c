-- single_concept_descendants.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (32L) AND concept_id IN (4134304L) AND is_standard AND rolled
)
SELECT person_id FROM include0
-- args:
