WITH a AS (
  SELECT co.person_id, co.condition_start_date AS day FROM condition_occurrence co
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 432867 UNION SELECT 432867) d ON d.concept_id = co.condition_concept_id
), b AS (
  SELECT de.person_id, de.drug_exposure_start_date AS day FROM drug_exposure de
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 1545958 UNION SELECT 1545958) d ON d.concept_id = de.drug_concept_id
)
SELECT count(DISTINCT a.person_id) FROM a JOIN b ON b.person_id = a.person_id AND abs(a.day - b.day) <= 30
