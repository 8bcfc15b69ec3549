import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeFilter } from '../../../src/config/filter.ts';
import { filterMatches, matches } from '../../../src/routing/filter-match.ts';

const subject = (
  eventType: string | undefined,
  body: unknown = {},
  headers: Record<string, string> = {},
) => ({
  eventType,
  headers,
  body: () => body,
});

describe('route filters', () => {
  it('matches event types exactly or with * wildcards', () => {
    const f = routeFilter.parse({ eventType: ['invoice.*', 'charge.succeeded'] });
    assert.equal(filterMatches(f, subject('invoice.paid')), true);
    assert.equal(filterMatches(f, subject('charge.succeeded')), true);
    assert.equal(filterMatches(f, subject('charge.failed')), false);
    assert.equal(filterMatches(f, subject('xinvoice.paid')), false);
    assert.equal(filterMatches(f, subject(undefined)), false);
  });

  it('treats regex characters in patterns literally', () => {
    const f = routeFilter.parse({ eventType: 'a.b' });
    assert.equal(filterMatches(f, subject('aXb')), false);
  });

  it('applies operators to body paths and headers', () => {
    const f = routeFilter.parse({
      headers: { 'X-Shop': { prefix: 'shop-' } },
      body: {
        'order.total': { gte: 10 },
        'order.currency': { in: ['JOD', 'USD'] },
        'order.note': { exists: false },
      },
    });
    const body = { order: { total: 12.5, currency: 'JOD' } };
    assert.equal(filterMatches(f, subject(undefined, body, { 'x-shop': 'shop-1' })), true);
    assert.equal(filterMatches(f, subject(undefined, body, { 'x-shop': 'other' })), false);
    assert.equal(
      filterMatches(
        f,
        subject(undefined, { order: { total: 5, currency: 'JOD' } }, { 'x-shop': 'shop-1' }),
      ),
      false,
    );
    assert.equal(
      filterMatches(
        f,
        subject(
          undefined,
          { ...body, order: { ...body.order, note: 'x' } },
          { 'x-shop': 'shop-1' },
        ),
      ),
      false,
    );
  });

  it('compares scalars strictly and never matches numbers with string operators', () => {
    assert.equal(matches('1', 1), false);
    assert.equal(matches(1, 1), true);
    assert.equal(matches({ contains: '1' }, 1), false);
    assert.equal(matches({ gt: 1 }, '2'), false);
    assert.equal(matches({ ne: 'a' }, undefined), true);
  });

  it('does not read inherited properties', () => {
    const f = routeFilter.parse({ body: { 'constructor.name': { exists: true } } });
    assert.equal(filterMatches(f, subject(undefined, {})), false);
  });

  it('matches everything without a filter', () => {
    assert.equal(filterMatches(undefined, subject(undefined)), true);
  });
});
