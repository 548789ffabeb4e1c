-- readings_same_visit.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `search_events` e
    JOIN (SELECT * FROM `search_events` e1 WHERE e1.bucket IN (10L) AND e1.concept_id IN (3027018L) AND e1.is_standard AND e1.value_as_number > 1E+02D) e1 ON e1.person_id = e.person_id AND e1.entry_date = e.entry_date AND e1.visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id
    WHERE e.bucket IN (25L) AND e.concept_id IN (3004249L) AND e.is_standard AND e.value_as_number > 1.4E+02D
)
SELECT DISTINCT person_id FROM include0
-- args:
