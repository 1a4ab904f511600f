-- Relationship health: the weights admins give its parts, the department a concern comes
-- from, and the indexes that find the events of a window.

-- The parts' weights as a JSON object {"sla": 20, ...}; a part left out keeps its
-- default (see handoff_domain::health).
ALTER TABLE org_settings ADD COLUMN health_weights TEXT NOT NULL DEFAULT '{}';

-- The department a concern comes from, so that it counts for that pair's health. A named
-- concern takes its raiser's department. An anonymous one names it only when that
-- department has at least the anonymity threshold of active people to hide among;
-- otherwise it stays NULL and the concern counts for the provider alone.
ALTER TABLE concerns ADD COLUMN customer_department_id INTEGER REFERENCES departments (id);
UPDATE concerns SET customer_department_id =
    (SELECT department_id FROM people WHERE people.id = concerns.raised_by_id)
    WHERE raised_by_id IS NOT NULL;
CREATE INDEX concerns_due ON concerns (due_at);

-- A clock comes to its verdict when it stops (met or breached) or, still running, when
-- it passes its target (breached).
CREATE INDEX request_slas_stopped ON request_slas (stopped_at) WHERE stopped_at IS NOT NULL;
CREATE INDEX request_slas_running_due ON request_slas (due_at)
    WHERE stopped_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX request_stint_clocks_stopped ON request_stint_clocks (stopped_at);
CREATE INDEX occurrences_reviewed ON occurrences (reviewed_at) WHERE reviewed_at IS NOT NULL;
CREATE INDEX ratings_rated ON ratings (rated_at) WHERE rated_at IS NOT NULL;
CREATE INDEX kudos_created ON kudos (created_at);
CREATE INDEX pulses_closed ON pulses (closed_at) WHERE closed_at IS NOT NULL;
