-- 0004: pick the next units without scanning or sorting the whole history.
-- A partial index over pending units in enqueue order: the sender walks it and stops after a few
-- rows, however many units were sent before (measured: drain of 10,000 units was quadratic).
CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
