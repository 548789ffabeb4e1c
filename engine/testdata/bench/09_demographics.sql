WITH p AS (
  SELECT person_id, gender_concept_id, race_concept_id,
    COALESCE(CAST(birth_datetime AS DATE), make_date(year_of_birth, COALESCE(month_of_birth, 1), COALESCE(day_of_birth, 1))) AS birth
  FROM person
), r AS (SELECT source_release_date AS ref FROM cdm_source)
SELECT count(*)
FROM p CROSS JOIN r
WHERE p.gender_concept_id = 8532 AND p.race_concept_id = 8527
  AND year(r.ref) - year(p.birth) - CASE WHEN strftime(r.ref, '%m%d') < strftime(p.birth, '%m%d') THEN 1 ELSE 0 END BETWEEN 45 AND 64
  AND p.person_id NOT IN (SELECT person_id FROM death)
