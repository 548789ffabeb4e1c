-- three_include_groups.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (34L) AND concept_id IN (201826L) AND is_standard AND rolled
),
include1 AS ( -- includes[1]
  SELECT person_id FROM `concept_person` WHERE bucket IN (1L) AND concept_id IN (1503297L) AND is_standard AND rolled
),
include2 AS ( -- includes[2]
  -- items[0], items[1]
  SELECT person_id FROM `concept_person` WHERE bucket IN (27L, 58L) AND concept_id IN (3004410L, 4185115L) AND is_standard AND direct
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
INTERSECT
SELECT person_id FROM include2
-- args:
