SELECT count(DISTINCT s.person_id)
FROM measurement s
JOIN measurement d ON d.person_id = s.person_id AND d.measurement_date = s.measurement_date
  AND d.visit_occurrence_id IS NOT DISTINCT FROM s.visit_occurrence_id
WHERE s.measurement_concept_id = 3004249 AND s.value_as_number > 140
  AND d.measurement_concept_id = 3012888 AND d.value_as_number > 90
