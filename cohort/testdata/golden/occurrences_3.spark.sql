-- occurrences_3.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM (
    SELECT e.person_id, e.entry_date FROM `search_events` e
      WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
  ) GROUP BY person_id HAVING count(DISTINCT entry_date) >= 3L
)
SELECT person_id FROM include0
-- args:
