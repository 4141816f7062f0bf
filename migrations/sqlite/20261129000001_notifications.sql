-- Derivation, notifications and their e-mail.

-- Who a current activity is derived to (NULL: anyone with its role may take
-- it), and when each deadline notice of this stay went out: an activity that
-- becomes current again is a new row, so its notices start over.
ALTER TABLE case_current ADD COLUMN assignee_id TEXT REFERENCES users (id);
ALTER TABLE case_current ADD COLUMN reminded_at BIGINT;
ALTER TABLE case_current ADD COLUMN overdue_at BIGINT;
ALTER TABLE case_current ADD COLUMN escalated_at BIGINT;
CREATE INDEX case_current_assignee ON case_current (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX case_current_escalation ON case_current (since) WHERE escalated_at IS NULL;

-- The person an assignment entry of the history derived the activity to.
ALTER TABLE case_history ADD COLUMN assignee_id TEXT REFERENCES users (id);

-- How each person wants the notices by e-mail: each one, a daily digest, or
-- none (the bell in the app shows them all the same).
ALTER TABLE users ADD COLUMN mail_preference TEXT NOT NULL DEFAULT 'each'
    CHECK (mail_preference IN ('each', 'daily', 'none'));

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_id TEXT NOT NULL REFERENCES cases (id),
    activity BIGINT NOT NULL,
    -- assigned, current, reminder, overdue, escalated
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    read_at BIGINT,
    -- Waits for the person's daily digest (their preference when it came),
    -- until the digest that lists it is queued.
    for_digest BOOLEAN NOT NULL DEFAULT FALSE,
    digest_id TEXT
);
CREATE INDEX notifications_person ON notifications (user_id, at);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest ON notifications (at) WHERE for_digest AND digest_id IS NULL;

-- Mail to send, written in the same transaction as what caused it, sent by
-- whichever server claims it first, tried again with growing pauses.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- One notice, or (NULL) the digest of the notices whose digest_id is this.
    notification_id TEXT REFERENCES notifications (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at BIGINT,
    -- Given up on after the last try (or refused for good): administrators
    -- see it and may queue it again.
    failed_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_failed ON mail_outbox (failed_at) WHERE failed_at IS NOT NULL;
