-- args: [0,[1],[1],0,0,0,0,0,60,10059,0,0]
WITH -- ConceptSets
codesets AS (
SELECT CAST(? AS BIGINT) AS codeset_id, concept_id FROM (
SELECT DISTINCT I.concept_id FROM (
SELECT concept_id FROM "concept" WHERE concept_id IN (SELECT unnest(CAST(? AS BIGINT[])))
UNION
SELECT c.concept_id FROM "concept" c JOIN "concept_ancestor" ca ON c.concept_id = ca.descendant_concept_id
WHERE c.invalid_reason IS NULL AND ca.ancestor_concept_id IN (SELECT unnest(CAST(? AS BIGINT[])))
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
-- PrimaryCriteria.CriteriaList[0].DrugExposure
SELECT C.person_id, C.event_id, C.start_date, C.end_date, C.visit_occurrence_id, C.start_date AS sort_date, C.domain_concept_id
FROM (
SELECT t.*, t."drug_exposure_id" AS event_id, t.drug_exposure_start_date AS start_date, COALESCE(t.drug_exposure_end_date, t.drug_exposure_start_date + CAST(t.days_supply AS INTEGER), t.drug_exposure_start_date + 1) AS end_date, t."drug_concept_id" AS domain_concept_id
FROM "drug_exposure" t
WHERE t."drug_concept_id" IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
) C
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
-- EndStrategy.CustomEra
drug_target AS (
SELECT de.person_id, de.drug_exposure_start_date AS start_date, COALESCE(de.drug_exposure_end_date, de.drug_exposure_start_date + CAST(de.days_supply AS INTEGER), de.drug_exposure_start_date + 1) AS end_date
FROM "drug_exposure" de
WHERE de.person_id IN (SELECT person_id FROM included_events) AND de.drug_concept_id IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
UNION ALL
SELECT de.person_id, de.drug_exposure_start_date AS start_date, COALESCE(de.drug_exposure_end_date, de.drug_exposure_start_date + CAST(de.days_supply AS INTEGER), de.drug_exposure_start_date + 1) AS end_date
FROM "drug_exposure" de
WHERE de.person_id IN (SELECT person_id FROM included_events) AND de.drug_source_concept_id IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
),
drug_eras AS (
SELECT person_id, min(start_date) AS start_date, max(end_date) - CAST(? AS INTEGER) AS end_date
FROM (
SELECT person_id, start_date, end_date,
  sum(is_start) OVER (PARTITION BY person_id ORDER BY start_date, is_start DESC ROWS UNBOUNDED PRECEDING) AS group_idx
FROM (
SELECT person_id, start_date, end_date,
  CASE WHEN max(end_date) OVER (PARTITION BY person_id ORDER BY start_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_date THEN 0 ELSE 1 END AS is_start
FROM (SELECT person_id, start_date, end_date + CAST(? AS INTEGER) AS end_date FROM drug_target) CR
) ST
) GR
GROUP BY person_id, group_idx
),
strategy_ends AS (
SELECT et.event_id, et.person_id, ERAS.end_date
FROM included_events et
JOIN drug_eras ERAS ON ERAS.person_id = et.person_id AND et.start_date BETWEEN ERAS.start_date AND ERAS.end_date
),
-- the end candidates: the earliest one on or after the start wins
cohort_ends AS (
SELECT event_id, person_id, op_end_date AS end_date FROM included_events
UNION ALL
SELECT event_id, person_id, end_date FROM strategy_ends
),
cohort_rows AS (
SELECT I.person_id, I.start_date, min(CE.end_date) AS end_date
FROM included_events I
JOIN cohort_ends CE ON I.event_id = CE.event_id AND I.person_id = CE.person_id AND CE.end_date >= I.start_date
GROUP BY I.person_id, I.event_id, I.start_date
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
