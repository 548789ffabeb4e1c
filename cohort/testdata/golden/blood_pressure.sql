-- blood_pressure.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "reading_pairs" e
    WHERE e.first_concept_id = ?::BIGINT AND e.first_value >= ?::DOUBLE AND e.second_value >= ?::DOUBLE
),
persons AS ( -- dataFilters
  SELECT person_id FROM "search_person" p WHERE has_physical_measurement_data
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM persons
-- args:
-- 1: int64 903118
-- 2: float64 140
-- 3: float64 90
