-- blood_pressure_diastolic_first.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `reading_pairs` e
    WHERE e.first_concept_id = 3004249L AND e.first_value BETWEEN 1.4E+02D AND 2E+02D AND e.second_value > 9E+01D
      AND e.age_at_event >= 65L
)
SELECT DISTINCT person_id FROM include0
-- args:
