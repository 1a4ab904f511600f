-- The full-text index keeps one row per piece of a request's text instead of one row per
-- request: the subject and description (piece 0), then each comment. A comment used to
-- rewrite its request's whole row (a new tsvector of every word, and as many GIN
-- entries), so that each one cost more than the last; now it adds a row of its own.
--
-- The row's key packs the request id, the piece's number and whether it is an internal
-- note: (request_id << 21) | (piece << 1) | internal, as on SQLite. The rows of one
-- request are one range of the primary key.
DROP TABLE request_search;

CREATE TABLE request_search (
    key   BIGINT   PRIMARY KEY,
    body  TSVECTOR NOT NULL
);

-- The words as the application indexes them (handoff_domain::search::index_text):
-- letters and digits, lowercased, everything else a separator.
INSERT INTO request_search (key, body)
SELECT id << 21,
       to_tsvector('simple', lower(regexp_replace(subject || ' ' || description, '[^[:alnum:]]+', ' ', 'g')))
FROM requests;

INSERT INTO request_search (key, body)
SELECT (request_id << 21)
       | ((row_number() OVER (PARTITION BY request_id ORDER BY id)) << 1)
       | (CASE WHEN internal THEN 1 ELSE 0 END),
       to_tsvector('simple', lower(regexp_replace(body, '[^[:alnum:]]+', ' ', 'g')))
FROM comments;

CREATE INDEX request_search_body ON request_search USING GIN (body);
-- A request's pieces by request id, so that a search can join them to requests by
-- equality (a merge or hash join, or an index probe per request as the planner sees fit).
CREATE INDEX request_search_request ON request_search ((key >> 21));
