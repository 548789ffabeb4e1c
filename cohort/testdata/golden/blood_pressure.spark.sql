-- blood_pressure.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `reading_pairs` e
    WHERE e.first_concept_id = 903118L AND e.first_value >= 1.4E+02D AND e.second_value >= 9E+01D
),
persons AS ( -- dataFilters
  SELECT person_id FROM `search_person` p WHERE has_physical_measurement_data
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM persons
-- args:
