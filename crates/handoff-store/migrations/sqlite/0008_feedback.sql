-- Feedback and recognition: organisation settings, satisfaction ratings, kudos and
-- success stories, concerns, relationship pulses.
--
-- Anonymity is a property of what is stored, not of what is shown: an anonymous concern
-- has no author column filled and only the day it was raised; a pulse response has no
-- author, only the day, and a key that cannot be traced back once its pulse's secret is
-- erased (at close). Neither table has an id that counts up per insert (concerns take a
-- random id; responses are keyed by that hash, in a table without rowid), so that
-- nothing orders them against other records.

-- One row: the organisation's feedback settings.
CREATE TABLE org_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    anonymity_threshold  INTEGER NOT NULL CHECK (anonymity_threshold >= 3),
    rating_interval_days INTEGER NOT NULL CHECK (rating_interval_days >= 0),
    -- The organisation's values, a JSON array of strings: kudos are tagged with one.
    org_values           TEXT    NOT NULL
);
INSERT INTO org_settings (id, anonymity_threshold, rating_interval_days, org_values)
VALUES (1, 5, 3, '["Helpful","Reliable","Clear","Going the extra mile"]');

-- One row per resolution of a request: the ask to rate it, and the rating.
CREATE TABLE ratings (
    id                      INTEGER PRIMARY KEY,
    request_id              INTEGER NOT NULL REFERENCES requests (id),
    requester_id            INTEGER NOT NULL REFERENCES people (id),
    requester_department_id INTEGER NOT NULL REFERENCES departments (id),
    -- The department that resolved the request: the rating counts for it.
    provider_department_id  INTEGER NOT NULL REFERENCES departments (id),
    resolved_at             INTEGER NOT NULL,
    -- Whether the requester was asked; false when they had been asked about this
    -- department within the interval (they may still rate).
    asked                   BOOLEAN NOT NULL,
    -- Unrated past this, the ask has expired (moved up when the request is reopened).
    expires_at              INTEGER NOT NULL,
    score                   INTEGER CHECK (score BETWEEN 1 AND 5),
    comment                 TEXT    NOT NULL DEFAULT '',
    -- First rated (the window to change it runs from here), and last changed.
    rated_at                INTEGER,
    changed_at              INTEGER
);
CREATE INDEX ratings_request ON ratings (request_id, id);
CREATE INDEX ratings_requester ON ratings (requester_id, provider_department_id, resolved_at);
CREATE INDEX ratings_provider ON ratings (provider_department_id, rated_at) WHERE rated_at IS NOT NULL;

-- Thanks from a person to a person or a whole department.
CREATE TABLE kudos (
    id                 INTEGER PRIMARY KEY,
    from_person_id     INTEGER NOT NULL REFERENCES people (id),
    from_department_id INTEGER NOT NULL REFERENCES departments (id),
    to_person_id       INTEGER REFERENCES people (id),
    -- The department thanked, or the thanked person's department at the time.
    to_department_id   INTEGER NOT NULL REFERENCES departments (id),
    value              TEXT    NOT NULL,
    message            TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    -- Featured as a success story, by a manager.
    story              TEXT,
    featured_by        INTEGER REFERENCES people (id),
    featured_at        INTEGER
);
CREATE INDEX kudos_to_department ON kudos (to_department_id, id);
CREATE INDEX kudos_to_person ON kudos (to_person_id, id) WHERE to_person_id IS NOT NULL;
CREATE INDEX kudos_from_department ON kudos (from_department_id, id);
CREATE INDEX kudos_stories ON kudos (featured_at) WHERE featured_at IS NOT NULL;

-- A concern about how a department serves its customers: a problem and a proposed
-- solution. The id is random (see above).
CREATE TABLE concerns (
    id                  INTEGER PRIMARY KEY,
    about_department_id INTEGER NOT NULL REFERENCES departments (id),
    -- NULL when raised anonymously: the author is never stored.
    raised_by_id        INTEGER REFERENCES people (id),
    -- The day only (YYYY-MM-DD, in the receiving department's time zone).
    raised_on           TEXT    NOT NULL,
    problem             TEXT    NOT NULL,
    proposal            TEXT    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('raised', 'acknowledged', 'answered',
                            'resolved', 'reopened')),
    -- The agreed action, as answered.
    action              TEXT,
    -- The response target: answered by then.
    due_at              INTEGER NOT NULL,
    -- The next alarm (warning, then escalation); NULL when answered or both were raised.
    next_alarm_at       INTEGER,
    warned              BOOLEAN NOT NULL DEFAULT FALSE,
    breached            BOOLEAN NOT NULL DEFAULT FALSE,
    -- Whether the managers were told of it (anonymous concerns are told the next day,
    -- together, so that the moment of raising cannot be read off a notification).
    announced           BOOLEAN NOT NULL,
    acknowledged_by     INTEGER REFERENCES people (id),
    acknowledged_at     INTEGER,
    answered_by         INTEGER REFERENCES people (id),
    answered_at         INTEGER,
    resolved_by         INTEGER REFERENCES people (id),
    resolved_at         INTEGER,
    reopened_at         INTEGER
);
CREATE INDEX concerns_about ON concerns (about_department_id, state);
CREATE INDEX concerns_alarm ON concerns (next_alarm_at) WHERE next_alarm_at IS NOT NULL;
CREATE INDEX concerns_unannounced ON concerns (raised_on) WHERE NOT announced;

-- A relationship pulse: customers asked how well providers serve them, until it closes.
CREATE TABLE pulses (
    id         INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at INTEGER NOT NULL,
    closes_at  INTEGER NOT NULL,
    closed_at  INTEGER,
    -- Keys the responses while the pulse is open, so that a second answer replaces the
    -- first; erased when the pulse closes.
    secret     BLOB
);
CREATE INDEX pulses_open ON pulses (closes_at) WHERE closed_at IS NULL;
CREATE TABLE pulse_departments (
    pulse_id      INTEGER NOT NULL REFERENCES pulses (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    role          TEXT    NOT NULL CHECK (role IN ('provider', 'customer')),
    PRIMARY KEY (pulse_id, role, department_id)
);
-- Who was asked, with their department when the pulse started.
CREATE TABLE pulse_invitees (
    pulse_id      INTEGER NOT NULL REFERENCES pulses (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    PRIMARY KEY (pulse_id, person_id)
) WITHOUT ROWID;
CREATE INDEX pulse_invitees_person ON pulse_invitees (person_id);
CREATE TABLE pulse_responses (
    pulse_id               INTEGER NOT NULL REFERENCES pulses (id),
    response_key           BLOB    NOT NULL,
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    customer_department_id INTEGER NOT NULL REFERENCES departments (id),
    score                  INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    works                  TEXT    NOT NULL,
    change                 TEXT    NOT NULL,
    answered_on            TEXT    NOT NULL,
    PRIMARY KEY (pulse_id, response_key)
) WITHOUT ROWID;

-- The weekly digest counts a department's breaches in a week.
CREATE INDEX request_history_breaches ON request_history (at) WHERE kind = 'sla_breached';
