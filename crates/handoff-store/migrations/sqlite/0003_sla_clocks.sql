-- SLA clocks on requests, with their pending alarms, and in-app notifications.

-- One clock per request and target. Durations are microseconds of business time.
CREATE TABLE request_slas (
    request_id     INTEGER NOT NULL REFERENCES requests (id),
    target         TEXT    NOT NULL CHECK (target IN ('first_response', 'resolution', 'next_update')),
    allowed_micros INTEGER NOT NULL,
    -- Used before running_since.
    used_micros    INTEGER NOT NULL,
    running_since  INTEGER,
    due_at         INTEGER,
    stopped_at     INTEGER,
    cycle          INTEGER NOT NULL,
    calendar_time  BOOLEAN NOT NULL,
    -- Percentages at which warnings fire, as a JSON array.
    warn_at        TEXT    NOT NULL,
    -- The alarms still to raise in this stretch, in order, as JSON [[alarm, micros], ...],
    -- and when the first of them falls due: the worker claims clocks by it.
    schedule       TEXT    NOT NULL,
    next_alarm_at  INTEGER,
    -- The alarms already raised in this cycle (JSON), so that a recomputed schedule
    -- never raises one twice.
    raised         TEXT    NOT NULL,
    PRIMARY KEY (request_id, target)
);
CREATE INDEX request_slas_next_alarm ON request_slas (next_alarm_at) WHERE next_alarm_at IS NOT NULL;

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    request_id INTEGER REFERENCES requests (id),
    kind       TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_person ON notifications (person_id, id);
