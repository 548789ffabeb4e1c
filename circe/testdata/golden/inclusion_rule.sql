-- args: [0,[2],[2],1,[3],[3],0,0,0,1,-1,1,0,0]
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
UNION ALL
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
-- PrimaryCriteria.CriteriaList[0].ConditionOccurrence
SELECT C.person_id, C.event_id, C.start_date, C.end_date, C.visit_occurrence_id, C.start_date AS sort_date, C.domain_concept_id
FROM (
SELECT t.*, t."condition_occurrence_id" AS event_id, t.condition_start_date AS start_date, COALESCE(t.condition_end_date, t.condition_start_date + 1) AS end_date, t."condition_concept_id" AS domain_concept_id
FROM "condition_occurrence" t
WHERE t."condition_concept_id" IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
) C
) E
JOIN "observation_period" OP ON E.person_id = OP.person_id AND E.start_date >= OP.observation_period_start_date AND E.start_date <= OP.observation_period_end_date
WHERE OP.observation_period_start_date + CAST(? AS INTEGER) <= E.start_date AND E.start_date + CAST(? AS INTEGER) <= OP.observation_period_end_date
) P
WHERE P.ordinal = 1
),
-- AdditionalCriteria, QualifiedLimit
qualified_events AS (
SELECT pe.event_id, pe.person_id, pe.start_date, pe.end_date, pe.op_start_date, pe.op_end_date, pe.visit_occurrence_id
FROM primary_events pe
),
-- InclusionRules
inclusion_events AS (
SELECT 0 AS inclusion_rule_id, person_id, event_id FROM (
-- InclusionRules[0].expression
SELECT E.person_id, E.event_id
FROM qualified_events E
JOIN (
-- InclusionRules[0].expression.CriteriaList[0]
SELECT 0 AS index_id, cc.person_id, cc.event_id
FROM (
SELECT P.person_id, P.event_id, A.event_id AS counted
FROM qualified_events P
JOIN (
-- InclusionRules[0].expression.CriteriaList[0].Criteria.ConditionOccurrence
SELECT C.person_id, C.event_id, C.start_date, C.end_date, C.visit_occurrence_id, C.start_date AS sort_date, C.domain_concept_id
FROM (
SELECT t.*, t."condition_occurrence_id" AS event_id, t.condition_start_date AS start_date, COALESCE(t.condition_end_date, t.condition_start_date + 1) AS end_date, t."condition_concept_id" AS domain_concept_id
FROM "condition_occurrence" t
WHERE t."condition_concept_id" IN (SELECT concept_id FROM codesets WHERE codeset_id = ?)
) C
) A ON A.person_id = P.person_id AND A.start_date >= P.op_start_date AND A.start_date <= P.op_end_date AND A.start_date >= P.op_start_date AND A.start_date <= P.start_date + CAST(? AS INTEGER)
) cc
GROUP BY cc.person_id, cc.event_id
HAVING count(cc.counted) >= ?
) CQ ON E.person_id = CQ.person_id AND E.event_id = CQ.event_id
GROUP BY E.person_id, E.event_id
HAVING count(CQ.index_id) = 1
)
),
-- ExpressionLimit
included_events AS (
SELECT event_id, person_id, start_date, end_date, op_start_date, op_end_date
FROM (
SELECT MG.*, row_number() OVER (PARTITION BY MG.person_id ORDER BY MG.start_date ASC, MG.event_id) AS ordinal
FROM (
SELECT * FROM (
SELECT Q.person_id, Q.event_id, Q.start_date, Q.end_date, Q.op_start_date, Q.op_end_date,
  CAST(COALESCE(SUM(CAST(1 AS BIGINT) << I.inclusion_rule_id), 0) AS BIGINT) AS inclusion_rule_mask
FROM qualified_events Q
LEFT JOIN inclusion_events I ON I.person_id = Q.person_id AND I.event_id = Q.event_id
GROUP BY Q.person_id, Q.event_id, Q.start_date, Q.end_date, Q.op_start_date, Q.op_end_date
) MG
WHERE MG.inclusion_rule_mask = 1
) MG
) R
WHERE R.ordinal = 1
),
-- the one end of each event, kept when not before its start
cohort_rows AS (
SELECT person_id, start_date, op_end_date AS end_date FROM included_events WHERE op_end_date >= start_date
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
