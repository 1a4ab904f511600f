-- What presses on a person or a queue: the active requests, each with the due time of
-- its earliest running SLA clock (`pressing_at`, NULL when none runs: paused, stopped
-- or no SLA). A row for every request that is not resolved or closed, kept by the store
-- with the request (`requests::save`, filing) and its clocks (`requests::pressing`).
-- The home page reads a person's assigned requests and a department's unassigned queue
-- from these indexes in that order (overdue and soonest due first, then the rest newest
-- first) and counts them, reading only as many as it shows however many there are. A
-- narrow table of its own, so that a recompute moving 100,000 due times rewrites these
-- small rows, not the requests themselves with every index on them.
CREATE TABLE open_requests (
    request_id             BIGINT PRIMARY KEY REFERENCES requests (id),
    provider_department_id BIGINT NOT NULL,
    assignee_id            BIGINT,
    created_at             BIGINT NOT NULL,
    pressing_at            BIGINT
);
CREATE INDEX open_requests_assignee ON open_requests (assignee_id, pressing_at, created_at);
CREATE INDEX open_requests_queue ON open_requests (provider_department_id, pressing_at, created_at)
    WHERE assignee_id IS NULL;
-- Grouped, not min() per request: both engines would read min(due_at) from the index of
-- running clocks by due time, scanning it for each request's own.
INSERT INTO open_requests (request_id, provider_department_id, assignee_id, created_at, pressing_at)
SELECT r.id, r.provider_department_id, r.assignee_id, r.created_at, p.due
FROM requests r LEFT JOIN (
    SELECT request_id, min(due_at) AS due FROM request_slas
    WHERE stopped_at IS NULL AND running_since IS NOT NULL GROUP BY request_id
) AS p ON p.request_id = r.id
WHERE r.status NOT IN ('resolved', 'closed');
