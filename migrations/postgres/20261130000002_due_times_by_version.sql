-- A due time set for an activity belongs to the version of the procedure
-- it was set on: a later version may number its activities otherwise.
-- Every due time before this was set on the manual's edition 2 (PR05 and
-- PR7 version 2, PR6 and PR09 version 1).
ALTER TABLE activity_due ADD COLUMN procedure_version BIGINT NOT NULL DEFAULT 0;
UPDATE activity_due SET procedure_version = CASE procedure
    WHEN 'PR05' THEN 2 WHEN 'PR7' THEN 2 ELSE 1 END;
ALTER TABLE activity_due ALTER COLUMN procedure_version DROP DEFAULT;
ALTER TABLE activity_due DROP CONSTRAINT activity_due_pkey;
ALTER TABLE activity_due ADD PRIMARY KEY (procedure, procedure_version, activity);
