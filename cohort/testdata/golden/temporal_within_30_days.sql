-- temporal_within_30_days.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0_side0 AS ( -- includes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[0]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
include0_side1 AS ( -- includes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[1]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
include0 AS ( -- includes[0]
  SELECT DISTINCT a.person_id FROM include0_side0 a JOIN (
    SELECT person_id, entry_date, unnest([w - 1, w, w + 1]) AS w FROM (SELECT person_id, entry_date, (entry_date - DATE '1970-01-01') // ?::BIGINT AS w FROM include0_side1)
  ) b ON b.person_id = a.person_id AND b.w = (a.entry_date - DATE '1970-01-01') // ?::BIGINT AND abs(a.entry_date - b.entry_date) <= ?::INTEGER
)
SELECT person_id FROM include0
-- args:
-- 1: []int64 [201826]
-- 2: []int64 [201826]
-- 3: []int64 [1503297]
-- 4: []int64 [1503297]
-- 5: int64 31
-- 6: int64 31
-- 7: int64 30
