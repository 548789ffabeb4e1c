-- Cohort reviews: a fixed sample of a cohort's participants, each with a
-- review status and values for the cohort's annotation fields.

CREATE TABLE reviews (
	id           VARCHAR PRIMARY KEY,
	workspace_id VARCHAR NOT NULL,
	cohort_id    VARCHAR NOT NULL,
	name         VARCHAR NOT NULL,
	-- seed and cdr_version say how the sample was drawn, so that it can be
	-- explained; the sample itself is review_participants.
	seed         BIGINT NOT NULL,
	cdr_version  VARCHAR NOT NULL,
	size         INTEGER NOT NULL,
	created_by   VARCHAR NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE review_participants (
	review_id  VARCHAR NOT NULL,
	person_id  BIGINT NOT NULL,
	status     VARCHAR NOT NULL,
	updated_by VARCHAR NOT NULL,
	updated_at TIMESTAMPTZ,
	PRIMARY KEY (review_id, person_id)
);

CREATE TABLE annotation_fields (
	id          VARCHAR PRIMARY KEY,
	cohort_id   VARCHAR NOT NULL,
	name        VARCHAR NOT NULL,
	type        VARCHAR NOT NULL,
	-- enum_values is a JSON array of the values an ENUM field accepts.
	enum_values VARCHAR NOT NULL,
	position    INTEGER NOT NULL,
	UNIQUE (cohort_id, name)
);

-- annotation_values holds each value as compact JSON of the field's type.
CREATE TABLE annotation_values (
	review_id  VARCHAR NOT NULL,
	person_id  BIGINT NOT NULL,
	field_id   VARCHAR NOT NULL,
	value      VARCHAR NOT NULL,
	updated_by VARCHAR NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (review_id, person_id, field_id)
);
