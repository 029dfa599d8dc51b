-- A webhook's acknowledgement inserts one gorgias_events row; every index
-- on the table costs each acknowledgement. Deliveries are found by their
-- dedupe key (the unique index) and pruned by age; nothing looks them up
-- by ticket.
DROP INDEX IF EXISTS gorgias_events_ticket;
