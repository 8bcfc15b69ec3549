import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jwtVerify, SignJWT } from 'jose';
import { talabat } from '../../../src/providers/talabat/provider.ts';
import { verifyHsJwt } from '../../../src/providers/talabat/jwt.ts';
import { talabatSimulator } from '../../../src/providers/talabat/simulate.ts';
import { talabatVectors } from '../../../src/providers/talabat/vectors.ts';
import { makeWebhookRequest } from '../../../src/verify/request.ts';
import { propertyRuns } from './property-runs.ts';
import { check, NOW_MS, NOW_S, request } from './support.ts';

const secret = randomBytes(32).toString('base64');
const otherSecret = randomBytes(32).toString('hex');
const order = JSON.stringify({ token: 'tok-1', code: 'gk5s-8xyp', expeditionType: 'delivery' });

type Alg = 'HS256' | 'HS384' | 'HS512';
const jwt = (
  claims: Record<string, unknown> = { service: 'middleware' },
  key = secret,
  alg: Alg = 'HS512',
) =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(key));

const verify = (
  token: string | undefined,
  opts: { secrets?: string[]; options?: unknown; toleranceSeconds?: number } = {},
) =>
  check(
    talabat,
    request(order, { authorization: token === undefined ? undefined : `Bearer ${token}` }),
    opts.secrets ?? [secret],
    {
      options: opts.options ?? {},
      ...(opts.toleranceSeconds === undefined ? {} : { toleranceSeconds: opts.toleranceSeconds }),
    },
  );

const withPath = (subpath: string, body: string, method = 'POST') =>
  makeWebhookRequest({
    method,
    url: `/webhooks/talabat${subpath}`,
    subpath,
    headers: {},
    rawBody: Buffer.from(body),
  });

describe('talabat provider', () => {
  for (const v of talabatVectors) {
    it(`fixed vector: ${v.source}`, async () => {
      const key = Buffer.from(v.keyBase64url, 'base64url');
      const result = verifyHsJwt(v.token, {
        algorithms: ['HS256'],
        secrets: [key],
        nowSeconds: v.nowSeconds,
        toleranceSeconds: 0,
      });
      assert.equal(result.ok, true);
      await jwtVerify(v.token, key, {
        algorithms: ['HS256'],
        currentDate: new Date(v.nowSeconds * 1000),
      });
      // Its exp (1300819380) has passed by now.
      assert.equal(
        verifyHsJwt(v.token, {
          algorithms: ['HS256'],
          secrets: [key],
          nowSeconds: NOW_S,
          toleranceSeconds: 0,
        }).ok,
        false,
      );
    });
  }

  it('accepts HS256/384/512 tokens signed with the plugin secret', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const)
      assert.deepEqual(
        verify(await jwt({ service: 'middleware' }, secret, alg)),
        { ok: true },
        alg,
      );
  });

  it('rejects another secret, accepts the second configured one (rotation)', async () => {
    const token = await jwt({ service: 'middleware' }, otherSecret);
    assert.equal(verify(token).ok, false);
    assert.equal(verify(token, { secrets: [secret, otherSecret] }).ok, true);
  });

  it('enforces exp with the clock tolerance, and nbf', async () => {
    assert.equal(verify(await jwt({ exp: NOW_S - 61 })).ok, false);
    assert.equal(verify(await jwt({ exp: NOW_S - 59 })).ok, true);
    assert.equal(verify(await jwt({ exp: NOW_S - 1 }), { toleranceSeconds: 0 }).ok, false);
    assert.equal(verify(await jwt({ nbf: NOW_S + 120 })).ok, false);
    assert.equal(verify(await jwt({ exp: 'soon' })).ok, false);
  });

  it('optionally requires exp and the service claim', async () => {
    assert.equal(verify(await jwt({}), { options: { requireExpiry: true } }).ok, false);
    assert.equal(
      verify(await jwt({ exp: NOW_S + 60 }), { options: { requireExpiry: true } }).ok,
      true,
    );
    assert.equal(
      verify(await jwt({ service: 'other' }), { options: { service: 'middleware' } }).ok,
      false,
    );
    assert.equal(verify(await jwt(), { options: { service: 'middleware' } }).ok, true);
  });

  it('only accepts the configured algorithms, never alg none', async () => {
    assert.equal(
      verify(await jwt({}, secret, 'HS256'), { options: { algorithms: ['HS512'] } }).ok,
      false,
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    assert.equal(verify(none).ok, false);
    assert.equal(talabat.optionsSchema.safeParse({ algorithms: ['RS256'] }).success, false);
  });

  it('does not sign the body: a changed body with the same token still passes (documented)', async () => {
    const token = await jwt();
    const other = check(
      talabat,
      request('{"token":"forged"}', { authorization: `Bearer ${token}` }),
      [secret],
    );
    assert.equal(other.ok, true);
  });

  it('rejects missing or garbled Authorization without throwing', async () => {
    const token = await jwt();
    for (const auth of [
      undefined,
      '',
      token,
      `Basic ${token}`,
      'Bearer',
      'Bearer a.b',
      'Bearer a.b.c.d',
      `Bearer ${token}x`,
      `Bearer ${token.replace('.', '.=')}`,
    ])
      assert.equal(
        check(talabat, request(order, { authorization: auth }), [secret]).ok,
        false,
        String(auth),
      );
    assert.equal(
      check(talabat, request(order, { authorization: `bearer ${token}` }), [secret]).ok,
      true,
    );
  });

  it('identifies order dispatches and status updates from the subpath', () => {
    assert.deepEqual(
      talabat.identify(withPath('/order/TB-JO-1', order), talabat.optionsSchema.parse({})),
      {
        eventId: 'tok-1',
        eventType: 'order.dispatch',
      },
    );
    const cancel = withPath(
      '/remoteId/TB-JO-1/remoteOrder/R-77/posOrderStatus',
      '{"status":"ORDER_CANCELLED","message":"customer"}',
      'PUT',
    );
    assert.deepEqual(talabat.identify(cancel, talabat.optionsSchema.parse({})), {
      eventId: 'R-77:ORDER_CANCELLED',
      eventType: 'order.status.ORDER_CANCELLED',
    });
    const picked = withPath(
      '/remoteId/TB-JO-1/remoteOrder/R-77/posOrderStatus',
      '{"status":"ORDER_PICKED_UP"}',
      'PUT',
    );
    assert.equal(
      talabat.identify(picked, talabat.optionsSchema.parse({})).eventId,
      'R-77:ORDER_PICKED_UP',
    );
    assert.deepEqual(
      talabat.identify(
        withPath('/remoteId/TB-JO-1/availability', '{}', 'PUT'),
        talabat.optionsSchema.parse({}),
      ),
      { eventType: 'vendor.availability' },
    );
    assert.deepEqual(
      talabat.identify(withPath('/order/X', '{"code":"c-1"}'), talabat.optionsSchema.parse({})),
      { eventId: 'c-1', eventType: 'order.dispatch' },
    );
    assert.deepEqual(talabat.identify(withPath('', 'null'), talabat.optionsSchema.parse({})), {});
  });

  it('simulator output verifies (HS512, service: middleware) and posts to /order/{remoteId}', () => {
    const sent = talabatSimulator.sign({
      body: talabatSimulator.sample(),
      secret,
      now: NOW_MS,
      options: talabat.optionsSchema.parse({}),
      url: 'http://x',
    });
    const req = makeWebhookRequest({
      method: 'POST',
      url: '/webhooks/talabat' + sent.pathSuffix,
      subpath: sent.pathSuffix ?? '',
      headers: sent.headers,
      rawBody: sent.body,
    });
    assert.deepEqual(
      talabat.verify(req, {
        now: NOW_MS,
        secrets: [secret],
        toleranceSeconds: 60,
        options: talabat.optionsSchema.parse({ service: 'middleware', requireExpiry: true }),
        runtime: undefined,
      }),
      { ok: true },
    );
    assert.equal(
      talabat.identify(req, talabat.optionsSchema.parse({})).eventType,
      'order.dispatch',
    );
  });

  it('agrees with jose jwtVerify on random tokens (differential)', async () => {
    let accepted = 0;
    const algs = ['HS256', 'HS384', 'HS512'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          secret: fc.string({ minLength: 1, maxLength: 48 }),
          other: fc.string({ minLength: 1, maxLength: 48 }),
          alg: fc.constantFrom(...algs),
          allowed: fc.subarray([...algs], { minLength: 1 }),
          claims: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
            maxKeys: 4,
          }),
          exp: fc.option(fc.integer({ min: NOW_S - 200, max: NOW_S + 200 })),
          nbf: fc.option(fc.integer({ min: NOW_S - 200, max: NOW_S + 200 })),
          tolerance: fc.integer({ min: 0, max: 120 }),
          tamper: fc.constantFrom('none', 'header', 'payload', 'signature', 'secret', 'truncate'),
          where: fc.nat(),
          char: fc.constantFrom(
            ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
          ),
        }),
        async (c) => {
          fc.pre(c.secret !== c.other);
          const claims: Record<string, unknown> = { ...c.claims };
          delete claims.exp;
          delete claims.nbf;
          delete claims.iat;
          if (c.exp !== null) claims.exp = c.exp;
          if (c.nbf !== null) claims.nbf = c.nbf;
          let token = await jwt(claims, c.secret, c.alg);
          const parts = token.split('.');
          const part = { header: 0, payload: 1, signature: 2 }[c.tamper as 'header'];
          if (part !== undefined) {
            const text = parts[part] ?? '';
            const i = c.where % Math.max(text.length, 1);
            parts[part] = text.slice(0, i) + c.char + text.slice(i + 1);
            token = parts.join('.');
          } else if (c.tamper === 'truncate') token = token.slice(0, c.where % token.length);
          const trusted = c.tamper === 'secret' ? c.other : c.secret;
          const ours = verifyHsJwt(token, {
            algorithms: c.allowed,
            secrets: [trusted],
            nowSeconds: NOW_S,
            toleranceSeconds: c.tolerance,
          }).ok;
          let theirs: boolean;
          try {
            await jwtVerify(token, new TextEncoder().encode(trusted), {
              algorithms: c.allowed,
              clockTolerance: c.tolerance,
              currentDate: new Date(NOW_MS),
            });
            theirs = true;
          } catch {
            theirs = false;
          }
          if (ours) accepted++;
          assert.equal(ours, theirs, `jose says ${theirs} for ${token}`);
        },
      ),
      { numRuns: propertyRuns() },
    );
    assert.ok(accepted > 0);
  });
});
