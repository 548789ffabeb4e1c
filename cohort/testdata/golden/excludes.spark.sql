-- excludes.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (34L) AND concept_id IN (201826L) AND is_standard AND rolled
),
exclude0 AS ( -- excludes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (38L) AND concept_id IN (201254L) AND is_standard AND rolled
),
exclude1 AS ( -- excludes[1]
  SELECT person_id FROM `concept_person` WHERE bucket IN (1L) AND concept_id IN (1503297L) AND is_standard AND rolled
)
SELECT person_id FROM include0
EXCEPT
SELECT person_id FROM exclude0
EXCEPT
SELECT person_id FROM exclude1
-- args:
