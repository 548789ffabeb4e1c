-- three_include_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
include1 AS ( -- includes[1]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
include2 AS ( -- includes[2]
  -- items[0], items[1]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT, ?::BIGINT) AND concept_id IN (?::BIGINT, ?::BIGINT) AND is_standard AND direct
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
INTERSECT
SELECT person_id FROM include2
-- args:
-- 1: int64 34
-- 2: int64 201826
-- 3: int64 1
-- 4: int64 1503297
-- 5: int64 27
-- 6: int64 58
-- 7: int64 3004410
-- 8: int64 4185115
