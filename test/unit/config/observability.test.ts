import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig, type ConfigError } from '../../../src/config/load.ts';
import { tempDir } from '../../helpers/gateway.ts';

/** A gateway needs a source; these tests are about the other sections. */
const oneSource = { sources: [{ name: 's', provider: 'none' }] };
const parse = (config: object, env: Record<string, string> = {}) =>
  parseConfig(JSON.stringify({ ...oneSource, ...config }), {
    file: 'test.yaml',
    env,
    dataDir: tempDir(),
  }).config;

describe('metrics, tracing and monitoring configuration', () => {
  it('defaults: metrics on for loopback, tracing off, monitoring windows', () => {
    const c = parse({});
    assert.equal(c.metrics.enabled, true);
    assert.deepEqual(c.metrics.allowIps, ['127.0.0.1', '::1']);
    assert.equal(c.metrics.port, undefined);
    assert.equal(c.tracing.endpoint, undefined);
    assert.equal(c.tracing.sampleRatio, 1);
    assert.equal(c.monitoring.window, 300_000);
    assert.equal(c.monitoring.slowThreshold, 3000);
  });

  it('reads the standard OTEL_* variables and METRICS_PORT', () => {
    const c = parse(
      { tracing: { headers: { 'x-team': 'a' } } },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%20ecret,x-env=prod',
        OTEL_SERVICE_NAME: 'hookgate-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '250',
        METRICS_PORT: '9464',
      },
    );
    assert.equal(c.tracing.endpoint, 'http://collector:4318/v1/traces');
    assert.deepEqual(c.tracing.headers, { 'x-team': 'a', 'api-key': 's ecret', 'x-env': 'prod' });
    assert.equal(c.tracing.serviceName, 'hookgate-eu');
    assert.equal(c.tracing.sampleRatio, 0.25);
    assert.equal(c.tracing.exportDelay, 250);
    assert.equal(c.metrics.port, 9464);
    const traces = parse({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://x.example/traces' });
    assert.equal(traces.tracing.endpoint, 'https://x.example/traces');
    const off = parse(
      { tracing: { endpoint: 'http://c:4318/v1/traces' } },
      { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_SAMPLER: 'always_off' },
    );
    assert.equal(off.tracing.endpoint, undefined);
    assert.equal(off.tracing.sampleRatio, 0);
  });

  it('refuses what cannot work, naming the path', () => {
    const problems = (config: object, env: Record<string, string> = {}) => {
      try {
        parse(config, env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    assert.deepEqual(problems({ monitoring: { criticalBreakers: ['nope'] } }), [
      'monitoring.criticalBreakers[0]: no destination named "nope"',
    ]);
    assert.match(problems({ tracing: { endpoint: 'ftp://x' } })[0] ?? '', /^tracing\.endpoint/);
    assert.match(problems({ tracing: { sampleRatio: 2 } })[0] ?? '', /^tracing\.sampleRatio/);
    assert.match(problems({ metrics: { allowIps: ['nope'] } })[0] ?? '', /^metrics\.allowIps\[0\]/);
    assert.match(problems({}, { METRICS_PORT: 'abc' })[0] ?? '', /^METRICS_PORT \(metrics\.port\)/);
    assert.match(
      problems({ sources: [{ name: 'health', provider: 'none' }] })[0] ?? '',
      /^sources\[0\]\.name: is reserved/,
    );
  });
});
