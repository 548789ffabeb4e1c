-- three_include_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE concept_id IN (?::BIGINT) AND is_standard AND rolled
),
include1 AS ( -- includes[1]
  SELECT person_id FROM "concept_person" WHERE concept_id IN (?::BIGINT) AND is_standard AND rolled
),
include2 AS ( -- includes[2]
  -- items[0], items[1]
  SELECT person_id FROM "concept_person" WHERE concept_id IN (?::BIGINT, ?::BIGINT) AND is_standard AND direct
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
INTERSECT
SELECT person_id FROM include2
-- args:
-- 1: int64 201826
-- 2: int64 1503297
-- 3: int64 3004410
-- 4: int64 4185115
