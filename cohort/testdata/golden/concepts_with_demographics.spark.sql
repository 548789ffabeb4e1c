-- concepts_with_demographics.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (32L) AND concept_id IN (4134304L) AND is_standard AND rolled
),
persons AS ( -- includes[1], includes[2], dataFilters
  SELECT person_id FROM `search_person` p WHERE ((age_at_ref BETWEEN 18L AND 65L AND NOT is_deceased)) AND (gender_concept_id = 8532L OR sex_at_birth_concept_id = 8551L) AND has_ehr_data
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM persons
-- args:
