-- A case follows the version of its procedure it was opened under, to its
-- end: the version is kept on the case, beside each current activity (the
-- inbox reads those alone) and beside each measured time (the statistics
-- keep versions apart, their activities being numbered differently).
-- Every case before this was opened under the manual's edition 2:
-- PR05 and PR7 version 2, PR6 and PR09 version 1.
ALTER TABLE cases ADD COLUMN procedure_version BIGINT NOT NULL DEFAULT 0;
UPDATE cases SET procedure_version = CASE procedure
    WHEN 'PR05' THEN 2 WHEN 'PR7' THEN 2 ELSE 1 END;

ALTER TABLE case_current ADD COLUMN procedure_version BIGINT NOT NULL DEFAULT 0;
UPDATE case_current SET procedure_version = CASE procedure
    WHEN 'PR05' THEN 2 WHEN 'PR7' THEN 2 ELSE 1 END;
DROP INDEX case_current_activity;
CREATE INDEX case_current_activity ON case_current (procedure, procedure_version, activity, since);

ALTER TABLE activity_times ADD COLUMN procedure_version BIGINT NOT NULL DEFAULT 0;
UPDATE activity_times SET procedure_version = CASE procedure
    WHEN 'PR05' THEN 2 WHEN 'PR7' THEN 2 ELSE 1 END;
