-- concepts_with_demographics.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
persons AS ( -- includes[1], includes[2], dataFilters
  SELECT (p.person_id - f.first) // 4096 AS chunk, bitstring_agg(((p.person_id - f.first) % 4096)::INTEGER, 0, 4095) AS bits
  FROM (SELECT min(person_id) AS first FROM "search_person") f, "search_person" p WHERE ((age_at_ref BETWEEN ?::BIGINT AND ?::BIGINT AND NOT is_deceased)) AND (gender_concept_id = ?::BIGINT OR sex_at_birth_concept_id = ?::BIGINT) AND has_ehr_data
  GROUP BY chunk
)
SELECT s0.chunk, (s0.bits & s1.bits)::BLOB AS bits
FROM include0 s0
JOIN persons s1 ON s1.chunk = s0.chunk
-- args:
-- 1: int64 4134304
-- 2: int64 18
-- 3: int64 65
-- 4: int64 8532
-- 5: int64 8551
