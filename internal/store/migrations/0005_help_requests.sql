-- Help requests: the public pages' help form, read and closed by
-- administrators.

CREATE TABLE help_requests (
	id         VARCHAR PRIMARY KEY,
	name       VARCHAR NOT NULL,
	email      VARCHAR NOT NULL,
	topic      VARCHAR NOT NULL,
	message    VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	-- closed_at is NULL while the request is open.
	closed_at  TIMESTAMPTZ,
	closed_by  VARCHAR NOT NULL DEFAULT ''
);
