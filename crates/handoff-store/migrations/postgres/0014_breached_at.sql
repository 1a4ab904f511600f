-- When a clock passed its target (this cycle), kept once the stretch that passed it is
-- banked: pausing clears `due_at`, so a request set to wait on its customer after its
-- target passed would otherwise lose its breach until resolved. Relationship health
-- dates a breach by it (`SlaClock::passed_target_at`).
ALTER TABLE request_slas ADD COLUMN breached_at BIGINT;
ALTER TABLE request_stint_clocks ADD COLUMN breached_at BIGINT;
-- Clocks already past their target and not running: dated by the breach their history
-- records, when there is one (otherwise a stopped clock is dated by its stop).
UPDATE request_slas SET breached_at = (
    SELECT max(h.at) FROM request_history h
    WHERE h.request_id = request_slas.request_id AND h.kind = 'sla_breached'
      AND h.payload::jsonb ->> 'target' = request_slas.target
) WHERE used_micros > allowed_micros AND running_since IS NULL;
-- A clock past its target counts while it stays open, paused or running: the open
-- clocks (few beside the stopped ones) are read from their own index.
CREATE INDEX request_slas_open ON request_slas (request_id) WHERE stopped_at IS NULL;
