-- args: [0,[2],1,[3],0,50,50,0,0,0,0,0,0]
WITH -- ConceptSets
codesets AS (
SELECT CAST(? AS BIGINT) AS codeset_id, concept_id FROM (
SELECT DISTINCT I.concept_id FROM (
SELECT concept_id FROM "concept" WHERE concept_id IN (SELECT unnest(CAST(? AS BIGINT[])))
) I
)
UNION ALL
SELECT CAST(? AS BIGINT) AS codeset_id, concept_id FROM (
SELECT DISTINCT I.concept_id FROM (
SELECT concept_id FROM "concept" WHERE concept_id IN (SELECT unnest(CAST(? AS BIGINT[])))
) I
)
),
-- PrimaryCriteria
primary_events AS (
SELECT P.ordinal AS event_id, P.person_id, P.start_date, P.end_date, P.op_start_date, P.op_end_date, P.visit_occurrence_id
FROM (
SELECT E.person_id, E.start_date, E.end_date,
  row_number() OVER (PARTITION BY E.person_id ORDER BY E.sort_date ASC, E.event_id) AS ordinal,
  OP.observation_period_start_date AS op_start_date, OP.observation_period_end_date AS op_end_date, E.visit_occurrence_id
FROM (
-- PrimaryCriteria.CriteriaList[0].DrugEra
SELECT C.person_id, C.event_id, C.start_date, C.end_date, C.visit_occurrence_id, C.start_date AS sort_date, C.domain_concept_id
FROM (
SELECT t.*, t."drug_era_id" AS event_id, t.drug_era_start_date AS start_date, t.drug_era_end_date AS end_date, t."drug_concept_id" AS domain_concept_id, CAST(NULL AS BIGINT) AS visit_occurrence_id
FROM "drug_era" t
WHERE t."drug_concept_id" IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
) C
WHERE C.gap_days < ?
AND date_diff('day', C.start_date, C.end_date) < ?
) E
JOIN "observation_period" OP ON E.person_id = OP.person_id AND E.start_date >= OP.observation_period_start_date AND E.start_date <= OP.observation_period_end_date
WHERE OP.observation_period_start_date + CAST(? AS INTEGER) <= E.start_date AND E.start_date + CAST(? AS INTEGER) <= OP.observation_period_end_date
) P
),
-- AdditionalCriteria, QualifiedLimit
qualified_events AS (
SELECT pe.event_id, pe.person_id, pe.start_date, pe.end_date, pe.op_start_date, pe.op_end_date, pe.visit_occurrence_id
FROM primary_events pe
),
-- InclusionRules
inclusion_events AS (
SELECT CAST(NULL AS INTEGER) AS inclusion_rule_id, CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS event_id WHERE false
),
-- ExpressionLimit
included_events AS (
SELECT event_id, person_id, start_date, end_date, op_start_date, op_end_date FROM (
SELECT event_id, person_id, start_date, end_date, op_start_date, op_end_date FROM qualified_events
) MG
),
-- the one end of each event, kept when not before its start
cohort_rows AS (
SELECT person_id, start_date, end_date FROM (
SELECT person_id, start_date, CASE WHEN end_date + CAST(? AS INTEGER) > op_end_date THEN op_end_date ELSE end_date + CAST(? AS INTEGER) END AS end_date
FROM included_events
) WHERE end_date >= start_date
),
-- CollapseSettings
final_cohort AS (
SELECT person_id, min(start_date) AS start_date, max(end_date) - CAST(? AS INTEGER) AS end_date
FROM (
SELECT person_id, start_date, end_date,
  sum(is_start) OVER (PARTITION BY person_id ORDER BY start_date, is_start DESC ROWS UNBOUNDED PRECEDING) AS group_idx
FROM (
SELECT person_id, start_date, end_date,
  CASE WHEN max(end_date) OVER (PARTITION BY person_id ORDER BY start_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_date THEN 0 ELSE 1 END AS is_start
FROM (SELECT person_id, start_date, end_date + CAST(? AS INTEGER) AS end_date FROM cohort_rows) CR
) ST
) GR
GROUP BY person_id, group_idx
)
-- CensorWindow
SELECT person_id AS subject_id, start_date AS cohort_start_date, end_date AS cohort_end_date
FROM final_cohort
ORDER BY subject_id, cohort_start_date
