-- temporal_last_before_occurrences.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0_item0 AS ( -- includes[0].items[0]
  SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
    WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
),
include0_side0 AS ( -- includes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, max(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[0]
      SELECT person_id, entry_date, visit_occurrence_id FROM include0_item0 WHERE person_id IN (SELECT person_id FROM include0_item0 GROUP BY person_id HAVING count(DISTINCT entry_date) >= 2L)
    )
  ) WHERE entry_date = mention_date
),
include0_side1 AS ( -- includes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, max(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[1]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(1503297L)))) AND e.is_standard
      UNION ALL
      -- items[2]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.bucket IN (58L) AND e.concept_id IN (3004410L) AND e.is_standard AND e.value_as_number > 8E+00D
    )
  ) WHERE entry_date = mention_date
),
include0 AS ( -- includes[0]
  SELECT a.person_id FROM (SELECT person_id, min(entry_date) AS entry_date FROM include0_side0 GROUP BY person_id) a
  JOIN (SELECT person_id, max(entry_date) AS entry_date FROM include0_side1 GROUP BY person_id) b
    ON b.person_id = a.person_id AND datediff(b.entry_date, a.entry_date) >= 90L
)
SELECT person_id FROM include0
-- args:
