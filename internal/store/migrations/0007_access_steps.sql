-- What the data access pages record beyond the requirement records: the
-- researcher's profile, and each signature of the code of conduct with the
-- name typed and the version signed.

CREATE TABLE profiles (
	user_id     VARCHAR PRIMARY KEY,
	institution VARCHAR NOT NULL,
	role        VARCHAR NOT NULL,
	background  VARCHAR NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);

-- conduct_signatures keeps every signature ever made: the history of the
-- step, as records keeps its requirement records.
CREATE TABLE conduct_signatures (
	user_id    VARCHAR NOT NULL,
	version    VARCHAR NOT NULL,
	typed_name VARCHAR NOT NULL,
	signed_at  TIMESTAMPTZ NOT NULL
);
