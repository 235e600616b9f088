-- Record sync (issue 5): links between records of the two orgs, change cursors, the record
-- queue, the sync log, the inbox, activity counters and bulk-sync progress.
-- No record field values are stored: links keep keyed hashes of the last synced values, and the
-- queue keeps record IDs only (the engine re-reads a record when it processes its entry).
-- Timestamps are integers: milliseconds since the Unix epoch, UTC.

CREATE TABLE links (
    object            TEXT    NOT NULL,
    primary_id        TEXT    NOT NULL,
    secondary_id      TEXT    NOT NULL,
    origin            TEXT    NOT NULL,
    field_hashes      TEXT    NOT NULL,
    primary_deleted   INTEGER NOT NULL DEFAULT 0,
    secondary_deleted INTEGER NOT NULL DEFAULT 0,
    linked_at_ms      INTEGER NOT NULL,
    synced_at_ms      INTEGER NOT NULL,
    PRIMARY KEY (object, primary_id)
);
CREATE UNIQUE INDEX links_by_secondary ON links (object, secondary_id);

CREATE TABLE cursors (
    object        TEXT    NOT NULL,
    org           TEXT    NOT NULL,
    modstamp_ms   INTEGER NOT NULL,
    last_id       TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (object, org)
);

CREATE TABLE queue (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    object             TEXT    NOT NULL,
    source_org         TEXT    NOT NULL,
    source_id          TEXT    NOT NULL,
    action             TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    attempts           INTEGER NOT NULL,
    next_attempt_at_ms INTEGER NOT NULL,
    reason             TEXT,
    error_code         TEXT,
    created_at_ms      INTEGER NOT NULL,
    updated_at_ms      INTEGER NOT NULL,
    UNIQUE (object, source_org, source_id)
);
CREATE INDEX queue_due ON queue (next_attempt_at_ms);

CREATE TABLE sync_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms      INTEGER NOT NULL,
    object     TEXT    NOT NULL,
    source_org TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    error_code TEXT,
    message    TEXT,
    attempts   INTEGER NOT NULL
);
CREATE INDEX sync_log_at ON sync_log (at_ms);
CREATE INDEX sync_log_record ON sync_log (object, source_org, record_id);

CREATE TABLE inbox (
    object         TEXT    NOT NULL,
    source_org     TEXT    NOT NULL,
    source_id      TEXT    NOT NULL,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (object, source_org, source_id)
);

CREATE TABLE sync_activity (
    at_ms      INTEGER NOT NULL,
    object     TEXT    NOT NULL,
    target_org TEXT    NOT NULL,
    records    INTEGER NOT NULL
);
CREATE INDEX sync_activity_at ON sync_activity (at_ms);

CREATE TABLE bulk_progress (
    object        TEXT    NOT NULL,
    source_org    TEXT    NOT NULL,
    last_id       TEXT    NOT NULL,
    done          INTEGER NOT NULL,
    records       INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (object, source_org)
);
