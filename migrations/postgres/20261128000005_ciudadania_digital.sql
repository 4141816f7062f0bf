-- Sign-in with Ciudadanía Digital (PostgreSQL; the same schema as SQLite's):
-- an account is known by its identity card number and linked to the
-- provider's subject on its first sign-in; such an account needs neither an
-- e-mail nor a local password.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
-- NULL: no local password (the person signs in with Ciudadanía Digital).
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
-- The identity card number in its canonical spelling (4789123-1A LP).
ALTER TABLE users ADD COLUMN ci_number TEXT UNIQUE;
-- Ciudadanía Digital's `sub` for this person, set at the first sign-in.
ALTER TABLE users ADD COLUMN subject TEXT UNIQUE;
-- The name as Ciudadanía Digital gives it, shown instead of the e-mail.
ALTER TABLE users ADD COLUMN full_name TEXT;
ALTER TABLE users ADD CHECK (email IS NOT NULL OR ci_number IS NOT NULL);

-- The ID token of a session opened through the provider: the hint its
-- end-session endpoint asks for when the person signs out.
ALTER TABLE sessions ADD COLUMN id_token TEXT;

-- A sign-in on its way through the provider, keyed by the hash of its
-- `state`; used once (deleted when the provider sends the person back).
CREATE TABLE sign_in_attempts (
    state_hash TEXT PRIMARY KEY,
    -- The hash of a cookie set on the browser that started it: the answer
    -- must come back to that same browser.
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    -- The page to go to afterwards.
    next TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_created ON sign_in_attempts (created_at);

-- People the provider vouched for whom the app does not know yet: they wait
-- for an administrator to accept (creating their account) or reject them.
CREATE TABLE access_requests (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL UNIQUE,
    ci_number TEXT NOT NULL,
    full_name TEXT NOT NULL,
    email TEXT,
    -- The entity the person says they belong to, in their words.
    claimed_entity TEXT,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    requested_at BIGINT NOT NULL,
    -- The hash of the cookie with which the person reads and completes it.
    token_hash TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    decision_note TEXT,
    -- The account an acceptance created.
    user_id TEXT REFERENCES users (id)
);
CREATE INDEX access_requests_status ON access_requests (status, requested_at);
