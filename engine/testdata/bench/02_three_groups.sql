SELECT count(*) FROM (
  SELECT co.person_id FROM condition_occurrence co
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 2000100002 UNION SELECT 2000100002) d ON d.concept_id = co.condition_concept_id
  INTERSECT
  SELECT de.person_id FROM drug_exposure de
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 1545958 UNION SELECT 1545958) d ON d.concept_id = de.drug_concept_id
  INTERSECT
  SELECT person_id FROM measurement WHERE measurement_concept_id = 3004501
)
