-- OHDSI Circe cohort definitions (as ATLAS exports them), kept beside the
-- All of Us ones; a dataset's cohort_ids may name either kind.

CREATE TABLE circe_cohorts (
	id           VARCHAR PRIMARY KEY,
	workspace_id VARCHAR NOT NULL,
	name         VARCHAR NOT NULL,
	description  VARCHAR NOT NULL,
	definition   VARCHAR NOT NULL,
	created_by   VARCHAR NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	updated_by   VARCHAR NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	UNIQUE (workspace_id, name)
);
