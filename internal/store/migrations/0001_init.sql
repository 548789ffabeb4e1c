-- Users, their requirement records and tokens, workspaces, collaborators,
-- cohorts, concept sets and the audit log. Integrity between tables is kept
-- by the store's transactions rather than foreign keys, which DuckDB checks
-- too eagerly for updates of referenced rows.

CREATE TABLE users (
	id         VARCHAR PRIMARY KEY,
	email      VARCHAR NOT NULL,
	-- email_key is the lower-cased email: emails are unique whatever their case.
	email_key  VARCHAR NOT NULL UNIQUE,
	name       VARCHAR NOT NULL,
	admin      BOOLEAN NOT NULL,
	disabled   BOOLEAN NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE record_seq;

-- records keeps every record ever put: the history of each step.
CREATE TABLE records (
	seq          BIGINT NOT NULL DEFAULT nextval('record_seq'),
	user_id      VARCHAR NOT NULL,
	kind         VARCHAR NOT NULL,
	completed_at TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ,
	version      VARCHAR NOT NULL,
	granted_by   VARCHAR NOT NULL
);

-- tokens keeps only the SHA-256 of each token, hex encoded.
CREATE TABLE tokens (
	id         VARCHAR PRIMARY KEY,
	hash       VARCHAR NOT NULL UNIQUE,
	user_id    VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ
);

CREATE TABLE workspaces (
	id               VARCHAR PRIMARY KEY,
	name             VARCHAR NOT NULL,
	description      VARCHAR NOT NULL,
	research_purpose VARCHAR NOT NULL,
	tier             VARCHAR NOT NULL,
	created_by       VARCHAR NOT NULL,
	created_at       TIMESTAMPTZ NOT NULL,
	updated_by       VARCHAR NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE collaborators (
	workspace_id VARCHAR NOT NULL,
	user_id      VARCHAR NOT NULL,
	role         VARCHAR NOT NULL,
	PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE cohorts (
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

CREATE TABLE concept_sets (
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

CREATE SEQUENCE audit_seq;

-- audit is append-only; seq orders records of the same time. It has no
-- index: an ART index lives in memory and this table only grows.
CREATE TABLE audit (
	seq          BIGINT NOT NULL DEFAULT nextval('audit_seq'),
	time         TIMESTAMPTZ NOT NULL,
	user_id      VARCHAR NOT NULL,
	action       VARCHAR NOT NULL,
	workspace_id VARCHAR NOT NULL,
	object       VARCHAR NOT NULL,
	result_size  BIGINT NOT NULL,
	allowed      BOOLEAN NOT NULL,
	reason       VARCHAR NOT NULL
);
