-- measurement_value_range.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `search_events` e
    WHERE e.bucket IN (58L) AND e.concept_id IN (3004410L) AND e.is_standard AND e.value_as_number BETWEEN 6.5E+00D AND 1E+01D
)
SELECT DISTINCT person_id FROM include0
-- args:
