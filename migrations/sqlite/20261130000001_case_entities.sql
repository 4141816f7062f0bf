-- The public entities a case concerns, in the order they were named. A case
-- of PR05, PR6 or PR7 concerns the one entity that asked; a PR09 case
-- concerns "la(s) entidad(es) correspondiente(s)": none yet, one or several.
-- They were one column of `cases`, which SQLite cannot drop while it names
-- another table, so `cases` is rebuilt without it (migrations run with
-- foreign keys off and are checked afterwards: `store::sqlite::migrate`).
CREATE TABLE case_entities (
    case_id TEXT NOT NULL REFERENCES cases (id),
    entity_id TEXT NOT NULL REFERENCES entities (id),
    -- 0, 1, ...: the order they were named in.
    position INTEGER NOT NULL,
    PRIMARY KEY (case_id, entity_id)
);
-- An entity's cases (its case list, its inbox, who sees a change).
CREATE INDEX case_entities_entity ON case_entities (entity_id, case_id);
INSERT INTO case_entities (case_id, entity_id, position)
SELECT id, entity_id, 0 FROM cases;

CREATE TABLE cases_rebuilt (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    procedure TEXT NOT NULL,
    -- The version of the procedure the case follows to its end.
    procedure_version INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- The engine's state (current activities, done, loop counts), as JSON.
    state TEXT NOT NULL,
    -- Bumped by every change; a change carrying an older one is refused.
    version BIGINT NOT NULL,
    ending TEXT,
    opened_by TEXT NOT NULL REFERENCES users (id),
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
INSERT INTO cases_rebuilt (id, reference, procedure, procedure_version, title, status, state,
    version, ending, opened_by, opened_at, updated_at, closed_at)
SELECT id, reference, procedure, procedure_version, title, status, state,
    version, ending, opened_by, opened_at, updated_at, closed_at
FROM cases;
DROP TABLE cases;
ALTER TABLE cases_rebuilt RENAME TO cases;
CREATE INDEX cases_opened ON cases (opened_at, id);
CREATE INDEX cases_procedure_status_opened ON cases (procedure, status, opened_at, id);
CREATE INDEX cases_status_opened ON cases (status, opened_at, id);

-- The entity a history entry named as concerned: a PR09 case names its
-- entities as its analysis finds them.
ALTER TABLE case_history ADD COLUMN entity_id TEXT REFERENCES entities (id);
