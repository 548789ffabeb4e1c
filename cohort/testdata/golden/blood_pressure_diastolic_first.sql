-- blood_pressure_diastolic_first.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "reading_pairs" e
    WHERE e.first_concept_id = ?::BIGINT AND e.first_value BETWEEN ?::DOUBLE AND ?::DOUBLE AND e.second_value > ?::DOUBLE
      AND e.age_at_event >= ?::BIGINT
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 3004249
-- 2: float64 140
-- 3: float64 200
-- 4: float64 90
-- 5: int64 65
