import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.ts';
import { qualifiedName, tenantOf } from '../../../src/domain/tenant.ts';
import { SourceLookup } from '../../../src/ingress/source-lookup.ts';
import { SourceRuntime } from '../../../src/ingress/source-runtime.ts';
import { tempDir } from '../../helpers/gateway.ts';

const { config } = parseConfig(
  `
sources: [{ name: twilio, provider: none }]
tenants:
  - name: acme
    limits: { rateLimit: { points: 2, duration: 60 } }
    sources: [{ name: shop, provider: none }, { name: twilio, provider: none }]
`,
  { file: 'x.yaml', env: {}, dataDir: tempDir() },
);
const lookup = new SourceLookup(
  new Map(config.sources.map((s) => [s.name, new SourceRuntime(s, 1024)])),
  config.tenants,
);
const found = (first: string, rest?: string) => {
  const f = lookup.find(first, rest);
  return f && [f.source.name, f.subpath];
};

describe('tenant names and webhook paths', () => {
  it('qualifies names of tenants, leaves the default tenant alone', () => {
    assert.equal(qualifiedName('acme', 'shop'), 'acme/shop');
    assert.equal(qualifiedName('default', 'shop'), 'shop');
    assert.equal(tenantOf('acme/shop'), 'acme');
    assert.equal(tenantOf('acme/shop->acme/hook'), 'acme');
    assert.equal(tenantOf('shop'), 'default');
  });

  it("finds a tenant's source after its name, the rest is the subpath", () => {
    assert.deepEqual(found('acme', 'shop'), ['acme/shop', '']);
    assert.deepEqual(found('acme', 'twilio/status/x'), ['acme/twilio', '/status/x']);
    // The default tenant's source of the same name keeps its path and subpaths.
    assert.deepEqual(found('twilio'), ['twilio', '']);
    assert.deepEqual(found('twilio', 'acme/shop'), ['twilio', '/acme/shop']);
  });

  it('finds nothing for unknown or hostile names', () => {
    for (const [first, rest] of [
      ['acme', undefined],
      ['acme', ''],
      ['acme', 'nope'],
      ['acme/shop', undefined],
      ['nobody', 'shop'],
      ['\u{1F600}', 'shop'],
      ['acme', '\u0000'],
      ['acme', '..'],
      ['..', 'acme/shop'],
      ['acme', 'x'.repeat(100_000)],
    ] as const)
      assert.equal(found(first, rest), undefined, `${first.slice(0, 20)} ${rest?.slice(0, 20)}`);
  });

  it("counts a tenant's webhooks against its budget, and only its own", async () => {
    assert.deepEqual(await lookup.takeTenantToken('acme'), { allowed: true });
    assert.deepEqual(await lookup.takeTenantToken('acme'), { allowed: true });
    const third = await lookup.takeTenantToken('acme');
    assert.equal(third.allowed, false);
    assert.deepEqual(await lookup.takeTenantToken('default'), { allowed: true });
  });
});
