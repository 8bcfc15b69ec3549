import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli, type RunningCli } from '../helpers/cli.ts';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import {
  postSignedWebhook,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const secret = randomBytes(32).toString('hex');
const token = randomBytes(16).toString('hex');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

interface EventJson {
  deliveries: {
    destination: string;
    origin: string;
    state: string;
    lastError: string | null;
    attemptList: { statusCode: number | null; worker: string; responseBody: string | null }[];
  }[];
}

/**
 * `hookgate listen` as a developer meets it: a gateway process (each engine), the CLI connected
 * through a proxy the test cuts, a local app (a receiver). The connection is cut mid-stream,
 * refused for a while, and the gateway itself is restarted on the same database: every event of
 * the source reaches the local app once, in order, and each answer shows on the gateway as a
 * delivery `listen:<name>` of its event with one attempt.
 */
for (const engine of testEngines) {
  describe(
    `hookgate listen: forwards a source to a local URL across drops (${engine})`,
    { skip: await engineSkipReason(engine) },
    () => {
      const local = new Receiver();
      const schema = engine === 'postgres' ? testSchema() : undefined;
      const database = schema ? { DATABASE_URL: `${postgresUrl}?schema=${schema.name}` } : {};
      const dir = tempDir();
      let config: string;
      let port: number;
      let gateway: GatewayProcess;
      let proxy: TcpProxy;
      let listen: RunningCli;
      const posted: { id: string; body: string }[] = [];

      const startGateway = async () => {
        gateway = await spawnGateway(config, dir, {
          ADMIN_TOKEN: token,
          PORT: String(port),
          ...database,
        });
      };
      const post = async (source: string, payload: object) => {
        const { eventId, body } = await postSignedWebhook(gateway.url, source, secret, payload);
        if (source === 'shop') posted.push({ id: eventId, body });
        return eventId;
      };
      const forwarded = () =>
        local.at('/hook').map((r) => String(r.headers['x-hookgate-event-id']));

      before(async () => {
        const localUrl = await local.listen();
        port = await freePort();
        config = writeConfig(dir, {
          admin: { token: '${ADMIN_TOKEN}', stream: { ping: '200ms', poll: '50ms' } },
          storage: { url: `sqlite:${join(dir, 'listen.db')}` },
          server: { shutdownTimeout: '2s' },
          sources: [
            {
              name: 'shop',
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
            },
            {
              name: 'other',
              provider: 'generic-hmac',
              secrets: [secret],
              options: { eventIdPath: 'id' },
            },
          ],
          destinations: [],
          routes: [],
        });
        await startGateway();
        proxy = new TcpProxy(port);
        const proxyUrl = await proxy.up();
        // The local app refuses one order: its answer is reported as it is.
        local.on('/hook', (r) =>
          JSON.parse(r.body.toString()).id === 'refused'
            ? { status: 500, body: 'local app broke' }
            : { status: 200, body: '{"ok":true}' },
        );
        listen = startCli(
          [
            'listen',
            '--source',
            'shop',
            '--forward-to',
            `${localUrl}/hook`,
            '--name',
            'dev1',
            '--url',
            proxyUrl,
            '--json',
          ],
          { ADMIN_TOKEN: token },
        );
        await eventually(() => listen.stderr().includes('connected'), 15_000);
      });
      after(async () => {
        await listen.stop();
        gateway.child.kill('SIGTERM');
        await gateway.exited;
        await proxy.down();
        await local.close();
        await schema?.drop();
      });

      it('forwards each event once, in order, through cuts, an outage and a gateway restart', async () => {
        for (let n = 1; n <= 3; n++) await post('shop', { id: `a-${n}`, n });
        await post('other', { id: 'not-this-source' });
        await eventually(() => forwarded().length === 3, 10_000);

        // Refused for a while: events arrive meanwhile, and come through after.
        await proxy.down();
        for (let n = 1; n <= 3; n++) await post('shop', { id: `b-${n}`, n });
        // The listener feels it: its stream is lost, or the report of the last answer waits.
        await eventually(
          () => /connection lost|reporting the answer to \S+ failed/.test(listen.stderr()),
          10_000,
        );
        await proxy.up();
        await eventually(() => forwarded().length === 6, 15_000);

        // Cut mid-stream, while events are arriving.
        const burst = Array.from({ length: 12 }, (_, n) => ({
          id: n === 5 ? 'refused' : `c-${n}`,
          n,
        }));
        for (const [i, payload] of burst.entries()) {
          await post('shop', payload);
          if (i === 3) {
            await eventually(() => forwarded().length >= 7, 10_000);
            proxy.cut();
          }
        }
        await eventually(() => forwarded().length === 18, 15_000).catch((e: Error) => {
          throw new Error(`${e.message}: ${forwarded().length} forwarded\n${listen.stderr()}`);
        });

        // The gateway restarts on the same database (its drain ends the stream).
        gateway.child.kill('SIGTERM');
        assert.equal(await gateway.exited, 0);
        await startGateway();
        for (let n = 1; n <= 2; n++) await post('shop', { id: `d-${n}`, n });
        await eventually(() => forwarded().length === 20, 20_000);

        assert.deepEqual(
          forwarded(),
          posted.map((p) => p.id),
        );
        const hooks = local.at('/hook');
        hooks.forEach((r, i) => {
          assert.equal(r.body.toString(), posted[i]?.body);
          assert.equal(r.headers['content-type'], 'application/json');
          assert.equal(r.headers['x-hookgate-source'], 'shop');
          assert.equal(r.headers['x-signature'], undefined);
        });
        assert.match(listen.stderr(), /resuming after evt_/);
        assert.equal(listen.child.exitCode, null);
      });

      it('reports each answer back: a delivery listen:dev1 of the event with its one attempt', async () => {
        // A line is printed once the answer is reported, just after the local app has it.
        await eventually(() => listen.stdout().trimEnd().split('\n').length === posted.length);
        const lines = listen
          .stdout()
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as { event: string; statusCode: number; reported: boolean });
        assert.deepEqual(
          lines.map((l) => l.event),
          posted.map((p) => p.id),
        );
        assert.ok(
          lines.every((l) => l.reported),
          listen.stderr(),
        );
        const env = { ADMIN_TOKEN: token, HOOKGATE_URL: gateway.url };
        for (const { id, body } of posted) {
          const shown = await runCli(['events', 'show', id, '--json'], env);
          assert.equal(shown.status, 0, shown.stderr);
          const event = JSON.parse(shown.stdout) as EventJson;
          assert.equal(event.deliveries.length, 1, id);
          const [delivery] = event.deliveries;
          assert.equal(delivery?.destination, 'listen:dev1');
          assert.equal(delivery?.origin, 'listen');
          assert.equal(delivery?.attemptList.length, 1);
          assert.equal(delivery?.attemptList[0]?.worker, 'dev1');
          if (JSON.parse(body).id === 'refused') {
            assert.equal(delivery?.state, 'skipped');
            assert.equal(delivery?.attemptList[0]?.statusCode, 500);
            assert.equal(delivery?.attemptList[0]?.responseBody, 'local app broke');
            assert.equal(delivery?.lastError, 'the local URL answered 500');
          } else {
            assert.equal(delivery?.state, 'delivered');
            assert.equal(delivery?.attemptList[0]?.statusCode, 200);
          }
        }
        assert.equal(await listen.stop(), 0);
      });
    },
  );
}
