SELECT count(DISTINCT co.person_id)
FROM condition_occurrence co
JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 36674642 UNION SELECT 36674642) d ON d.concept_id = co.condition_concept_id
