/**
 * Tenants own sources, destinations and their data. Inside the gateway a tenant's source or
 * destination is named `<tenant>/<name>` (unique across tenants, and its ingress path under
 * /webhooks/); the top-level lists of the configuration are the default tenant's, whose names
 * stay as written. The tenant of anything named is read from its name, never from request bytes.
 */
export const defaultTenant = 'default';

/** `acme/stripe` for tenant acme's source `stripe`; the default tenant's names stay as they are. */
export function qualifiedName(tenant: string, name: string): string {
  return tenant === defaultTenant ? name : `${tenant}/${name}`;
}

/** The tenant owning a (qualified) source, destination or route name. */
export function tenantOf(name: string): string {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : defaultTenant;
}
