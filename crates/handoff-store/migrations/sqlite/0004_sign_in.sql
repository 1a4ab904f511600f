-- Signing in to the pages: a password per person (an Argon2 PHC string; NULL: none set,
-- the person cannot sign in with a password), the time zone pages show times in, and
-- browser sessions.

ALTER TABLE people ADD COLUMN password_hash TEXT;
-- An IANA zone name; NULL shows times in the zone of the person's department calendar.
ALTER TABLE people ADD COLUMN time_zone TEXT;

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    -- SHA-256 of the cookie's value; the value itself is never stored.
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
