-- Sign-in with Ciudadanía Digital: an account is known by its identity card
-- number and linked to the provider's subject on its first sign-in; such an
-- account needs neither an e-mail nor a local password. SQLite cannot drop a
-- NOT NULL, so `users` is rebuilt. Migrations run with foreign keys off (so
-- that dropping the old table deletes nothing that names it) and are
-- checked afterwards (`store::sqlite::migrate`).

CREATE TABLE users_rebuilt (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    -- NULL: no local password (the person signs in with Ciudadanía Digital).
    password_hash TEXT,
    entity_id TEXT REFERENCES entities (id),
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    -- The identity card number in its canonical spelling (4789123-1A LP).
    ci_number TEXT UNIQUE,
    -- Ciudadanía Digital's `sub` for this person, set at the first sign-in.
    subject TEXT UNIQUE,
    -- The name as Ciudadanía Digital gives it, shown instead of the e-mail.
    full_name TEXT,
    CHECK (email IS NOT NULL OR ci_number IS NOT NULL)
);
INSERT INTO users_rebuilt (id, email, password_hash, entity_id, is_admin, created_at,
                           disabled, must_change_password, demo)
SELECT id, email, password_hash, entity_id, is_admin, created_at,
       disabled, must_change_password, demo
FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;

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
