-- Business calendars, the calendar each department's SLAs count in, and SLA policies.

CREATE TABLE calendars (
    id            INTEGER PRIMARY KEY,
    -- The department that maintains it; several departments may use it.
    department_id INTEGER NOT NULL REFERENCES departments (id),
    name          TEXT    NOT NULL,
    -- The definition: time zone, working week, holidays (JSON, as the API takes it).
    spec          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (department_id, name)
);

ALTER TABLE departments ADD COLUMN calendar_id INTEGER REFERENCES calendars (id);

CREATE TABLE sla_policies (
    id                     INTEGER PRIMARY KEY,
    service_id             INTEGER  NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    -- A priority's rank, or -1 for every priority without a policy of its own.
    priority               SMALLINT NOT NULL CHECK (priority BETWEEN -1 AND 3),
    first_response_minutes INTEGER,
    resolution_minutes     INTEGER,
    next_update_minutes    INTEGER,
    calendar_time          BOOLEAN  NOT NULL,
    -- Percentages at which warnings fire, as a JSON array.
    warn_at                TEXT     NOT NULL,
    created_at             INTEGER  NOT NULL,
    UNIQUE (service_id, priority)
);
