-- concepts_with_other_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
include1_persons AS ( -- includes[1]
  -- items[1]
  SELECT person_id FROM "search_person" p WHERE (age_at_ref BETWEEN ?::BIGINT AND ?::BIGINT AND NOT is_deceased)
  UNION ALL
  -- items[0]
  SELECT person_id FROM "concept_person" WHERE bucket IN (?::BIGINT) AND concept_id IN (?::BIGINT) AND is_standard AND rolled AND rolled_dates >= ?::BIGINT
),
include1 AS ( -- includes[1]
  SELECT (p.person_id - f.first) // 4096 AS chunk, bitstring_agg(((p.person_id - f.first) % 4096)::INTEGER, 0, 4095) AS bits
  FROM (SELECT min(person_id) AS first FROM "search_person") f, include1_persons p
  GROUP BY chunk
),
exclude0_persons_side0 AS ( -- excludes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[0]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
exclude0_persons_side1 AS ( -- excludes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    -- items[1]
    SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM "search_events" e
      WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) QUALIFY entry_date = min(entry_date) OVER (PARTITION BY person_id)
),
exclude0_persons AS ( -- excludes[0]
  SELECT DISTINCT a.person_id FROM exclude0_persons_side0 a JOIN (
    SELECT person_id, entry_date, unnest([w - 1, w, w + 1]) AS w FROM (SELECT person_id, entry_date, (entry_date - DATE '1970-01-01') // ?::BIGINT AS w FROM exclude0_persons_side1)
  ) b ON b.person_id = a.person_id AND b.w = (a.entry_date - DATE '1970-01-01') // ?::BIGINT AND abs(a.entry_date - b.entry_date) <= ?::INTEGER
),
exclude0 AS ( -- excludes[0]
  SELECT (p.person_id - f.first) // 4096 AS chunk, bitstring_agg(((p.person_id - f.first) % 4096)::INTEGER, 0, 4095) AS bits
  FROM (SELECT min(person_id) AS first FROM "search_person") f, exclude0_persons p
  GROUP BY chunk
)
SELECT s0.chunk, (s0.bits & s1.bits & ~coalesce(x0.bits, bitstring('0', 4096)))::BLOB AS bits
FROM include0 s0
JOIN include1 s1 ON s1.chunk = s0.chunk
LEFT JOIN exclude0 x0 ON x0.chunk = s0.chunk
-- args:
-- 1: int64 4134304
-- 2: int64 18
-- 3: int64 65
-- 4: int64 34
-- 5: int64 201826
-- 6: int64 3
-- 7: []int64 [201826]
-- 8: []int64 [201826]
-- 9: []int64 [1503297]
-- 10: []int64 [1503297]
-- 11: int64 31
-- 12: int64 31
-- 13: int64 30
