-- The ingest span's W3C traceparent (tracing on): an attempt made later, on any instance,
-- continues the event's trace from it.
ALTER TABLE events ADD COLUMN trace_context TEXT;
