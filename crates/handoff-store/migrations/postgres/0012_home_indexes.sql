-- The home page's lists, read by the person they are about: the requests assigned to
-- them, newest first, and their own requests in a status, longest waiting first. The
-- single-column indexes read every request a person was ever assigned or filed and
-- sorted them (70 ms and 22 ms for an agent at 1,000,000 requests); these walk the
-- index in the list's order and stop at the page. Each covers the index it replaces.
CREATE INDEX requests_assignee_created ON requests (assignee_id, created_at);
CREATE INDEX requests_requester_status ON requests (requester_id, status, updated_at);
DROP INDEX requests_assignee;
DROP INDEX requests_requester;
