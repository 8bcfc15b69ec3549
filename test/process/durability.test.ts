import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Pool } from 'undici';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../helpers/gateway.ts';
import { signedJsonHeaders, spawnGateway, writeConfig } from '../helpers/process.ts';

const secret = randomBytes(32).toString('hex');

function config(dbFile: string) {
  return {
    storage: { url: `sqlite:${dbFile}` },
    sources: [
      { name: 'load', provider: 'generic-hmac', secrets: [secret], options: { eventIdPath: 'id' } },
    ],
  };
}

interface Acked {
  readonly id: string;
  readonly eventId: string;
}

/** Sends signed events on `connections` connections until `stop()`; records every 200. */
function load(url: string, connections: number) {
  const pool = new Pool(url, { connections });
  const acked: Acked[] = [];
  let failures = 0;
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const id = `load-${n++}`;
      const body = JSON.stringify({ id, padding: 'x'.repeat(900) });
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/webhooks/load',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        const text = await res.body.text();
        if (res.statusCode === 200)
          acked.push({
            id,
            eventId: (JSON.parse(text) as { data: { eventId: string } }).data.eventId,
          });
        else failures++;
      } catch {
        failures++;
        if (running) await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    acked,
    failures: () => failures,
    async stop() {
      running = false;
      await Promise.all(workers);
      await pool.destroy();
    },
  };
}

async function storedIds(dbFile: string): Promise<Map<string, string>> {
  const store = new SqliteStore({ path: dbFile });
  try {
    const events = await store.eventList({ limit: 1_000_000 });
    return new Map(events.map((e) => [e.id, e.providerEventId ?? '']));
  } finally {
    await store.close();
  }
}

describe('durability', () => {
  it('keeps every event that got a 200 when the process is killed with SIGKILL under load', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'hookgate.db');
    const file = writeConfig(dir, config(dbFile));
    const gateway = await spawnGateway(file, dir);
    const traffic = load(gateway.url, 32);
    // Let the load reach a steady state, then kill without warning.
    while (traffic.acked.length < 300) await new Promise((r) => setTimeout(r, 20));
    gateway.child.kill('SIGKILL');
    await gateway.exited;
    await traffic.stop();
    const acked = [...traffic.acked];
    assert.ok(acked.length >= 300);

    // The gateway starts again on the same file (WAL recovery) and keeps accepting.
    const again = await spawnGateway(file, dir);
    const after = load(again.url, 4);
    while (after.acked.length < 20) await new Promise((r) => setTimeout(r, 20));
    await after.stop();
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);

    const stored = await storedIds(dbFile);
    const missing = [...acked, ...after.acked].filter((a) => stored.get(a.eventId) !== a.id);
    assert.deepEqual(missing, [], `${missing.length} acknowledged events are missing`);
  });

  it('drains on SIGTERM: in-flight requests finish, the last commit is flushed, exit 0', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'hookgate.db');
    const gateway = await spawnGateway(writeConfig(dir, config(dbFile)), dir);
    const traffic = load(gateway.url, 16);
    while (traffic.acked.length < 200) await new Promise((r) => setTimeout(r, 20));
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0, gateway.output());
    await traffic.stop();
    const stored = await storedIds(dbFile);
    const missing = traffic.acked.filter((a) => stored.get(a.eventId) !== a.id);
    assert.deepEqual(missing, []);
  });
});
