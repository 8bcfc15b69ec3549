import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NormalizedOrder, OrderStatusChange } from '../orders/normalized-order.ts';
import { safeText } from './terminal.ts';

/** The path the example configuration's `backend` destination posts to. */
export const demoOrdersPath = '/api/integration/orders';

/** The largest body the demo takes (an order is a few KiB). */
const maxBody = 1024 * 1024;

interface Envelope {
  readonly transformedOrder?: Partial<NormalizedOrder> & Partial<OrderStatusChange>;
  readonly metadata?: { readonly eventId?: string; readonly provider?: string };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * A value as it may reach a terminal (terminal.ts `safeText`: control characters, lone
 * surrogates and bidirectional overrides escaped; Arabic and emoji as they are); `?` when absent.
 */
export function printable(value: unknown): string {
  return value === undefined || value === null ? '?' : safeText(value);
}

/** One line a person reads: what order arrived, for which branch, and what it costs. */
export function describeOrder(envelope: Envelope): string {
  const order = envelope.transformedOrder ?? {};
  const p = printable;
  const event = p(envelope.metadata?.eventId);
  if (order.orderNumber === undefined) {
    return `status ${p(order.provider)} order ${p(order.externalOrderId)} → ${p(order.status)} (branch ${p(order.branchId)}, event ${event})`;
  }
  const items = (order.items ?? []).map((i) => `${p(i.quantity)} × ${p(i.name)}`).join(', ');
  const price = order.pricing ? `${p(order.pricing.total)} ${p(order.pricing.currency)}` : '?';
  return `order ${p(order.orderNumber)} (${p(order.provider)}) for branch ${p(order.branchId)}: ${items}; total ${price}; customer ${p(order.customerName)} (event ${event})`;
}

/**
 * A throwaway backend for a first run (`hookgate demo-backend`): it takes what the example
 * configuration's `backend` destination delivers, prints each order on one line and answers
 * `201 {orderId}` as the restaurant platform's backend does (the same id again for a second
 * delivery of one event). It keeps nothing: it is for seeing an order arrive, not for use.
 */
export function startDemoBackend(
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const orderIds = new Map<string, string>();
  const server = createServer((request, response) => {
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url?.split('?')[0] !== demoOrdersPath) {
      answer(404, { success: false, error: `POST ${demoOrdersPath} only` });
      return;
    }
    readBody(request)
      .then((body) => {
        let envelope: Envelope;
        try {
          envelope = JSON.parse(body.toString('utf8')) as Envelope;
        } catch {
          answer(400, { success: false, error: 'not JSON' });
          return;
        }
        const eventId = envelope.metadata?.eventId ?? randomUUID();
        const repeat = orderIds.has(eventId);
        const orderId = orderIds.get(eventId) ?? `ord_${randomUUID()}`;
        orderIds.set(eventId, orderId);
        const token = request.headers['x-service-token'] ? 'with' : 'WITHOUT';
        process.stdout.write(
          `${repeat ? '(again) ' : ''}${describeOrder(envelope)} [${token} X-Service-Token]\n`,
        );
        answer(201, { success: true, orderId });
      })
      .catch(() => answer(400, { success: false, error: 'unreadable body' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({ server, url: `http://${host}:${address.port}${demoOrdersPath}` });
    });
  });
}
