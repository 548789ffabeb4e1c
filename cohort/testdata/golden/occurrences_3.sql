-- occurrences_3.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled AND rolled_dates >= ?::BIGINT
)
SELECT person_id FROM include0
-- args:
-- 1: int64 34
-- 2: int64 201826
-- 3: int64 3
