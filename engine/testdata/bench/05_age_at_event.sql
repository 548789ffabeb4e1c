WITH p AS (
  SELECT person_id, COALESCE(CAST(birth_datetime AS DATE), make_date(year_of_birth, COALESCE(month_of_birth, 1), COALESCE(day_of_birth, 1))) AS birth
  FROM person
)
SELECT count(DISTINCT co.person_id)
FROM condition_occurrence co
JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 2000100002 UNION SELECT 2000100002) d ON d.concept_id = co.condition_concept_id
JOIN p ON p.person_id = co.person_id
WHERE year(co.condition_start_date) - year(p.birth)
  - CASE WHEN strftime(co.condition_start_date, '%m%d') < strftime(p.birth, '%m%d') THEN 1 ELSE 0 END >= 65
