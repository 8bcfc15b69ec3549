import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { tempDir } from '../../helpers/gateway.ts';

function load(yaml: string, env: Record<string, string> = {}) {
  return parseConfig(yaml, { file: 'x.yaml', env, dataDir: tempDir() });
}

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

const destination = (headers: string) => `
sources: [{ name: s, provider: none }]
destinations: [{ name: backend, url: 'http://127.0.0.1:3001/x', headers: ${headers} }]
routes: [{ source: s, destination: backend }]
`;

describe('${VAR} interpolation', () => {
  it('refuses an unterminated ${VAR, naming it, instead of taking it as a literal secret', () => {
    const yaml = `sources: [{ name: careem, provider: careem, secrets: ['\${CAREEM_SECRET'] }]`;
    // Even when the variable is set: the text is not a reference at all.
    assert.deepEqual(problems(yaml, { CAREEM_SECRET: 'real' }), [
      'sources[0].secrets[0]: "${CAREEM_SECRET" is not closed: write ${CAREEM_SECRET} (or $${ for a literal ${)',
    ]);
    const unclosedDefault = problems(
      `sources: [{ name: s, provider: github, secrets: ['\${GH:-fallback'] }]`,
    );
    assert.match(
      unclosedDefault[0] ?? '',
      /^sources\[0\]\.secrets\[0\]: "\$\{GH:-fallback" is not closed/,
    );
    for (const bad of ['${}', '${1ABC}', '${A-B}', '${VAR:default}', 'x${ y']) {
      const found = problems(`sources: [{ name: s, provider: github, secrets: ['${bad}'] }]`);
      assert.equal(found.length, 1, bad);
      assert.match(
        found[0] ?? '',
        /^sources\[0\]\.secrets\[0\]: .* (is not closed|is not a \$\{VAR\} reference)/,
        bad,
      );
    }
    // The literal form still works.
    const literal = load(`sources: [{ name: s, provider: github, secrets: ['a$\${b'] }]`);
    assert.deepEqual(literal.config.sources[0]?.secrets, ['a${b']);
  });

  it('refuses an unset ${VAR} in a destination header (and anywhere), naming it, unless it has a default', () => {
    assert.deepEqual(problems(destination(`{ X-Service-Token: '\${SERVICE_TOKEN}' }`)), [
      'destinations[0].headers.X-Service-Token: ${SERVICE_TOKEN} is not set (set it, or give a default: ${SERVICE_TOKEN:-…})',
    ]);
    assert.deepEqual(
      problems(destination(`{ X-Service-Token: 'Bearer \${SERVICE_TOKEN}' }`), {
        SERVICE_TOKEN: '',
      }),
      [
        'destinations[0].headers.X-Service-Token: ${SERVICE_TOKEN} is set but empty (set it, or give a default: ${SERVICE_TOKEN:-…})',
      ],
    );
    // Every unset variable is reported, in one go, wherever it is.
    const many = problems(`
server: { host: '\${BIND_HOST}' }
sources: [{ name: s, provider: none, options: { eventTypeHeader: '\${TYPE_HEADER}' } }]
`);
    assert.deepEqual(many, [
      'server.host: ${BIND_HOST} is not set (set it, or give a default: ${BIND_HOST:-…})',
      'sources[0].options.eventTypeHeader: ${TYPE_HEADER} is not set (set it, or give a default: ${TYPE_HEADER:-…})',
    ]);
    const set = load(destination(`{ X-Service-Token: '\${SERVICE_TOKEN}' }`), {
      SERVICE_TOKEN: 'tok',
    });
    assert.deepEqual(set.config.destinations[0]?.headers, { 'X-Service-Token': 'tok' });
    const defaulted = load(destination(`{ X-Env: '\${DEPLOY_ENV:-dev}', X-Empty: '\${NONE:-}' }`));
    assert.deepEqual(defaulted.config.destinations[0]?.headers, { 'X-Env': 'dev', 'X-Empty': '' });
  });
});
