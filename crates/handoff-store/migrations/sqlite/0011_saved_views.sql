-- Saved views of the request lists: a person's own filters under a name, kept as the
-- list's query string (`view=queue&status=open&q=poster`, checked when saved). They go
-- with their person.

CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (person_id, name)
);
