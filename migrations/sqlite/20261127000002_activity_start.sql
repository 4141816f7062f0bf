-- When the completed activity became current, so that how long each
-- activity took can be measured (NULL for the opening and form events).
ALTER TABLE case_history ADD COLUMN started_at BIGINT;

-- The same times, one narrow row per completed activity: what the
-- managers' statistics read, without touching the history.
CREATE TABLE activity_times (
    procedure TEXT NOT NULL,
    activity INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL
);

-- PR09's statistics read which way activity 9 took.
CREATE INDEX case_history_activity ON case_history (activity);

-- Due times an administrator set, overriding the defaults
-- (3 days for AGETIC's activities, 10 for the entity's).
CREATE TABLE activity_due (
    procedure TEXT NOT NULL,
    activity INTEGER NOT NULL,
    due_ms BIGINT NOT NULL,
    PRIMARY KEY (procedure, activity)
);
