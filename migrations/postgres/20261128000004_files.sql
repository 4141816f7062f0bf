-- The activities' salidas as files. A file's content is stored once per
-- SHA-256 (`blobs`, what the store holds); each upload is a `files` row
-- naming it. An upload is pending (no `version`) until a history entry of
-- its case attaches it; from then on it never changes.

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    -- When it was last stored: an unreferenced blob is swept only once
    -- this is old, so a concurrent upload of the same content keeps it.
    stored_at BIGINT NOT NULL
);

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    -- The case it was uploaded for: it is seen by whoever sees the case.
    case_id TEXT NOT NULL REFERENCES cases (id),
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    size BIGINT NOT NULL,
    -- Decided from the content at upload, never from the name.
    media_type TEXT NOT NULL,
    -- The name it was uploaded with, made safe to show and to serve.
    name TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at BIGINT NOT NULL,
    -- The case history entry that attached it; NULL while pending.
    version BIGINT,
    -- Its place among the files of that entry, as the person listed them.
    position BIGINT,
    -- The sent form it supports, when the entity attached it to one.
    submission_id TEXT REFERENCES form_submissions (id)
);
CREATE INDEX files_case ON files (case_id, version);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_pending ON files (uploaded_at) WHERE version IS NULL;

-- Attaching is the only change: once, from pending to a history entry.
CREATE FUNCTION keep_file_as_attached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.version IS NOT NULL THEN
            RAISE EXCEPTION 'an attached file is kept';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.version IS NOT NULL OR NEW.version IS NULL
        OR NEW.id IS DISTINCT FROM OLD.id OR NEW.case_id IS DISTINCT FROM OLD.case_id
        OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.size IS DISTINCT FROM OLD.size
        OR NEW.media_type IS DISTINCT FROM OLD.media_type OR NEW.name IS DISTINCT FROM OLD.name
        OR NEW.uploaded_by IS DISTINCT FROM OLD.uploaded_by
        OR NEW.uploaded_at IS DISTINCT FROM OLD.uploaded_at THEN
        RAISE EXCEPTION 'an attached file never changes';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER files_attached_once BEFORE UPDATE OR DELETE ON files
    FOR EACH ROW EXECUTE FUNCTION keep_file_as_attached();
