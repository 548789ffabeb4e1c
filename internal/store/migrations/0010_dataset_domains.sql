-- A dataset names its domains in upper case (PERSON, CONDITION), as
-- cohorts and the public tier do: the keys of each saved selection's
-- columns were lower case (person, condition) and become upper case. The
-- columns' lists and the rest of the selection stay as they are.

UPDATE datasets SET selection = json_merge_patch(
	json_merge_patch(selection, '{"columns": null}'),
	json_object('columns', (
		SELECT json_group_object(upper(key), value)
		FROM json_each(selection, '$.columns'))))
WHERE json_type(selection, '$.columns') = 'OBJECT'
  AND json_keys(selection, '$.columns') <> [];
