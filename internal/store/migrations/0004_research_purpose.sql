-- A workspace's research purpose has fields: the intended study, the
-- approach, the anticipated findings and the intended uses. A purpose
-- written as free text before keeps its text as the intended study.

UPDATE workspaces
SET research_purpose = json_object(
	'intended_study', research_purpose,
	'approach', 'not recorded: written before research purposes had fields',
	'uses', json_array('other'),
	'other_purpose', 'not recorded: written before research purposes had fields')::VARCHAR
WHERE NOT starts_with(trim(research_purpose), '{');
