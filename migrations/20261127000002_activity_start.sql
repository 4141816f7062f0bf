-- When the completed activity became current, so that how long each
-- activity took can be measured (NULL for the opening and form events).
ALTER TABLE case_history ADD COLUMN started_at BIGINT;
