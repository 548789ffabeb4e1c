SELECT count(DISTINCT de.person_id)
FROM drug_exposure de
JOIN (SELECT descendant_concept_id AS concept_id FROM concept_ancestor WHERE ancestor_concept_id = 2000400050 UNION SELECT 2000400050) d ON d.concept_id = de.drug_concept_id
