-- temporal_last_before_occurrences.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0_item0 AS ( -- includes[0].items[0]
  SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
    WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
),
include0_side0 AS ( -- includes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[0]
    SELECT person_id, entry_date, visit_occurrence_id FROM include0_item0 WHERE person_id IN (SELECT person_id FROM include0_item0 GROUP BY person_id HAVING count(DISTINCT entry_date) >= ?::BIGINT)
  ) QUALIFY entry_date = max(entry_date) OVER (PARTITION BY person_id)
),
include0_side1 AS ( -- includes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[1]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
    UNION ALL
    -- items[2]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard AND e.value_as_number > ?::DOUBLE
  ) QUALIFY entry_date = max(entry_date) OVER (PARTITION BY person_id)
),
include0 AS ( -- includes[0]
  SELECT a.person_id FROM (SELECT person_id, min(entry_date) AS entry_date FROM include0_side0 GROUP BY person_id) a
  JOIN (SELECT person_id, max(entry_date) AS entry_date FROM include0_side1 GROUP BY person_id) b
    ON b.person_id = a.person_id AND a.entry_date <= b.entry_date - ?::INTEGER
)
SELECT person_id FROM include0
-- args:
-- 1: []int64 [201826]
-- 2: []int64 [201826]
-- 3: int64 2
-- 4: []int64 [1503297]
-- 5: []int64 [1503297]
-- 6: int64 58
-- 7: int64 3004410
-- 8: float64 8
-- 9: int64 90
