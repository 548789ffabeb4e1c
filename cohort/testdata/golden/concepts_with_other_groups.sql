-- concepts_with_other_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled
),
include1 AS ( -- includes[1]
  -- items[1]
  SELECT person_id FROM "search_person" p WHERE (age_at_ref BETWEEN ?::BIGINT AND ?::BIGINT AND NOT is_deceased)
  UNION ALL
  -- items[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled AND rolled_dates >= ?::BIGINT
),
exclude0_side0 AS ( -- excludes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[0]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
exclude0_side1 AS ( -- excludes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[1]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
exclude0 AS ( -- excludes[0]
  SELECT DISTINCT a.person_id FROM exclude0_side0 a JOIN (
    SELECT person_id, entry_date, unnest([w - 1, w, w + 1]) AS w FROM (SELECT person_id, entry_date, (entry_date - DATE '1970-01-01') // ?::BIGINT AS w FROM exclude0_side1)
  ) b ON b.person_id = a.person_id AND b.w = (a.entry_date - DATE '1970-01-01') // ?::BIGINT AND abs(a.entry_date - b.entry_date) <= ?::INTEGER
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
EXCEPT
SELECT person_id FROM exclude0
-- args:
-- 1: int64 32
-- 2: int64 4134304
-- 3: int64 18
-- 4: int64 65
-- 5: int64 34
-- 6: int64 201826
-- 7: int64 3
-- 8: []int64 [201826]
-- 9: []int64 [201826]
-- 10: []int64 [1503297]
-- 11: []int64 [1503297]
-- 12: int64 31
-- 13: int64 31
-- 14: int64 30
