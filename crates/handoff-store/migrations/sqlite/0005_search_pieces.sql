-- The full-text index keeps one row per piece of a request's text instead of one row per
-- request: the subject and description (piece 0), then each comment. A comment used to
-- rewrite its request's whole row, so that each one cost more than the last (FTS5
-- removes and re-adds every word of a row it updates); now it adds a row of its own.
--
-- The row's key packs the request id, the piece's number and whether it is an internal
-- note: (request_id << 21) | (piece << 1) | internal. The rows of one request are then
-- neighbours, in request order, so that search still walks the newest requests first.
DROP TABLE request_search;

CREATE VIRTUAL TABLE request_search USING fts5 (
    body,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO request_search (rowid, body)
SELECT id << 21, subject || ' ' || description FROM requests;

INSERT INTO request_search (rowid, body)
SELECT (request_id << 21)
       | ((row_number() OVER (PARTITION BY request_id ORDER BY id)) << 1)
       | (CASE WHEN internal THEN 1 ELSE 0 END),
       body
FROM comments;
