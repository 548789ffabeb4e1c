-- excludes.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
exclude0 AS ( -- excludes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
exclude1 AS ( -- excludes[1]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
)
SELECT person_id FROM include0
EXCEPT
SELECT person_id FROM exclude0
EXCEPT
SELECT person_id FROM exclude1
-- args:
-- 1: int64 34
-- 2: int64 201826
-- 3: int64 38
-- 4: int64 201254
-- 5: int64 1
-- 6: int64 1503297
