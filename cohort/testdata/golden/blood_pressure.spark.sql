-- blood_pressure.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `search_events` e
    JOIN (SELECT * FROM `search_events` e1 WHERE e1.bucket IN (11L) AND e1.concept_id IN (903115L) AND e1.is_standard AND e1.value_as_number >= 9E+01D) e1 ON e1.person_id = e.person_id AND e1.entry_date = e.entry_date AND e1.visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id
    WHERE e.bucket IN (14L) AND e.concept_id IN (903118L) AND e.is_standard AND e.value_as_number >= 1.4E+02D
),
persons AS ( -- dataFilters
  SELECT person_id FROM `search_person` p WHERE has_physical_measurement_data
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM persons
-- args:
