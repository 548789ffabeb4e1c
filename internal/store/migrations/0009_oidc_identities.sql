-- The identities of users at OpenID providers: the provider's issuer and
-- its subject (the ID token's sub), which stay with a person when their
-- e-mail address changes and are never given to another. A user has at
-- most one identity per provider.

CREATE TABLE oidc_identities (
	issuer     VARCHAR NOT NULL,
	subject    VARCHAR NOT NULL,
	user_id    VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (issuer, subject),
	UNIQUE (issuer, user_id)
);
