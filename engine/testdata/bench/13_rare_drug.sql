SELECT count(DISTINCT de.person_id)
FROM drug_exposure de
JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 757627 UNION SELECT 757627) d ON d.concept_id = de.drug_concept_id
