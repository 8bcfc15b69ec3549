import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate } from '../../../src/verify/template.ts';
import { makeWebhookRequest } from '../../../src/verify/request.ts';

const body = Buffer.from([0x7b, 0xff, 0x7d]); // not valid UTF-8: must pass through untouched
const req = makeWebhookRequest({
  method: 'POST',
  url: '/webhooks/x',
  subpath: '',
  headers: { 'x-shop': 'shop.example' },
  rawBody: body,
});
const joined = (parts: readonly Buffer[] | undefined) => {
  assert.ok(parts);
  return Buffer.concat(parts);
};

describe('compileTemplate', () => {
  it('renders {body} as the raw body buffer itself', () => {
    const parts = compileTemplate('{body}').render(req, {});
    assert.equal(parts?.length, 1);
    assert.equal(parts?.[0], body);
  });

  it('renders {timestamp}.{body}', () => {
    assert.deepEqual(
      joined(compileTemplate('{timestamp}.{body}').render(req, { timestamp: '17' })),
      Buffer.concat([Buffer.from('17.'), body]),
    );
  });

  it('renders {id}.{timestamp}.{body}', () => {
    const t = compileTemplate('{id}.{timestamp}.{body}');
    assert.deepEqual([...t.uses].sort(), ['body', 'id', 'timestamp']);
    assert.deepEqual(
      joined(t.render(req, { id: 'msg_1', timestamp: '17' })),
      Buffer.concat([Buffer.from('msg_1.17.'), body]),
    );
  });

  it('renders {header:name} case-insensitively', () => {
    assert.deepEqual(
      joined(compileTemplate('v0:{header:X-Shop}:{body}').render(req, {})),
      Buffer.concat([Buffer.from('v0:shop.example:'), body]),
    );
  });

  it('renders undefined when a value it needs is missing or empty', () => {
    assert.equal(compileTemplate('{timestamp}.{body}').render(req, {}), undefined);
    assert.equal(compileTemplate('{id}{body}').render(req, { id: '' }), undefined);
    assert.equal(compileTemplate('{header:x-other}{body}').render(req, {}), undefined);
  });

  it('keeps literal text, including non-ASCII, as UTF-8', () => {
    assert.deepEqual(
      joined(compileTemplate('é|{body}').render(req, {})),
      Buffer.concat([Buffer.from('é|'), body]),
    );
  });

  it('rejects unknown placeholders and stray braces at compile time', () => {
    for (const template of [
      '{timestmap}.{body}',
      '{Body}',
      '{header:}',
      '{header:a b}',
      '{body',
      'body}',
      '{}',
      '',
    ]) {
      assert.throws(() => compileTemplate(template), Error, template);
    }
    assert.throws(() => compileTemplate('{nope}'), /unknown placeholder.*\{body\}, \{timestamp\}/);
  });
});
