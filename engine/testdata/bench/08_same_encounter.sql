SELECT count(DISTINCT co.person_id)
FROM condition_occurrence co
JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 2000100002 UNION SELECT 2000100002) d ON d.concept_id = co.condition_concept_id
JOIN procedure_occurrence po ON po.person_id = co.person_id AND po.visit_occurrence_id = co.visit_occurrence_id
WHERE po.procedure_concept_id = 2000700003
