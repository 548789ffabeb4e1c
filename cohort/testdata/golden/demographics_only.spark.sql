-- demographics_only.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH persons AS ( -- includes[0], includes[1], includes[2], dataFilters
  SELECT person_id FROM `search_person` p WHERE ((age_at_ref BETWEEN 18L AND 65L AND NOT is_deceased)) AND (gender_concept_id = 8532L OR sex_at_birth_concept_id = 8551L) AND (race_concept_id = 8516L OR ethnicity_concept_id = 38003563L) AND has_ehr_data
),
exclude0 AS ( -- excludes[0]
  SELECT person_id FROM `search_person` p WHERE is_deceased
)
SELECT person_id FROM persons
EXCEPT
SELECT person_id FROM exclude0
-- args:
