-- The request forms (Anexos 1-3): one draft per entity and form, and every
-- submitted version, never changed except to be returned with observations.

CREATE TABLE form_drafts (
    entity_id TEXT NOT NULL REFERENCES entities (id),
    anexo TEXT NOT NULL,
    -- The form as typed, JSON.
    data TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (entity_id, anexo)
);

CREATE TABLE form_submissions (
    id TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities (id),
    anexo TEXT NOT NULL,
    -- 1, 2, ... per entity and form: each correction is a new version.
    version BIGINT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    reference TEXT NOT NULL UNIQUE,
    -- The form as checked and sent, JSON.
    data TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'returned')),
    observations TEXT,
    returned_at BIGINT,
    returned_by TEXT REFERENCES users (id),
    UNIQUE (entity_id, anexo, version)
);
CREATE INDEX form_submissions_case ON form_submissions (case_id);

-- What a history entry that completes no activity records: NULL for the
-- opening and for completions, else 'form-submitted' or 'form-returned'.
ALTER TABLE case_history ADD COLUMN event TEXT;
