-- Lists read a page at a time in a fixed order, and count their filter.

-- The case list: newest opened first, for everyone, an entity, or a
-- procedure and status.
CREATE INDEX cases_opened ON cases (opened_at, id);
DROP INDEX cases_entity;
CREATE INDEX cases_entity_opened ON cases (entity_id, opened_at, id);
DROP INDEX cases_procedure_status;
CREATE INDEX cases_procedure_status_opened ON cases (procedure, status, opened_at, id);
CREATE INDEX cases_status_opened ON cases (status, opened_at, id);

-- The inbox filters the current activities by procedure and activity
-- without reading the cases: the procedure is kept beside each (a case
-- never changes procedure).
ALTER TABLE case_current ADD COLUMN procedure TEXT NOT NULL DEFAULT '';
UPDATE case_current
    SET procedure = (SELECT c.procedure FROM cases c WHERE c.id = case_current.case_id);
DROP INDEX case_current_since;
CREATE INDEX case_current_order ON case_current (since, case_id, activity);
CREATE INDEX case_current_activity ON case_current (procedure, activity, since);
