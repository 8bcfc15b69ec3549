-- Claims go through deliveries_due_by_destination; the older index by due time alone is unused
-- and only cost every insert and update its maintenance.
DROP INDEX IF EXISTS deliveries_due;
-- Room in each page for the row's next version: a claim (lease columns, not indexed) is then a
-- HOT update that touches no index.
ALTER TABLE deliveries SET (fillfactor = 70);
