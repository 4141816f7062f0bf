-- The public entities a case concerns, in the order they were named. A case
-- of PR05, PR6 or PR7 concerns the one entity that asked; a PR09 case
-- concerns "la(s) entidad(es) correspondiente(s)": none yet, one or several.
CREATE TABLE case_entities (
    case_id TEXT NOT NULL REFERENCES cases (id),
    entity_id TEXT NOT NULL REFERENCES entities (id),
    -- 0, 1, ...: the order they were named in.
    position BIGINT NOT NULL,
    PRIMARY KEY (case_id, entity_id)
);
-- An entity's cases (its case list, its inbox, who sees a change).
CREATE INDEX case_entities_entity ON case_entities (entity_id, case_id);
INSERT INTO case_entities (case_id, entity_id, position)
SELECT id, entity_id, 0 FROM cases;

DROP INDEX cases_entity_opened;
ALTER TABLE cases DROP COLUMN entity_id;

-- The entity a history entry named as concerned: a PR09 case names its
-- entities as its analysis finds them.
ALTER TABLE case_history ADD COLUMN entity_id TEXT REFERENCES entities (id);
