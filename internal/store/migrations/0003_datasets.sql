-- Datasets: cohorts x concept sets x chosen columns per domain.

CREATE TABLE datasets (
	id           VARCHAR PRIMARY KEY,
	workspace_id VARCHAR NOT NULL,
	name         VARCHAR NOT NULL,
	description  VARCHAR NOT NULL,
	-- selection is the JSON of the cohort ids, concept set ids and columns.
	selection    VARCHAR NOT NULL,
	created_by   VARCHAR NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	updated_by   VARCHAR NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	UNIQUE (workspace_id, name)
);
