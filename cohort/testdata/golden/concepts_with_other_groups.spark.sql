-- concepts_with_other_groups.json, compiled by TestGolden for spark (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM `concept_person` WHERE bucket IN (32L) AND concept_id IN (4134304L) AND is_standard AND rolled
),
include1 AS ( -- includes[1]
  -- items[1]
  SELECT person_id FROM `search_person` p WHERE (age_at_ref BETWEEN 18L AND 65L AND NOT is_deceased)
  UNION ALL
  -- items[0]
  SELECT person_id FROM (
    SELECT e.person_id, e.entry_date FROM `search_events` e
      WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
  ) GROUP BY person_id HAVING count(DISTINCT entry_date) >= 3L
),
exclude0_side0 AS ( -- excludes[0] temporalGroup 0
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, min(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[0]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(201826L)))) AND e.is_standard
    )
  ) WHERE entry_date = mention_date
),
exclude0_side1 AS ( -- excludes[0] temporalGroup 1
  SELECT person_id, entry_date, visit_occurrence_id FROM (
    SELECT person_id, entry_date, visit_occurrence_id, min(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (
      -- items[1]
      SELECT e.person_id, e.entry_date, e.visit_occurrence_id FROM `search_events` e
        WHERE e.concept_id IN (SELECT descendant_id FROM `concept_closure` WHERE ancestor_id IN (SELECT explode(array(1503297L)))) AND e.is_standard
    )
  ) WHERE entry_date = mention_date
),
exclude0 AS ( -- excludes[0]
  SELECT DISTINCT a.person_id FROM exclude0_side0 a JOIN (
    SELECT person_id, entry_date, explode(array(w - 1, w, w + 1)) AS w FROM (SELECT person_id, entry_date, datediff(entry_date, DATE '1970-01-01') div 31L AS w FROM exclude0_side1)
  ) b ON b.person_id = a.person_id AND b.w = datediff(a.entry_date, DATE '1970-01-01') div 31L AND abs(datediff(a.entry_date, b.entry_date)) <= 30L
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
EXCEPT
SELECT person_id FROM exclude0
-- args:
