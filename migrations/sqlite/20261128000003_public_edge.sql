-- The public edge: accounts that can be disabled or made to choose a new
-- password, demo accounts marked, failed sign-ins counted where every
-- server sees them, an append-only audit log, and the case history and
-- sent forms protected from change by the database itself.

ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
-- Set by an administrator's reset: a new password at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- Demo accounts sign in only while the app runs in demo mode.
ALTER TABLE users ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET demo = TRUE WHERE email LIKE '%@demo.local';

-- What this database was made for, written once on its first start (a
-- database that already had accounts is demo only if it had demo ones).
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    demo BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO instance (id, demo, created_at)
SELECT 1, EXISTS (SELECT 1 FROM users WHERE demo), 0
WHERE EXISTS (SELECT 1 FROM users);

-- Failed sign-ins per account ('cuenta:<e-mail>', known or not) and per
-- address ('ip:<address>'), and until when each is locked.
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_failure_at);

-- Expired sessions are swept by these.
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    -- What happened, e.g. 'sign_in', 'sign_in_failed', 'account_disabled'.
    event TEXT NOT NULL,
    -- Who did it (NULL for an unknown person signing in).
    actor_id TEXT,
    actor_email TEXT,
    -- Whom or what it was done to: an account, an entity, a procedure.
    subject TEXT,
    address TEXT,
    user_agent TEXT,
    -- Before and after, JSON; never a password or a token.
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_event_at ON audit_log (event, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;

-- A sent form stays as sent: only its return (status and observations)
-- may be written afterwards.
CREATE TRIGGER form_submissions_as_sent BEFORE UPDATE ON form_submissions
WHEN NEW.id IS NOT OLD.id OR NEW.entity_id IS NOT OLD.entity_id
    OR NEW.anexo IS NOT OLD.anexo OR NEW.version IS NOT OLD.version
    OR NEW.case_id IS NOT OLD.case_id OR NEW.reference IS NOT OLD.reference
    OR NEW.data IS NOT OLD.data OR NEW.submitted_at IS NOT OLD.submitted_at
    OR NEW.submitted_by IS NOT OLD.submitted_by
BEGIN SELECT RAISE(ABORT, 'a sent form only changes when it is returned'); END;
CREATE TRIGGER form_submissions_no_delete BEFORE DELETE ON form_submissions
BEGIN SELECT RAISE(ABORT, 'sent forms are kept'); END;
