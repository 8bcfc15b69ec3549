-- Tenants (docs/tenancy.md): an event belongs to its source's tenant ('default': the top-level
-- sources). A constant default adds the column without rewriting the table. A tenant's listings
-- walk this index newest first; deliveries and dead letters are scoped through their event. A
-- job is its tenant's (NULL: an operator's, across tenants).
ALTER TABLE events ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
CREATE INDEX events_tenant_received ON events (tenant, received_at);
ALTER TABLE jobs ADD COLUMN tenant TEXT;
CREATE INDEX jobs_tenant ON jobs (tenant, id) WHERE tenant IS NOT NULL;
