-- source_event_date_encounters.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `search_events` e
    WHERE e.bucket IN (49L) AND e.concept_id IN (44820017L) AND NOT e.is_standard
      AND e.entry_date BETWEEN DATE '2010-01-01' AND DATE '2019-12-31'
      AND e.visit_concept_id IN (SELECT explode(array(262L, 9201L)))
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM `search_events` e
    WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
      AND e.entry_date BETWEEN DATE '2010-01-01' AND DATE '2019-12-31'
      AND e.visit_concept_id IN (SELECT explode(array(262L, 9201L)))
)
SELECT DISTINCT person_id FROM include0
-- args:
