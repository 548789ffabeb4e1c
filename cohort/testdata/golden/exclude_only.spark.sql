-- exclude_only.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH persons AS ( -- dataFilters
  SELECT person_id FROM `search_person` p WHERE has_ehr_data
),
exclude0 AS ( -- excludes[0]
  -- items[1]
  SELECT person_id FROM `search_person` p WHERE gender_concept_id = 8507L
  UNION ALL
  -- items[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (4L) AND concept_id IN (1118084L) AND is_standard AND rolled
)
SELECT person_id FROM persons
EXCEPT
SELECT person_id FROM exclude0
-- args:
