-- temporal_within_30_days.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0_side0 AS ( -- includes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, min(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[0]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
    )
  ) WHERE entry_date = mention_date
),
include0_side1 AS ( -- includes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, min(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[1]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(1503297L)))) AND e.is_standard
    )
  ) WHERE entry_date = mention_date
),
include0 AS ( -- includes[0]
  SELECT DISTINCT a.person_id FROM include0_side0 a JOIN (
    SELECT person_id, entry_date, explode(array(w - 1, w, w + 1)) AS w FROM (SELECT person_id, entry_date, datediff(entry_date, DATE '1970-01-01') div 31L AS w FROM include0_side1)
  ) b ON b.person_id = a.person_id AND b.w = datediff(a.entry_date, DATE '1970-01-01') div 31L AND abs(datediff(a.entry_date, b.entry_date)) <= 30L
)
SELECT person_id FROM include0
-- args:
