import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli, type CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/gateway.ts';
import {
  postSignedWebhook,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const token = randomBytes(16).toString('hex');

interface EventJson {
  id: string;
  eventType: string | null;
  body: string;
  deliveries: {
    id: string;
    destination: string;
    state: string;
    origin: string;
    attemptList: { statusCode: number | null }[];
  }[];
}

/**
 * The operator CLI as a user meets it: `hookgate …` processes against a real gateway process
 * (SQLite), with a real receiver: events list and show, replay one and in bulk (dry runs first),
 * the dead-letter flow, pause and resume, tail, the exit codes, and hostile text on a terminal.
 */
describe('hookgate operator commands against a running gateway', () => {
  const receiver = new Receiver();
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  const json = async <T>(...args: string[]): Promise<T> => {
    const res = await cli(...args, '--json');
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout) as T;
  };
  const post = async (source: string, payload: object): Promise<string> =>
    (await postSignedWebhook(gateway.url, source, secret, payload)).eventId;
  const show = (id: string) => json<EventJson>('events', 'show', id);
  /** One line on stderr, the exit code, and no stack trace. */
  const oneLine = (res: CliResult, status: number, pattern: RegExp) => {
    assert.equal(res.status, status, res.stderr);
    const lines = res.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', pattern);
    assert.doesNotMatch(res.stderr, /\bat .*\.(ts|js):\d+/);
  };

  before(async () => {
    const url = await receiver.listen();
    receiver.on('/broken', () => ({ status: 400, body: '{"error":"bad order"}' }));
    const dir = tempDir();
    const config = writeConfig(dir, {
      admin: { token: '${ADMIN_TOKEN}', stream: { ping: '200ms', poll: '50ms' } },
      storage: { url: `sqlite:${join(dir, 'cli.db')}` },
      delivery: { pollInterval: '50ms' },
      replay: { rate: 1000, batch: 2 },
      sources: [
        {
          name: 'shop',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'id', eventTypePath: 'type' },
        },
        {
          name: 'billing',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'id', eventTypePath: 'type' },
        },
      ],
      destinations: [
        { name: 'backend', url: `${url}/backend` },
        { name: 'broken', url: `${url}/broken`, retry: { maxAttempts: 1 } },
      ],
      routes: [
        { source: 'shop', destination: 'backend' },
        { source: 'billing', destination: 'broken' },
      ],
    });
    gateway = await spawnGateway(config, dir, { ADMIN_TOKEN: token });
    env = { HOOKGATE_URL: gateway.url, ADMIN_TOKEN: token };
  });
  after(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    await receiver.close();
  });

  it('lists events with filters, and shows one with its deliveries', async () => {
    const ids = [];
    for (let n = 1; n <= 3; n++)
      ids.push(await post('shop', { id: `list-${n}`, type: 'order.created', n }));
    await post('billing', { id: 'list-billing', type: 'invoice.paid' });
    const found = await json<{ events: { id: string }[]; count: { count: number } }>(
      'events',
      '--source',
      'shop',
      '--type',
      'order.created',
    );
    assert.deepEqual(
      found.events.map((e) => e.id),
      [...ids].reverse(),
    );
    const human = await cli('events', '--source', 'shop', '--limit', '2');
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /^ID\s+RECEIVED\s+SOURCE\s+TYPE/);
    assert.ok(human.stdout.includes(ids[2] as string) && !human.stdout.includes(ids[0] as string));
    assert.match(human.stdout, /2 shown of 3 matching; next page: --before \S+/);
    const first = ids[0] as string;
    const delivered = await eventually(async () => {
      const e = await show(first);
      return e.deliveries[0]?.state === 'delivered' && e;
    });
    assert.equal(JSON.parse(delivered.body).id, 'list-1');
    const detail = await cli('events', 'show', first);
    assert.equal(detail.status, 0, detail.stderr);
    assert.match(detail.stdout, /^id {2,}evt_/m);
    assert.match(detail.stdout, /"id": "list-1"/);
    assert.match(detail.stdout, /x-signature: \[redacted\]/);
    assert.match(detail.stdout, /backend\s+delivered\s+1\s+ingest/);
  });

  it('says what went wrong in one line, with a documented exit code', async () => {
    oneLine(
      await cli('events', 'show', 'evt_nope'),
      5,
      /^hookgate: NOT_FOUND: No event with this id\.$/,
    );
    oneLine(
      await runCli(['events'], { ...env, ADMIN_TOKEN: 'wrong' }),
      4,
      /^hookgate: the gateway refused the admin token \(UNAUTHORIZED/,
    );
    oneLine(
      await runCli(['events'], { HOOKGATE_URL: gateway.url }),
      4,
      /^hookgate: no admin token: give it with --token or ADMIN_TOKEN$/,
    );
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    oneLine(
      await cli('events', '--url', `http://127.0.0.1:${port}`),
      3,
      new RegExp(
        `^hookgate: no gateway answered at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`,
      ),
    );
    oneLine(
      await cli('events', '--nope'),
      2,
      /^hookgate: hookgate events: Unknown option '--nope'/,
    );
    oneLine(
      await cli('events', '--since', 'yesterday'),
      1,
      /^hookgate: INVALID_FILTER: Invalid request: since/,
    );
    oneLine(await cli('dlq', 'requeue'), 2, /needs a DELIVERY_ID, filters, or --all/);
  });

  it('replays one event (a dry run first), and a filter as a job with progress', async () => {
    const id = await post('shop', { id: 'replay-1', type: 'order.paid' });
    await eventually(async () => (await show(id)).deliveries[0]?.state === 'delivered');
    const dry = await cli('replay', id, '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^dry run: event evt_\S+ \(source shop\) would be replayed to the routes of its source as configured now; nothing was stored$/m,
    );
    assert.equal((await show(id)).deliveries.length, 1);
    const one = await cli('replay', id);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /dlv_\S+\s+backend\s+pending/);
    const replayed = await eventually(async () => {
      const e = await show(id);
      return e.deliveries.length === 2 && e.deliveries.every((d) => d.state === 'delivered') && e;
    });
    assert.deepEqual(replayed.deliveries.map((d) => d.origin).sort(), ['ingest', 'replay']);

    const bulkIds = [];
    for (let n = 1; n <= 3; n++)
      bulkIds.push(await post('shop', { id: `bulk-${n}`, type: 'order.bulk' }));
    const plan = await cli('replay', '--type', 'order.bulk', '--dry-run');
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /^dry run\s+nothing was stored$/m);
    assert.match(plan.stdout, /^events\s+3$/m);
    for (const bulkId of bulkIds) assert.equal((await show(bulkId)).deliveries.length, 1);
    const bulk = await cli('replay', '--type', 'order.bulk', '--interval', '50');
    assert.equal(bulk.status, 0, bulk.stderr);
    // Not a terminal: one progress line each time the count moves, then the outcome.
    assert.match(bulk.stdout, /^replay job_\S+: \d\/3 \d+%/m);
    assert.match(bulk.stdout, /^replay job_\S+: 3\/3 100%/m);
    assert.match(bulk.stdout, /^replay job job_\S+ completed: 3 events replayed, 0 failed$/m);
    for (const bulkId of bulkIds)
      await eventually(
        async () =>
          (await show(bulkId)).deliveries.filter((d) => d.state === 'delivered').length === 2,
      );
  });

  it('works the dead-letter queue: list, show, review, dry run, requeue, discard, export', async () => {
    const first = await post('billing', { id: 'dead-1', type: 'invoice.failed' });
    const second = await post('billing', { id: 'dead-2', type: 'invoice.failed' });
    const dead = await eventually(async () => {
      const page = await json<{ deliveries: { id: string; eventId: string }[] }>(
        'dlq',
        'list',
        '--destination',
        'broken',
      );
      const ours = page.deliveries.filter((d) => d.eventId === first || d.eventId === second);
      return ours.length === 2 && ours;
    });
    const firstDead = dead.find((d) => d.eventId === first)?.id as string;
    const secondDead = dead.find((d) => d.eventId === second)?.id as string;
    const listed = await cli('dlq', 'list', '--destination', 'broken');
    assert.match(listed.stdout, /^DELIVERY\s+EVENT\s+SOURCE\s+DESTINATION\s+REVIEW/);
    assert.ok(listed.stdout.includes(firstDead));
    const shown = await cli('dlq', 'show', firstDead);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^dead reason\s+\S+/m);
    assert.match(shown.stdout, /400/);

    const reviewed = await cli('dlq', 'review', firstDead, '--by', 'alice', '--note', 'looking');
    assert.equal(reviewed.status, 0, reviewed.stderr);
    assert.match(reviewed.stdout, new RegExp(`^${firstDead}: reviewing`));
    const dry = await cli('dlq', 'requeue', '--destination', 'broken', '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    const wouldMove = Number(
      /^dry run: (\d+) dead letters would be requeued; nothing was changed$/m.exec(dry.stdout)?.[1],
    );
    assert.ok(wouldMove >= 2, dry.stdout);
    assert.equal(
      (await json<{ deliveries: unknown[] }>('dlq', 'list', '--destination', 'broken')).deliveries
        .length,
      wouldMove,
    );

    receiver.on('/broken', () => ({ status: 200, body: '{"ok":true}' }));
    const requeued = await cli('dlq', 'requeue', firstDead, '--by', 'alice');
    assert.equal(requeued.status, 0, requeued.stderr);
    await eventually(async () => (await show(first)).deliveries[0]?.state === 'delivered');
    const discarded = await cli('dlq', 'discard', secondDead, '--note', 'duplicate order');
    assert.equal(discarded.status, 0, discarded.stderr);
    assert.match(discarded.stdout, /discarded/);
    const exported = await cli('dlq', 'export', '--review', 'discarded');
    assert.equal(exported.status, 0, exported.stderr);
    const lines = exported.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { deadLetter: { id: string } });
    assert.ok(lines.some((l) => l.deadLetter.id === secondDead));
    oneLine(
      await cli('dlq', 'requeue', firstDead),
      1,
      /^hookgate: CONFLICT: This delivery is not a dead letter/,
    );
  });

  it('pauses and resumes a destination', async () => {
    const paused = await cli('pause', 'backend');
    assert.equal(paused.status, 0, paused.stderr);
    assert.equal(paused.stdout, 'backend: paused\n');
    const table = await cli('destinations');
    assert.match(table.stdout, /^backend\s+http\s+paused/m);
    const id = await post('shop', { id: 'paused-1', type: 'order.created' });
    await eventually(async () => (await show(id)).deliveries[0]?.state === 'held');
    const resumed = await cli('resume', 'backend');
    assert.equal(resumed.stdout, 'backend: resumed\n');
    await eventually(async () => (await show(id)).deliveries[0]?.state === 'delivered');
    const list = await json<{ name: string; paused: boolean }[]>('destinations');
    assert.equal(list.find((d) => d.name === 'backend')?.paused, false);
    oneLine(await cli('pause', 'nowhere'), 5, /^hookgate: NOT_FOUND/);
  });

  it('tails arriving events, and escapes hostile text for the terminal', async () => {
    const tail = startCli(['tail', '--source', 'shop'], env);
    const tailJson = startCli(['tail', '--source', 'shop', '--json'], env);
    await eventually(
      () => tail.stderr().includes('connected') && tailJson.stderr().includes('connected'),
      10_000,
    );
    const hostile = 'order.\u001b[2J\u001b]0;pwned\u0007\u0000\u009b31m\u202eevil 🎉\nforged';
    const id = await post('shop', { id: 'tail-1', type: hostile, note: hostile });
    const plain = await post('shop', { id: 'tail-2', type: 'order.created' });
    await eventually(
      () => tail.stdout().includes(plain) && tailJson.stdout().includes(plain),
      10_000,
    );
    assert.equal(await tail.stop(), 0);
    assert.equal(await tailJson.stop(), 0);
    const lines = tail.stdout().trimEnd().split('\n');
    assert.equal(lines.length, 2, tail.stdout());
    assert.ok(lines[0]?.includes(id));
    assert.ok(lines[0]?.includes('order.\\u001b[2J\\u001b]0;pwned\\u0007'), lines[0]);
    assert.ok(lines[0]?.includes('🎉\\nforged'));
    const events = tailJson
      .stdout()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; eventType: string });
    assert.deepEqual(
      events.map((e) => e.id),
      [id, plain],
    );
    // --json keeps the value exactly (JSON escapes it).
    assert.ok(events[0]?.eventType.startsWith('order.\u001b[2J'));

    const detail = await cli('events', 'show', id);
    for (const output of [tail.stdout(), detail.stdout]) {
      // No raw control character reaches the terminal, only the line breaks of the output itself.
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(output, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      assert.ok(output.includes('🎉'));
    }
    assert.ok(detail.stdout.includes('\\u202eevil 🎉\\nforged'));
    const asJson = await cli('events', 'show', id, '--json');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(asJson.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    // Exactly as stored: stored text holds U+FFFD where the signed value had NUL.
    assert.equal(
      (JSON.parse(asJson.stdout) as EventJson).eventType,
      hostile.replace('\u0000', '\ufffd'),
    );
  });
});
