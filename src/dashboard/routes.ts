import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookgateError } from '../domain/errors.ts';
import { loadAssets, type Asset } from './assets.ts';

/**
 * Nothing but the gateway's own files: no inline script or style, no eval, no framing; data only
 * from the admin API on the same origin.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The pages the browser's router knows: each is answered with the same index.html. */
const pagePath =
  /^\/dashboard(?:\/(?:events(?:\/[^/]+)?|dead-letters|destinations|sources|tail))?\/?$/;

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string) {
  reply
    .header('content-type', asset.type)
    .header('cache-control', cache)
    .header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

/**
 * The operator dashboard at /dashboard: static files only (the page, its script modules and
 * style). They are public; every piece of data the page shows comes from the admin API with the
 * token the operator signs in with, so without it the page shows nothing but the sign-in form.
 */
export function dashboardRoutes(assets: ReadonlyMap<string, Asset> = loadAssets()) {
  const index = assets.get('index.html');
  if (index === undefined) throw new Error('the dashboard has no index.html');
  return function register(app: FastifyInstance): void {
    // Every answer of this plugin, errors included.
    app.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(securityHeaders)) reply.header(name, value);
      return payload;
    });
    app.get('/dashboard', (request, reply) => send(request, reply, index, 'no-cache'));
    app.get('/dashboard/*', (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (pagePath.test(path)) return send(request, reply, index, 'no-cache');
      const prefix = '/dashboard/assets/';
      const asset = path.startsWith(prefix) ? assets.get(path.slice(prefix.length)) : undefined;
      if (asset === undefined || path.slice(prefix.length) === 'index.html')
        throw new HookgateError('NOT_FOUND');
      // Revalidated each time (ETag): a gateway upgrade is seen at the next load.
      return send(request, reply, asset, 'no-cache');
    });
  };
}
