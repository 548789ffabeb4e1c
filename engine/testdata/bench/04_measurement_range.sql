SELECT count(DISTINCT person_id)
FROM measurement
WHERE measurement_concept_id = 3038553 AND value_as_number BETWEEN 30 AND 40
