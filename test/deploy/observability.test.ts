import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { brokerSkipReason, natsUrl } from '../helpers/brokers.ts';
import { tempDir } from '../helpers/gateway.ts';
import { OtlpReceiver } from '../helpers/otlp.ts';
import {
  signedJsonHeaders,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { families, metricNamesIn } from '../helpers/prometheus.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';
import { redisSkipReason, redisUrl } from '../helpers/redis.ts';

const root = new URL('../../', import.meta.url).pathname;
const alertsDir = `${root}deploy/prometheus`;
const dashboardFile = `${root}deploy/grafana/hookgate.json`;

/** promtool from PATH (Debian's `prometheus` package); `.ci/run` installs it when missing. */
function promtoolSkipReason(): string | false {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return false;
  if (process.env.CI === 'true') throw new Error('promtool is missing (CI needs it)');
  return 'promtool is not installed (apt-get install prometheus)';
}

function promtool(args: string[]) {
  return spawnSync('promtool', args, { cwd: alertsDir, encoding: 'utf8', timeout: 60_000 });
}

interface Rule {
  readonly alert: string;
  readonly expr: string;
}

const rules = (): Rule[] =>
  (
    parseYaml(readFileSync(`${alertsDir}/alerts.yml`, 'utf8')) as {
      groups: { rules: Rule[] }[];
    }
  ).groups.flatMap((g) => g.rules);

interface Panel {
  readonly title?: string;
  readonly targets?: { readonly expr: string }[];
}

const dashboard = () =>
  JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { query?: { query: string } | string }[] };
  };

/** Every PromQL expression of the dashboard: panel targets and template variable queries. */
function dashboardExpressions(): string[] {
  const d = dashboard();
  const targets = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const variables = d.templating.list.flatMap((v) => {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const inner = q === undefined ? undefined : /^label_values\((\w+)/.exec(q)?.[1];
    return inner ? [inner] : [];
  });
  return [...targets, ...variables];
}

describe('shipped alerts (deploy/prometheus)', { skip: promtoolSkipReason() }, () => {
  it('promtool check rules: valid', () => {
    const res = promtool(['check', 'rules', 'alerts.yml']);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /SUCCESS: 11 rules found/);
  });

  it('promtool test rules: each alert fires on its input series, and only then', () => {
    const res = promtool(['test', 'rules', 'alerts.test.yml']);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /SUCCESS/);
  });

  it("covers seed 001 §9.3's rules", () => {
    const names = rules().map((r) => r.alert);
    for (const alert of [
      'HookgateWebhookErrorRateHigh',
      'HookgateCircuitBreakerOpen',
      'HookgateRetryQueueCritical',
      'HookgateRetryQueueHigh',
      'HookgateDatabaseFailures',
      'HookgateDestinationUnreachable',
      'HookgateWebhookLatencyHigh',
      'HookgateSignatureFailureRateHigh',
    ])
      assert.ok(names.includes(alert), alert);
  });
});

describe('the Grafana dashboard (deploy/grafana)', () => {
  it('is valid JSON with a uid and a query in every panel that is not a row', () => {
    const d = dashboard();
    assert.equal(d.uid, 'hookgate');
    const panels = d.panels.filter((p) => (p as { type?: string }).type !== 'row');
    assert.ok(panels.length >= 15);
    for (const p of panels) assert.ok((p.targets ?? []).length > 0, p.title);
  });
});

const skip = (await redisSkipReason()) || (await brokerSkipReason(natsUrl));

/**
 * A real gateway process, configured the way an operator would (YAML, `METRICS_PORT`, the
 * standard `OTEL_*` variables), after some traffic: every metric an alert or the dashboard uses
 * is one it exports, `/metrics` is on its own port, and traces reach an OTLP receiver.
 */
describe('a running gateway exports what the alerts and dashboard use', { skip }, () => {
  const secret = randomBytes(32).toString('hex');
  const otlp = new OtlpReceiver();
  const receiver = new Receiver();
  let gateway: GatewayProcess;
  let metricsUrl: string;

  before(async () => {
    const [otlpUrl, destination] = await Promise.all([otlp.listen(), receiver.listen()]);
    const dir = tempDir();
    const config = writeConfig(dir, {
      storage: { url: `sqlite:${dir}/hookgate.db` },
      redis: { url: redisUrl, keyPrefix: `hg-obs-${randomBytes(4).toString('hex')}:` },
      sources: [{ name: 'shop', provider: 'generic-hmac', secrets: [secret] }],
      destinations: [
        { name: 'backend', url: `${destination}/hook` },
        { name: 'bus', type: 'nats', url: natsUrl, subject: 'hg.obs.{{source}}' },
      ],
      routes: [{ source: 'shop', destination: 'backend' }],
    });
    gateway = await spawnGateway(config, dir, {
      METRICS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'hookgate-under-test',
    });
    metricsUrl = await eventually(() => /metrics on (\S+)/.exec(gateway.output())?.[1]);
  });
  after(async () => {
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await Promise.all([otlp.close(), receiver.close()]);
  });

  it('serves /metrics on METRICS_PORT, traces to OTEL_EXPORTER_OTLP_ENDPOINT, and every name the alerts and dashboard use is exported', async () => {
    const body = '{"id":"obs-1"}';
    const res = await fetch(`${gateway.url}/webhooks/shop`, {
      method: 'POST',
      body,
      headers: signedJsonHeaders(secret, body),
    });
    assert.equal(res.status, 200);
    await eventually(() => receiver.at('/hook').length === 1, 10_000);

    const scraped = await fetch(metricsUrl);
    assert.equal(scraped.status, 200);
    const exported = families(await scraped.text());
    const used = new Set(
      [...rules().map((r) => r.expr), ...dashboardExpressions()].flatMap(metricNamesIn),
    );
    assert.ok(used.size >= 20, [...used].join(', '));
    const missing = [...used].filter((name) => !exported.has(name));
    assert.deepEqual(missing, [], `used but not exported: ${missing.join(', ')}`);

    // The separate port serves only /metrics.
    const other = await fetch(metricsUrl.replace('/metrics', '/health'));
    assert.equal(other.status, 404);

    const ingest = await eventually(() => otlp.named('webhook receive')[0], 10_000);
    assert.equal(ingest.service, 'hookgate-under-test');
    await eventually(() => otlp.named('send').find((s) => s.traceId === ingest.traceId), 10_000);
    assert.ok(existsSync(dashboardFile));
  });
});
