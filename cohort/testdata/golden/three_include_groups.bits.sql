-- three_include_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
include1 AS ( -- includes[1]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
include2 AS ( -- includes[2]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id IN (SELECT unnest(?::BIGINT[])) AND is_standard AND direct
  )
  GROUP BY chunk
)
SELECT s0.chunk, (s0.bits & s1.bits & s2.bits)::BLOB AS bits
FROM include0 s0
JOIN include1 s1 ON s1.chunk = s0.chunk
JOIN include2 s2 ON s2.chunk = s0.chunk
-- args:
-- 1: int64 201826
-- 2: int64 1503297
-- 3: []int64 [3004410 4185115]
