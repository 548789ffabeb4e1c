-- The web pages' sign-in: password hashes, browser sessions and the
-- one-time links sent by e-mail. Secrets are kept as their SHA-256 only.

CREATE TABLE passwords (
	user_id    VARCHAR PRIMARY KEY,
	-- hash is the password's memory-hard hash in PHC string form.
	hash       VARCHAR NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
	hash       VARCHAR PRIMARY KEY,
	user_id    VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sign_in_links (
	hash       VARCHAR PRIMARY KEY,
	user_id    VARCHAR NOT NULL,
	-- password is the hash of the password chosen with the link's request,
	-- set when the link is used; empty: the link signs in only.
	password   VARCHAR NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	used_at    TIMESTAMPTZ
);
