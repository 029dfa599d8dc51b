-- A webhook's acknowledgement inserts one gorgias_events row; every index
-- on the table costs each acknowledgement. Deliveries are found by their
-- dedupe key (the unique index) and pruned by age; nothing looks them up
-- by ticket.
DROP INDEX IF EXISTS gorgias_events_ticket;

-- Bursts are answered once through the quiet time and the latest-message
-- rule; the column that was meant to remember the newest message is unused.
ALTER TABLE gorgias_tickets DROP COLUMN IF EXISTS last_customer_message_id;
