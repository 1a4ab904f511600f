-- Request history as typed events (a kind and a JSON payload, read by
-- handoff_domain::request::RequestEvent), and the job queue.
--
-- An exception to "add, backfill, tighten later": the history's old columns are
-- replaced in one step, so the previous release must be stopped before this runs.
-- Handoff had no release in the field when this was written.

ALTER TABLE request_history ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE request_history ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';

UPDATE request_history SET (kind, payload) = (
    SELECT k, p FROM (SELECT
    CASE
        WHEN field = 'status' AND old_value IS NULL THEN 'filed'
        WHEN field = 'status' THEN 'status_changed'
        WHEN field = 'assignee_id' THEN 'assigned'
        WHEN field = 'priority' THEN 'priority_changed'
        WHEN field = 'subject' THEN 'subject_edited'
        WHEN field = 'description' THEN 'description_edited'
        WHEN field = 'reply' THEN 'replied'
        WHEN field = 'internal_note' THEN 'internal_note'
        WHEN field = 'watchers' AND old_value IS NULL THEN 'watcher_added'
        WHEN field = 'watchers' THEN 'watcher_removed'
        WHEN new_value = 'breach' THEN 'sla_breached'
        WHEN new_value LIKE 'warning\_%' ESCAPE '\' THEN 'sla_warning'
        WHEN new_value = 'running' AND old_value IS NULL THEN 'clock_started'
        WHEN new_value = 'running' THEN 'clock_resumed'
        WHEN new_value = 'paused' THEN 'clock_paused'
        WHEN new_value = 'stopped' THEN 'clock_stopped'
        WHEN new_value = 'restarted' THEN 'clock_restarted'
    END AS k,
    CASE
        WHEN field = 'status' AND old_value IS NULL THEN '{}'
        WHEN field IN ('status', 'priority', 'subject', 'description')
            THEN json_object('from', old_value, 'to', new_value)
        WHEN field = 'assignee_id'
            THEN json_object('from', CAST(old_value AS INTEGER), 'to', CAST(new_value AS INTEGER))
        WHEN field IN ('reply', 'internal_note')
            THEN json_object('comment_id', CAST(new_value AS INTEGER))
        WHEN field = 'watchers'
            THEN json_object('person_id', CAST(COALESCE(new_value, old_value) AS INTEGER))
        WHEN new_value = 'breach' THEN json_object('target', substr(field, 5))
        WHEN new_value LIKE 'warning\_%' ESCAPE '\'
            THEN json_object('target', substr(field, 5), 'percent', CAST(substr(new_value, 9) AS INTEGER))
        WHEN new_value = 'running' AND old_value IS NULL THEN json_object('target', substr(field, 5))
        WHEN new_value = 'paused' THEN json_object('target', substr(field, 5))
        ELSE json_object('target', substr(field, 5), 'from', old_value)
    END AS p) AS legacy
);

ALTER TABLE request_history DROP COLUMN field;
ALTER TABLE request_history DROP COLUMN old_value;
ALTER TABLE request_history DROP COLUMN new_value;

-- Work done in the background, written in the same transaction as the change that
-- causes it. A job is queued until its run_at, running while a worker holds it (until
-- locked_until: a worker that dies lets it go), and deleted when done; a job that keeps
-- failing stays as failed with its error until an administrator retries it.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    -- At most one queued job per key: enqueueing the same work twice is harmless.
    unique_key   TEXT,
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'failed')),
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT,
    locked_until INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_held ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, id);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE state = 'queued';
