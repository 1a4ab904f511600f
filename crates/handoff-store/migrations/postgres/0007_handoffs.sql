-- Handoffs between departments: transfers, a clock per team (stints), linked requests.
--
-- A request's life is cut into stints, one per department that held it. The current
-- stint lives on the request itself (its provider department and service, from
-- stint_started_at or else created_at, its clocks in request_slas); a stint that ended
-- by a transfer is kept in request_stints with its clocks as they stood at the transfer,
-- in request_stint_clocks.

ALTER TABLE requests ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;
-- Transferred back to a department that held it before, or three times or more.
ALTER TABLE requests ADD COLUMN ping_pong BOOLEAN NOT NULL DEFAULT FALSE;
-- When the current stint began; NULL: at filing.
ALTER TABLE requests ADD COLUMN stint_started_at BIGINT;
-- The current holder's first public reply (or resolution), in this stint.
ALTER TABLE requests ADD COLUMN first_response_at BIGINT;
-- The request this one was filed on behalf of (a linked request).
ALTER TABLE requests ADD COLUMN parent_id BIGINT REFERENCES requests (id);
CREATE INDEX requests_parent ON requests (parent_id) WHERE parent_id IS NOT NULL;

-- Whether a request's resolution clock pauses while it waits on its linked requests.
ALTER TABLE services ADD COLUMN pause_on_links BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE request_stints (
    request_id        BIGINT NOT NULL REFERENCES requests (id),
    -- 1 for the first department; the current stint's is requests.transfers + 1.
    seq               INTEGER NOT NULL,
    department_id     BIGINT NOT NULL REFERENCES departments (id),
    service_id        BIGINT NOT NULL REFERENCES services (id),
    started_at        BIGINT NOT NULL,
    ended_at          BIGINT NOT NULL,
    first_response_at BIGINT,
    -- Who passed it on, and why.
    transferred_by    BIGINT REFERENCES people (id),
    reason            TEXT    NOT NULL,
    PRIMARY KEY (request_id, seq)
);
-- Former holders: what a department held, for its read access and the reports.
CREATE INDEX request_stints_department ON request_stints (department_id, request_id);

-- A past stint's clocks, stopped at its end: the columns of request_slas that a reading
-- needs.
CREATE TABLE request_stint_clocks (
    request_id     BIGINT NOT NULL,
    seq            INTEGER NOT NULL,
    target         TEXT    NOT NULL CHECK (target IN ('first_response', 'resolution', 'next_update')),
    allowed_micros BIGINT NOT NULL,
    used_micros    BIGINT NOT NULL,
    running_since  BIGINT,
    due_at         BIGINT,
    stopped_at     BIGINT,
    cycle          INTEGER NOT NULL,
    calendar_time  BOOLEAN NOT NULL,
    warn_at        TEXT    NOT NULL,
    schedule       TEXT    NOT NULL,
    raised         TEXT    NOT NULL,
    PRIMARY KEY (request_id, seq, target),
    FOREIGN KEY (request_id, seq) REFERENCES request_stints (request_id, seq)
);
