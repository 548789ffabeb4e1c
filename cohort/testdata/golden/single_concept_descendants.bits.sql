-- single_concept_descendants.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT chunk, bit_or(bits::BIT) AS bits FROM (
    SELECT chunk, bits FROM "concept_bits" WHERE concept_id = ?::BIGINT AND is_standard AND rolled
  )
  GROUP BY chunk
)
SELECT s0.chunk, (s0.bits)::BLOB AS bits
FROM include0 s0
-- args:
-- 1: int64 4134304
