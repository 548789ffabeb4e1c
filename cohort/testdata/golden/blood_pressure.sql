-- blood_pressure.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    JOIN (SELECT * FROM "search_events" e1 WHERE e1.bucket IN (?::BIGINT) AND e1.concept_id IN (?::BIGINT) AND e1.is_standard AND e1.value_as_number >= ?::DOUBLE) e1 ON e1.person_id = e.person_id AND e1.entry_date = e.entry_date AND e1.visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard AND e.value_as_number >= ?::DOUBLE
),
persons AS ( -- dataFilters
  SELECT person_id FROM "search_person" p WHERE has_physical_measurement_data
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM persons
-- args:
-- 1: int64 11
-- 2: int64 903115
-- 3: float64 90
-- 4: int64 14
-- 5: int64 903118
-- 6: float64 140
