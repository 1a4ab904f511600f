-- Dependencies between departments and the recurring deliverables that fulfil them.
--
-- A dependency names both sides (a customer department relies on a provider department
-- for something) and a responsible person on each. A deliverable is what one department
-- owes another on a schedule (an RFC 5545 rule in the provider's calendar); each of its
-- occurrences is a row, generated ahead of time, that is delivered, reviewed, warned
-- about and escalated on its own.

CREATE TABLE dependencies (
    id                     INTEGER PRIMARY KEY,
    customer_department_id INTEGER NOT NULL REFERENCES departments (id),
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    what                   TEXT    NOT NULL,
    criticality            TEXT    NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
    customer_owner_id      INTEGER NOT NULL REFERENCES people (id),
    provider_owner_id      INTEGER NOT NULL REFERENCES people (id),
    expectation            TEXT    NOT NULL,
    state                  TEXT    NOT NULL CHECK (state IN ('proposed', 'agreed', 'retired')),
    proposed_by            INTEGER NOT NULL REFERENCES people (id),
    proposed_at            INTEGER NOT NULL,
    agreed_by              INTEGER REFERENCES people (id),
    agreed_at              INTEGER,
    retired_by             INTEGER REFERENCES people (id),
    retired_at             INTEGER,
    updated_at             INTEGER NOT NULL,
    CHECK (customer_department_id <> provider_department_id)
);
CREATE INDEX dependencies_customer ON dependencies (customer_department_id, state);
CREATE INDEX dependencies_provider ON dependencies (provider_department_id, state);
CREATE INDEX dependencies_customer_owner ON dependencies (customer_owner_id);
CREATE INDEX dependencies_provider_owner ON dependencies (provider_owner_id);

-- The provider's services through which a dependency is fulfilled.
CREATE TABLE dependency_services (
    dependency_id INTEGER NOT NULL REFERENCES dependencies (id),
    service_id    INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (dependency_id, service_id)
) WITHOUT ROWID;
CREATE INDEX dependency_services_service ON dependency_services (service_id);

CREATE TABLE deliverables (
    id                     INTEGER PRIMARY KEY,
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    customer_department_id INTEGER NOT NULL REFERENCES departments (id),
    name                   TEXT    NOT NULL,
    -- RFC 5545 RRULE, with Handoff's X-HANDOFF-BUSINESS-DAY extension.
    rrule                  TEXT    NOT NULL,
    -- HH:MM, local time in the provider's calendar; starts_on YYYY-MM-DD is DTSTART's day.
    due_time               TEXT    NOT NULL,
    starts_on              TEXT    NOT NULL,
    provider_owner_id      INTEGER NOT NULL REFERENCES people (id),
    customer_owner_id      INTEGER NOT NULL REFERENCES people (id),
    dependency_id          INTEGER REFERENCES dependencies (id),
    -- Minutes before the due time at which the provider's owner is warned.
    warn_minutes           INTEGER NOT NULL CHECK (warn_minutes >= 0),
    -- Every occurrence due before this instant has its row.
    generated_until        INTEGER NOT NULL,
    created_by             INTEGER NOT NULL REFERENCES people (id),
    created_at             INTEGER NOT NULL,
    CHECK (customer_department_id <> provider_department_id)
);
CREATE INDEX deliverables_provider ON deliverables (provider_department_id);
CREATE INDEX deliverables_customer ON deliverables (customer_department_id);
CREATE INDEX deliverables_dependency ON deliverables (dependency_id) WHERE dependency_id IS NOT NULL;
CREATE INDEX deliverables_generated ON deliverables (generated_until);

CREATE TABLE occurrences (
    id             INTEGER PRIMARY KEY,
    deliverable_id INTEGER NOT NULL REFERENCES deliverables (id),
    due_at         INTEGER NOT NULL,
    delivered_at   INTEGER,
    delivered_by   INTEGER REFERENCES people (id),
    delivery_note  TEXT,
    delivery_link  TEXT,
    -- The recipient's review: accurate, or a problem flagged with a note.
    accurate       BOOLEAN,
    reviewed_at    INTEGER,
    reviewed_by    INTEGER REFERENCES people (id),
    review_note    TEXT,
    -- The next alarm (warning, then the late notice); NULL when delivered or both raised.
    next_alarm_at  INTEGER,
    warned         BOOLEAN NOT NULL DEFAULT FALSE,
    escalated      BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (deliverable_id, due_at)
);
CREATE INDEX occurrences_alarm ON occurrences (next_alarm_at) WHERE next_alarm_at IS NOT NULL;
CREATE INDEX occurrences_due ON occurrences (due_at);

-- What happened to an occurrence, in order.
CREATE TABLE occurrence_events (
    id            INTEGER PRIMARY KEY,
    occurrence_id INTEGER NOT NULL REFERENCES occurrences (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('delivered', 'reviewed', 'warned', 'late', 'escalated')),
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES people (id),
    note          TEXT,
    link          TEXT,
    accurate      BOOLEAN
);
CREATE INDEX occurrence_events_occurrence ON occurrence_events (occurrence_id, id);

-- The secret that opens a person's calendar feeds (its SHA-256 only).
CREATE TABLE feed_keys (
    person_id  INTEGER PRIMARY KEY REFERENCES people (id),
    digest     BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Notifications about an occurrence name it and its deliverable.
ALTER TABLE notifications ADD COLUMN deliverable_id INTEGER REFERENCES deliverables (id);
ALTER TABLE notifications ADD COLUMN occurrence_id INTEGER REFERENCES occurrences (id);
