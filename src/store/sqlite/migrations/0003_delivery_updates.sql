-- Claims go through deliveries_due_by_destination; the older index by due time alone is unused
-- and only cost every insert and update its maintenance.
DROP INDEX IF EXISTS deliveries_due;
