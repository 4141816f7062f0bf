-- The dashboard's latest figures, shared by every server: one of them
-- computes them at a time (it holds the lease until `computing_until`) and
-- the others read what it stored. `generated_at` 0: none computed yet.
CREATE TABLE dashboard_snapshot (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    generated_at BIGINT NOT NULL,
    figures TEXT NOT NULL,
    computing_until BIGINT NOT NULL
);
INSERT INTO dashboard_snapshot (id, generated_at, figures, computing_until) VALUES (1, 0, '', 0);
