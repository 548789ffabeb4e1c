-- excludes.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
exclude0 AS ( -- excludes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
),
exclude1 AS ( -- excludes[1]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
)
SELECT s0.chunk, (s0.bits & ~coalesce(x0.bits, bitstring('0', 4096)) & ~coalesce(x1.bits, bitstring('0', 4096)))::BLOB AS bits
FROM include0 s0
LEFT JOIN exclude0 x0 ON x0.chunk = s0.chunk
LEFT JOIN exclude1 x1 ON x1.chunk = s0.chunk
-- args:
-- 1: int64 201826
-- 2: int64 201254
-- 3: int64 1503297
