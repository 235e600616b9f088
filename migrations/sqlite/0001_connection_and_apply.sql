-- The applied connection state and the apply history (issue 4).
-- Timestamps are integers: milliseconds since the Unix epoch, UTC.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per successful apply: the connection as it now stands in both orgs.
CREATE TABLE generations (
    generation       INTEGER PRIMARY KEY,
    spec_fingerprint TEXT    NOT NULL,
    applied_at_ms    INTEGER NOT NULL,
    connection_json  TEXT    NOT NULL
);

CREATE TABLE apply_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_fingerprint TEXT    NOT NULL,
    started_at_ms    INTEGER NOT NULL,
    finished_at_ms   INTEGER,
    outcome          TEXT    NOT NULL,
    generation       INTEGER,
    summary          TEXT
);

-- Named steps of a plan, so that re-running a partly failed apply repeats nothing that is done.
CREATE TABLE apply_steps (
    plan_fingerprint TEXT    NOT NULL,
    step             TEXT    NOT NULL,
    run_id           INTEGER NOT NULL REFERENCES apply_runs (id),
    status           TEXT    NOT NULL,
    detail           TEXT,
    at_ms            INTEGER NOT NULL,
    PRIMARY KEY (plan_fingerprint, step)
);
