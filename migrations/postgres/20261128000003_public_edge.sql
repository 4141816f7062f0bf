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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- A sent form stays as sent: only its return (status and observations)
-- may be written afterwards.
CREATE FUNCTION keep_submission_as_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'sent forms are kept';
    END IF;
    IF (NEW.id, NEW.entity_id, NEW.anexo, NEW.version, NEW.case_id, NEW.reference,
        NEW.data, NEW.submitted_at, NEW.submitted_by)
       IS DISTINCT FROM
       (OLD.id, OLD.entity_id, OLD.anexo, OLD.version, OLD.case_id, OLD.reference,
        OLD.data, OLD.submitted_at, OLD.submitted_by) THEN
        RAISE EXCEPTION 'a sent form only changes when it is returned';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER form_submissions_as_sent BEFORE UPDATE OR DELETE ON form_submissions
    FOR EACH ROW EXECUTE FUNCTION keep_submission_as_sent();
