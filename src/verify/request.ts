import type { WebhookRequest } from './types.ts';

export interface IngressRequest extends WebhookRequest {
  /** True once json() was called and the body did not parse. */
  jsonFailed(): boolean;
}

/**
 * A received request whose JSON view is parsed at most once, and only if asked for. A class, not
 * an object with closures: one is made per webhook, and the shape stays the same for all of them.
 */
class ReceivedRequest implements IngressRequest {
  readonly method: string;
  readonly url: string;
  readonly subpath: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
  private parsed: unknown = undefined;
  private state: 'unparsed' | 'parsed' | 'failed' = 'unparsed';

  constructor(init: Omit<WebhookRequest, 'json'>) {
    this.method = init.method;
    this.url = init.url;
    this.subpath = init.subpath;
    this.headers = init.headers;
    this.rawBody = init.rawBody;
  }

  json(): unknown {
    if (this.state === 'unparsed') {
      try {
        this.parsed = JSON.parse(this.rawBody.toString('utf8')) as unknown;
        this.state = 'parsed';
      } catch {
        this.state = 'failed';
      }
    }
    return this.parsed;
  }

  jsonFailed(): boolean {
    return this.state === 'failed';
  }
}

export function makeWebhookRequest(init: Omit<WebhookRequest, 'json'>): IngressRequest {
  return new ReceivedRequest(init);
}
