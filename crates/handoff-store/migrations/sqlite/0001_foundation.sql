-- Departments, people, tokens, services and requests.
-- Times are INTEGER microseconds since the Unix epoch, UTC: the same representation on
-- both engines, exact, and sortable.

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    handle      TEXT    NOT NULL UNIQUE,
    parent_id   INTEGER REFERENCES departments (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    -- Stored lowercased, so that uniqueness ignores case.
    email         TEXT    NOT NULL UNIQUE,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    role          TEXT    NOT NULL CHECK (role IN ('member', 'manager', 'admin')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    INTEGER NOT NULL
);
CREATE INDEX people_department ON people (department_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    name        TEXT    NOT NULL,
    -- SHA-256 of the token; the token itself is never stored.
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

CREATE TABLE services (
    id               INTEGER PRIMARY KEY,
    department_id    INTEGER NOT NULL REFERENCES departments (id),
    name             TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    owner_id         INTEGER REFERENCES people (id),
    open_to_everyone BOOLEAN NOT NULL,
    confidential     BOOLEAN NOT NULL,
    active           BOOLEAN NOT NULL,
    -- The request form: a JSON array of field definitions.
    fields           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (department_id, name)
);

-- The departments allowed to request a service that is not open to everyone.
CREATE TABLE service_audience (
    service_id    INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    PRIMARY KEY (service_id, department_id)
);

CREATE TABLE requests (
    id                      INTEGER PRIMARY KEY,
    service_id              INTEGER  NOT NULL REFERENCES services (id),
    provider_department_id  INTEGER  NOT NULL REFERENCES departments (id),
    requester_id            INTEGER  NOT NULL REFERENCES people (id),
    requester_department_id INTEGER  NOT NULL REFERENCES departments (id),
    -- Copied from the service, and kept in step with it, so that lists filter on it
    -- without a join.
    confidential            BOOLEAN  NOT NULL,
    subject                 TEXT     NOT NULL,
    description             TEXT     NOT NULL,
    priority                SMALLINT NOT NULL CHECK (priority BETWEEN 0 AND 3),
    status                  TEXT     NOT NULL CHECK (status IN ('new', 'open', 'in_progress',
                                'waiting_on_customer', 'resolved', 'closed', 'reopened')),
    assignee_id             INTEGER  REFERENCES people (id),
    -- The form's values: a JSON object.
    fields                  TEXT     NOT NULL,
    created_at              INTEGER  NOT NULL,
    updated_at              INTEGER  NOT NULL,
    resolved_at             INTEGER,
    closed_at               INTEGER
);
CREATE INDEX requests_created ON requests (created_at, id);
CREATE INDEX requests_updated ON requests (updated_at, id);
CREATE INDEX requests_provider ON requests (provider_department_id, created_at);
CREATE INDEX requests_requester_department ON requests (requester_department_id, created_at);
CREATE INDEX requests_requester ON requests (requester_id);
CREATE INDEX requests_assignee ON requests (assignee_id);
CREATE INDEX requests_service ON requests (service_id);
CREATE INDEX requests_status ON requests (status);

CREATE TABLE request_watchers (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    added_by   INTEGER NOT NULL REFERENCES people (id),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (request_id, person_id)
);
CREATE INDEX request_watchers_person ON request_watchers (person_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    author_id   INTEGER NOT NULL REFERENCES people (id),
    body        TEXT    NOT NULL,
    -- Internal notes are never shown to the requester's side.
    internal    BOOLEAN NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_request ON comments (request_id, id);

-- Append-only: one row per change of one attribute.
CREATE TABLE request_history (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    actor_id    INTEGER REFERENCES people (id),
    at          INTEGER NOT NULL,
    field       TEXT    NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    internal    BOOLEAN NOT NULL
);
CREATE INDEX request_history_request ON request_history (request_id, id);

-- Full-text index, rowid = request id. `public` holds the subject, description and
-- public replies; `internal` the internal notes, matched only for those who may read them.
CREATE VIRTUAL TABLE request_search USING fts5 (
    public,
    internal,
    tokenize = 'unicode61 remove_diacritics 0'
);
