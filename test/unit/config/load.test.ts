import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { tempDir } from '../../helpers/gateway.ts';

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(yaml, { file: 'x.yaml', env, dataDir: tempDir() });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

/** The smallest valid configuration: one unverified source. */
const oneSource = 'sources: [{ name: s, provider: none }]';

describe('configuration', () => {
  it('names the exact path of a missing secret', () => {
    const yaml = `
sources:
  - { name: a, provider: none }
  - { name: b, provider: none }
  - { name: c, provider: stripe }
`;
    assert.deepEqual(problems(yaml), ['sources[2].secrets: required']);
  });

  it('refuses a secret whose variable resolves to an empty string', () => {
    const yaml = `sources: [{ name: s, provider: github, secrets: ['\${GH_SECRET}'] }]`;
    assert.deepEqual(problems(yaml, { GH_SECRET: '' }), [
      'sources[0].secrets[0]: ${GH_SECRET} is set but empty (set it, or give a default: ${GH_SECRET:-…})',
    ]);
    // An explicitly empty default is not an open door either.
    const defaulted = `sources: [{ name: s, provider: github, secrets: ['\${GH_SECRET:-}'] }]`;
    assert.match(problems(defaulted)[0] ?? '', /^sources\[0\]\.secrets\[0\]: is empty/);
    const ok = parseConfig(yaml, { file: 'x', env: { GH_SECRET: 's3cr3t' }, dataDir: tempDir() });
    assert.deepEqual(ok.config.sources[0]?.secrets, ['s3cr3t']);
  });

  it('reports unknown providers, bad CIDRs, bad durations, unknown keys and dangling routes', () => {
    const yaml = `
server: { prot: 1 }
sources:
  - { name: s, provider: nope, secrets: [x] }
  - { name: t, provider: github, secrets: [x], allowIps: [10.0.0.0/33], dedupe: { window: soon } }
`;
    const found = problems(yaml);
    assert.ok(
      found.some((p) => p.startsWith('server: ') && p.includes('prot')),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => p.startsWith('sources[0].provider: unknown provider')),
      found.join('\n'),
    );
    assert.ok(
      found.includes('sources[1].allowIps[0]: not an IP address or CIDR range'),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => p.startsWith('sources[1].dedupe.window: not a duration')),
      found.join('\n'),
    );
    // Cross-references are checked once every entry is valid on its own.
    const dangling = problems(`
sources: [{ name: s, provider: none }]
routes: [{ source: s, destination: missing }, { source: nobody, destination: missing }]
`);
    assert.deepEqual(dangling, [
      'routes[0].destination: no destination named "missing"',
      'routes[1].source: no source named "nobody"',
      'routes[1].destination: no destination named "missing"',
    ]);
  });

  it("validates a provider's options under the source's path", () => {
    const found = problems(
      `sources: [{ name: g, provider: generic-hmac, secrets: [x], options: { algorithm: md5 } }]`,
    );
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /^sources\[0\]\.options\.algorithm: /);
  });

  it('applies defaults and environment overrides', () => {
    const { config } = parseConfig(oneSource, {
      file: 'x',
      env: {
        PORT: '4000',
        HOST: '127.0.0.1',
        DATABASE_URL: 'sqlite:/tmp/x.db',
        LOG_LEVEL: 'debug',
      },
      dataDir: tempDir(),
    });
    assert.equal(config.server.port, 4000);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.storage.url, 'sqlite:/tmp/x.db');
    assert.equal(config.logging.level, 'debug');
    assert.equal(config.server.bodyLimit, 1024 * 1024);
    assert.equal(config.server.shutdownTimeout, 10_000);
    const defaults = parseConfig(oneSource, { file: 'x', env: {}, dataDir: tempDir() }).config;
    assert.equal(defaults.server.port, 3002);
    assert.equal(defaults.storage.url, 'sqlite:./data/hookgate.db');
  });

  it('reads redis from the file; REDIS_URL overrides its url', () => {
    const file = `redis: { url: 'redis://file:6379', keyPrefix: 'hg1:' }\n${oneSource}`;
    const fromFile = parseConfig(file, { file: 'x', env: {}, dataDir: tempDir() }).config;
    assert.deepEqual(fromFile.redis, { url: 'redis://file:6379', keyPrefix: 'hg1:' });
    const env = { REDIS_URL: 'redis://env:6380/2' };
    const overridden = parseConfig(file, { file: 'x', env, dataDir: tempDir() }).config;
    assert.deepEqual(overridden.redis, { url: 'redis://env:6380/2', keyPrefix: 'hg1:' });
    const none = parseConfig(oneSource, { file: 'x', env: {}, dataDir: tempDir() }).config;
    assert.deepEqual(none.redis, { keyPrefix: 'hookgate:' });
    assert.match(
      problems(`redis: { url: 'localhost:6379' }\n${oneSource}`)[0] ?? '',
      /^redis\.url: /,
    );
  });

  it('fills a source and destination with their defaults', () => {
    const { config } = parseConfig(
      `
sources: [{ name: s, provider: stripe, secrets: [x] }]
destinations: [{ name: d, url: 'http://127.0.0.1:3001/x' }]
routes: [{ source: s, destination: d, filter: { eventType: 'invoice.*' } }]
`,
      { file: 'x', env: {}, dataDir: tempDir() },
    );
    assert.equal(config.sources[0]?.toleranceSeconds, 300);
    assert.deepEqual(config.sources[0]?.dedupe, { key: 'auto', window: 7 * 86_400_000 });
    assert.equal(config.destinations[0]?.timeoutMs, 10_000);
    assert.equal(config.destinations[0]?.retry.maxAttempts, 10);
    assert.equal(config.destinations[0]?.retry.schedule[0], 60_000);
  });

  it('generates a missing secret once, keeps it in the data folder with mode 0600, and reuses it', () => {
    const dataDir = tempDir();
    const yaml = `sources: [{ name: s, provider: standard-webhooks, secrets: ['\${SVIX_SECRET:-@generate}'] }]`;
    const first = parseConfig(yaml, { file: 'x', env: {}, dataDir });
    const secret = first.config.sources[0]?.secrets[0] ?? '';
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.deepEqual(first.generatedSecrets, ['SVIX_SECRET']);
    const file = join(dataDir, 'secrets.json');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { SVIX_SECRET: secret });
    const second = parseConfig(yaml, { file: 'x', env: {}, dataDir });
    assert.equal(second.config.sources[0]?.secrets[0], secret);
    assert.deepEqual(second.generatedSecrets, []);
    const fromEnv = parseConfig(yaml, { file: 'x', env: { SVIX_SECRET: 'whsec_AAAA' }, dataDir });
    assert.equal(fromEnv.config.sources[0]?.secrets[0], 'whsec_AAAA');
  });

  it('interpolates on the tree, so a value cannot inject YAML, and keeps $${ literal', () => {
    const { config } = parseConfig(
      `destinations: [{ name: d, url: 'http://h/x', headers: { X-Token: '\${TOKEN}', X-Literal: '$\${NOT}' } }]\n${oneSource}`,
      { file: 'x', env: { TOKEN: 'a\nb: c' }, dataDir: tempDir() },
    );
    assert.deepEqual(config.destinations[0]?.headers, {
      'X-Token': 'a\nb: c',
      'X-Literal': '${NOT}',
    });
  });

  it('accepts the example file shipped in the repository', () => {
    const text = readFileSync(new URL('../../../hookgate.example.yaml', import.meta.url), 'utf8');
    const { config } = parseConfig(text, {
      file: 'hookgate.example.yaml',
      env: {},
      dataDir: tempDir(),
    });
    assert.ok(config.sources.length >= 4);
    assert.ok(config.sources.every((s) => s.secrets.every((x) => x.length > 0)));
  });

  it('validates size units: "1zb" or "5 megabytes" is an error, not 1 or 5 bytes', () => {
    for (const bad of ['1zb', '5 megabytes', '1mbb', 'mb', '0kb', '-1mb', '1e3']) {
      const found = problems(`server: { bodyLimit: '${bad}' }\n${oneSource}`);
      assert.deepEqual(found, [
        `server.bodyLimit: not a size: "${bad}" (use a number of bytes, or b, kb, mb, gb, e.g. 512kb, 1mb)`,
      ]);
    }
    const sizes: Record<string, number> = {
      '512kb': 512 * 1024,
      '1 MB': 1024 * 1024,
      '1.5mb': 1.5 * 1024 * 1024,
      '100b': 100,
      '2048': 2048,
    };
    for (const [text, expected] of Object.entries(sizes)) {
      const { config } = parseConfig(`server: { bodyLimit: '${text}' }\n${oneSource}`, {
        file: 'x',
        env: {},
        dataDir: tempDir(),
      });
      assert.equal(config.server.bodyLimit, expected, text);
    }
  });

  it('refuses an empty file and a configuration without sources, saying why', () => {
    for (const empty of ['', '\n', '# only a comment\n']) {
      assert.deepEqual(problems(empty), [
        '(file): it is empty: a gateway needs at least one source (copy hookgate.example.yaml; every key: docs/configuration.md)',
      ]);
    }
    for (const none of ['{}', 'server: { port: 3002 }', 'sources: []']) {
      assert.deepEqual(problems(none), [
        'sources: at least one source is required: without one the gateway receives nothing (see hookgate.example.yaml)',
      ]);
    }
  });

  it('names the environment variable whose value is wrong (PORT=abc)', () => {
    assert.deepEqual(problems(oneSource, { PORT: 'abc' }), [
      'PORT (server.port): Invalid input: expected number, received string',
    ]);
    assert.match(problems(oneSource, { PORT: '70000' })[0] ?? '', /^PORT \(server\.port\): /);
    assert.match(
      problems(oneSource, { LOG_LEVEL: 'loud' })[0] ?? '',
      /^LOG_LEVEL \(logging\.level\): /,
    );
    assert.match(problems(oneSource, { REDIS_URL: 'x' })[0] ?? '', /^REDIS_URL \(redis\.url\): /);
    // The same mistake in the file is reported under its path.
    assert.match(problems(`server: { port: abc }\n${oneSource}`)[0] ?? '', /^server\.port: /);
  });

  it('points a YAML error at the line of the mistake, and quotes it', () => {
    const overIndented = ['server:', '  port: 3002', '    host: 127.0.0.1', oneSource].join('\n');
    const [found, ...more] = problems(overIndented);
    assert.deepEqual(more, []);
    assert.match(found ?? '', /^\(yaml\) lines 2-3: /);
    assert.match(found ?? '', /\n {4}3 \| {5}host: 127\.0\.0\.1$/);
    const tab = ['server:', '  port: 3002', '\thost: x', oneSource].join('\n');
    assert.match(
      problems(tab)[0] ?? '',
      /^\(yaml\) line 3, column 1: Tabs are not allowed as indentation\n {4}3 \| \thost: x$/,
    );
    const duplicate = ['sources:', '  - name: a', '    provider: none', '    provider: none'].join(
      '\n',
    );
    assert.match(
      problems(duplicate)[0] ?? '',
      /^\(yaml\) line 4, column 5: Map keys must be unique\n {4}4 \| {5}provider: none$/,
    );
  });

  it('bounds header and body time: server.headersTimeout at most server.requestTimeout', () => {
    const { config } = parseConfig(oneSource, { file: 'x', env: {}, dataDir: tempDir() });
    assert.equal(config.server.headersTimeout, 10_000);
    assert.equal(config.server.requestTimeout, 30_000);
    assert.deepEqual(problems(`server: { headersTimeout: 5s, requestTimeout: 1s }\n${oneSource}`), [
      'server.headersTimeout: headersTimeout must be above 0 and at most requestTimeout',
    ]);
    assert.match(
      problems(`server: { requestTimeout: soon }\n${oneSource}`)[0] ?? '',
      /^server\.requestTimeout: not a duration/,
    );
  });
});
