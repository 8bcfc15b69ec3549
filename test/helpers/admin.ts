import type { LightMyRequestResponse } from 'fastify';
import type { TestGateway } from './gateway.ts';
import { signedJsonHeaders } from './process.ts';

/** Calls the admin API of a test gateway with its token (inject: nothing listens). */
export function adminClient(gw: () => TestGateway, token: string) {
  return (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    gw().app.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

/** Posts a signed JSON webhook (generic-hmac) and returns the stored event's id. */
export async function postWebhook(
  gw: TestGateway,
  source: string,
  secret: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<string> {
  const body = JSON.stringify(payload);
  const res = await gw.app.http.inject({
    method: 'POST',
    url: `/webhooks/${source}`,
    payload: body,
    headers: { ...signedJsonHeaders(secret, body), ...headers },
  });
  if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
  return (res.json() as { data: { eventId: string } }).data.eventId;
}
