-- SLA clocks on requests, their timers, and in-app notifications.

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
    PRIMARY KEY (request_id, target)
);

-- Alarms to raise at a time. A row is claimed by setting fired_at; the unique key makes
-- each alarm of each clock stretch fire once, whatever the number of servers.
CREATE TABLE sla_timers (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    target     TEXT    NOT NULL,
    cycle      INTEGER NOT NULL,
    alarm      TEXT    NOT NULL,
    fire_at    INTEGER NOT NULL,
    fired_at   INTEGER,
    UNIQUE (request_id, target, cycle, alarm)
);
CREATE INDEX sla_timers_pending ON sla_timers (fire_at) WHERE fired_at IS NULL;

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
