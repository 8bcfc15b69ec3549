import type { WebhookRequest } from './types.ts';

export interface IngressRequest extends WebhookRequest {
  /** True once json() was called and the body did not parse. */
  jsonFailed(): boolean;
}

/** Builds a WebhookRequest whose JSON view is parsed at most once, and only if asked for. */
export function makeWebhookRequest(init: Omit<WebhookRequest, 'json'>): IngressRequest {
  let parsed: { value: unknown; failed: boolean } | undefined;
  return {
    ...init,
    json() {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(init.rawBody.toString('utf8')) as unknown, failed: false };
        } catch {
          parsed = { value: undefined, failed: true };
        }
      }
      return parsed.value;
    },
    jsonFailed: () => parsed?.failed === true,
  };
}
