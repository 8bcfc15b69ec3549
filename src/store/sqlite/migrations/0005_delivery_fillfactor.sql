-- PostgreSQL's 0005 sets the deliveries table's fillfactor; SQLite has no such setting. This
-- file keeps the two engines' migration numbers the same.
SELECT 1;
