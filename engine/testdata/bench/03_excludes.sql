SELECT count(*) FROM (
  SELECT co.person_id FROM condition_occurrence co
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 432867 UNION SELECT 432867) d ON d.concept_id = co.condition_concept_id
  EXCEPT
  SELECT co.person_id FROM condition_occurrence co
  JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 320128 UNION SELECT 320128) d ON d.concept_id = co.condition_concept_id
)
