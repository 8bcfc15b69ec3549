import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { tempDir } from '../../helpers/gateway.ts';

const parse = (yaml: string, env: Record<string, string> = {}) =>
  parseConfig(yaml, { file: 'x.yaml', env, dataDir: tempDir() });

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

const twoTenants = `
tenants:
  - name: acme
    adminTokens: ['\${ACME_TOKEN}', 'acme-next-token']
    limits: { concurrency: 2, rateLimit: { points: 10 } }
    sources: [{ name: shop, provider: none }]
    destinations: [{ name: hook, url: 'http://127.0.0.1:9/a' }]
    routes: [{ name: main, source: shop, destination: hook }]
  - name: beta
    adminTokens: ['beta-token']
    sources: [{ name: shop, provider: none }]
    destinations: [{ name: hook, url: 'http://127.0.0.1:9/b' }]
    routes: [{ source: shop, destination: hook }]
`;

describe('configuration: tenants', () => {
  it("joins the tenants' lists under qualified names; the same name lives in two tenants", () => {
    const { config } = parse(twoTenants, { ACME_TOKEN: 'acme-token' });
    assert.deepEqual(
      config.sources.map((s) => s.name),
      ['acme/shop', 'beta/shop'],
    );
    assert.deepEqual(
      config.destinations.map((d) => d.name),
      ['acme/hook', 'beta/hook'],
    );
    assert.deepEqual(
      config.routes.map((r) => [r.name, r.source, r.destination]),
      [
        ['acme/main', 'acme/shop', 'acme/hook'],
        [undefined, 'beta/shop', 'beta/hook'],
      ],
    );
    assert.deepEqual(config.tenants, [
      {
        name: 'acme',
        adminTokens: ['acme-token', 'acme-next-token'],
        limits: { concurrency: 2, rateLimit: { points: 10, duration: 1 } },
      },
      { name: 'beta', adminTokens: ['beta-token'], limits: {} },
    ]);
    assert.ok(Object.isFrozen(config.tenants[0]));
  });

  it('keeps a configuration without tenants as the default tenant, names unchanged', () => {
    const { config } = parse(`
sources: [{ name: shop, provider: none }]
destinations: [{ name: hook, url: 'http://127.0.0.1:9/a' }]
routes: [{ source: shop, destination: hook }]
`);
    assert.deepEqual(config.tenants, []);
    assert.equal(config.sources[0]?.name, 'shop');
    assert.equal(config.routes[0]?.destination, 'hook');
  });

  it('refuses a route that crosses tenants, saying so', () => {
    const found = problems(`
sources: [{ name: top, provider: none }]
tenants:
  - name: acme
    sources: [{ name: shop, provider: none }]
    destinations: [{ name: mine, url: 'http://127.0.0.1:9/a' }]
    routes: [{ source: shop, destination: theirs }]
  - name: beta
    sources: [{ name: other, provider: none }]
    destinations: [{ name: theirs, url: 'http://127.0.0.1:9/b' }]
    routes: [{ source: top, destination: theirs }]
`);
    assert.deepEqual(found, [
      'tenants[0].routes[0].destination: no destination named "theirs" in tenant "acme" ("theirs" belongs to tenant "beta"): a route never crosses tenants',
      'tenants[1].routes[0].source: no source named "top" in tenant "beta" ("top" belongs to tenant "default"): a route never crosses tenants',
    ]);
  });

  it('refuses bad tenant names, duplicates, shared tokens and path collisions', () => {
    const found = problems(`
admin: { token: global-token }
sources: [{ name: acme, provider: none }]
tenants:
  - { name: acme, sources: [{ name: a, provider: none }] }
  - { name: acme, adminTokens: [global-token] }
  - { name: default }
  - { name: 'Bad/Name' }
  - { name: "x\\u0000" }
`);
    assert.deepEqual(found, [
      'tenants[2].name: "default" is reserved: the top-level sources, destinations and routes are tenant "default"',
      'tenants[3].name: use 1-32 lowercase letters, digits or "-"',
      'tenants[4].name: use 1-32 lowercase letters, digits or "-"',
      'tenants[0].name: a top-level source is named "acme" too: their webhook paths would collide',
      'tenants[1].name: duplicate name "acme"',
      'tenants[1].name: a top-level source is named "acme" too: their webhook paths would collide',
      'tenants[1].adminTokens[0]: the same token as admin.token: a token has one scope',
    ]);
  });

  it('names a tenant destination qualified in monitoring.criticalBreakers', () => {
    const { config } = parse(
      `${twoTenants}
monitoring: { criticalBreakers: [acme/hook] }
`,
      { ACME_TOKEN: 'a' },
    );
    assert.deepEqual(config.monitoring.criticalBreakers, ['acme/hook']);
    assert.deepEqual(
      problems(`${twoTenants.replace('${ACME_TOKEN}', 'a')}
monitoring: { criticalBreakers: [hook] }
`),
      ['monitoring.criticalBreakers[0]: no destination named "hook"'],
    );
  });
});

describe('configuration: admin with tenant tokens only', () => {
  it('turns the admin API on with tenant tokens and no operator token', () => {
    const { config } = parse(`
admin: { enabled: true }
tenants:
  - { name: acme, adminTokens: [acme-token], sources: [{ name: shop, provider: none }] }
`);
    assert.equal(config.admin.token, undefined);
    assert.deepEqual(config.tenants[0]?.adminTokens, ['acme-token']);
  });
});
