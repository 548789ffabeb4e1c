-- survey_answer.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM `search_events` e
    WHERE e.bucket IN (4L) AND e.concept_id IN (1585860L) AND e.is_standard
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM `search_events` e
    WHERE e.bucket IN (63L) AND e.concept_id IN (1585855L) AND e.is_standard AND e.value_as_concept_id IN (SELECT explode(array(1585856L, 1585857L)))
)
SELECT DISTINCT person_id FROM include0
-- args:
