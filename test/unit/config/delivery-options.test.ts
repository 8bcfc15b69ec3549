import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { routeOnDead, routeOrdering } from '../../../src/routing/route-table.ts';
import { tempDir } from '../../helpers/gateway.ts';

const parse = (yaml: string) => parseConfig(yaml, { file: 'x.yaml', env: {}, dataDir: tempDir() });

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

const base = `
sources: [{ name: shop, provider: none }]
`;

describe('configuration: ordering and adaptive', () => {
  it("reads a route's ordering, else its destination's, with onDead block by default", () => {
    const { config } = parse(`${base}
destinations:
  - { name: a, url: 'http://127.0.0.1:9/a', ordering: { key: 'json:data.id', onDead: skip } }
  - { name: b, url: 'http://127.0.0.1:9/b' }
routes:
  - { source: shop, destination: a }
  - { name: mine, source: shop, destination: a, ordering: { key: 'header:X-Order' } }
  - { source: shop, destination: b }
`);
    const [viaDestination, own, none] = config.routes;
    assert.deepEqual(routeOrdering(viaDestination!, config), {
      key: 'json:data.id',
      onDead: 'skip',
    });
    assert.deepEqual(routeOrdering(own!, config), { key: 'header:X-Order', onDead: 'block' });
    assert.equal(routeOrdering(none!, config), undefined);
    assert.deepEqual(
      [...routeOnDead(config)],
      [
        ['shop->a', 'skip'],
        ['mine', 'block'],
      ],
    );
    // A replay to a destination its source has no route to goes by `<source>-><destination>`.
    const { config: unrouted } = parse(`
sources: [{ name: shop, provider: none }, { name: crm, provider: none }]
destinations:
  - { name: a, url: 'http://127.0.0.1:9/a', ordering: { key: 'json:data.id', onDead: skip } }
routes:
  - { source: shop, destination: a, ordering: { key: eventId } }
`);
    assert.deepEqual(
      [...routeOnDead(unrouted)],
      [
        ['shop->a', 'block'],
        ['crm->a', 'skip'],
      ],
    );
  });

  it("refuses a key from a header the route's source declares a credential", () => {
    const found = problems(`
sources:
  - { name: shop, provider: shopify, secrets: [s3cret] }
  - { name: hooks, provider: generic-hmac, secrets: [s3cret], options: { header: x-acme-mac } }
destinations:
  - { name: a, url: 'http://127.0.0.1:9/a', ordering: { key: 'header:x-acme-mac' } }
routes:
  - { source: shop, destination: a, ordering: { key: 'header:X-Shopify-Hmac-Sha256' } }
  - { source: hooks, destination: a }
tenants:
  - name: acme
    sources: [{ name: shop, provider: shopify, secrets: [s3cret] }]
    destinations: [{ name: b, url: 'http://127.0.0.1:9/b' }]
    routes: [{ source: shop, destination: b, ordering: { key: 'header:x-shopify-hmac-sha256' } }]
`);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(
      found[0] ?? '',
      /^routes\[0\]\.ordering: "x-shopify-hmac-sha256" is a credential header of source "shop"/,
    );
    assert.match(
      found[1] ?? '',
      /^routes\[1\]\.ordering: "x-acme-mac" is a credential header of source "hooks"/,
    );
    assert.match(found[2] ?? '', /^tenants\[0\]\.routes\[0\]\.ordering: "x-shopify-hmac-sha256"/);
    // A header no source declares stays a key.
    parse(`${base}
destinations: [{ name: a, url: 'http://127.0.0.1:9/a' }]
routes: [{ source: shop, destination: a, ordering: { key: 'header:x-order-id' } }]
`);
  });

  it('refuses unknown key forms and policies', () => {
    const found = problems(`${base}
destinations: [{ name: a, url: 'http://127.0.0.1:9/a', ordering: { key: 'body' } }]
routes:
  - { source: shop, destination: a, ordering: { key: 'eventId', onDead: drop } }
  - { source: shop, destination: a, ordering: { key: 'header:X-Hub-Signature-256' } }
`);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found.join('\n'), /routes\[1\]\.ordering\.key: a credential header/);
    assert.match(
      found.join('\n'),
      /destinations\[0\]\.ordering\.key: use json:<path>, header:<name>, eventId or source/,
    );
    assert.match(found.join('\n'), /routes\[0\]\.ordering\.onDead/);
  });

  it('adaptive: true takes the defaults; bounds are checked', () => {
    const { config } = parse(`${base}
destinations:
  - { name: a, url: 'http://127.0.0.1:9/a', adaptive: true }
  - { name: b, url: 'http://127.0.0.1:9/b', adaptive: { minConcurrency: 2, maxConcurrency: 8, maxPause: 30s } }
  - { name: c, url: 'http://127.0.0.1:9/c', adaptive: false }
`);
    const [a, b, c] = config.destinations;
    assert.deepEqual(a?.adaptive, {
      minConcurrency: 1,
      decrease: 0.5,
      latencyFactor: 3,
      maxPause: 600_000,
    });
    assert.deepEqual(b?.adaptive, {
      minConcurrency: 2,
      maxConcurrency: 8,
      decrease: 0.5,
      latencyFactor: 3,
      maxPause: 30_000,
    });
    assert.equal(c?.adaptive, undefined);
    const found = problems(`${base}
destinations:
  - { name: a, url: 'http://127.0.0.1:9/a', adaptive: { minConcurrency: 9, maxConcurrency: 8 } }
  - { name: b, url: 'http://127.0.0.1:9/b', adaptive: { decrease: 1 } }
`);
    assert.equal(found.length, 2, found.join('\n'));
  });
});
