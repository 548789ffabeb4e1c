-- concepts_with_demographics.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
persons AS ( -- includes[1], includes[2], dataFilters
  SELECT person_id FROM "search_person" p WHERE ((age_at_ref BETWEEN ?::BIGINT AND ?::BIGINT AND NOT is_deceased)) AND (gender_concept_id = ?::BIGINT OR sex_at_birth_concept_id = ?::BIGINT) AND has_ehr_data
)
SELECT s0.person_id FROM include0 s0
JOIN persons s1 ON s1.person_id = s0.person_id
-- args:
-- 1: int64 32
-- 2: int64 4134304
-- 3: int64 18
-- 4: int64 65
-- 5: int64 8532
-- 6: int64 8551
