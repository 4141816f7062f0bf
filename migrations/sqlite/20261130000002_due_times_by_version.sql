-- A due time set for an activity belongs to the version of the procedure
-- it was set on: a later version may number its activities otherwise.
-- Every due time before this was set on the manual's edition 2 (PR05 and
-- PR7 version 2, PR6 and PR09 version 1). SQLite cannot change a primary
-- key, so the table is rebuilt.
CREATE TABLE activity_due_rebuilt (
    procedure TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    activity INTEGER NOT NULL,
    due_ms BIGINT NOT NULL,
    PRIMARY KEY (procedure, procedure_version, activity)
);
INSERT INTO activity_due_rebuilt (procedure, procedure_version, activity, due_ms)
SELECT procedure, CASE procedure WHEN 'PR05' THEN 2 WHEN 'PR7' THEN 2 ELSE 1 END, activity, due_ms
FROM activity_due;
DROP TABLE activity_due;
ALTER TABLE activity_due_rebuilt RENAME TO activity_due;
