-- demographics_only.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH persons AS ( -- includes[0], includes[1], includes[2], dataFilters
  SELECT person_id FROM "search_person" p WHERE ((age_at_ref BETWEEN ?::BIGINT AND ?::BIGINT AND NOT is_deceased)) AND (gender_concept_id = ?::BIGINT OR sex_at_birth_concept_id = ?::BIGINT) AND (race_concept_id = ?::BIGINT OR ethnicity_concept_id = ?::BIGINT) AND has_ehr_data
),
exclude0 AS ( -- excludes[0]
  SELECT person_id FROM "search_person" p WHERE is_deceased
)
SELECT person_id FROM persons
EXCEPT
SELECT person_id FROM exclude0
-- args:
-- 1: int64 18
-- 2: int64 65
-- 3: int64 8532
-- 4: int64 8551
-- 5: int64 8516
-- 6: int64 38003563
