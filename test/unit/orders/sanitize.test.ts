import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizePayload, sanitizeText } from '../../../src/orders/sanitize.ts';
import { transformOrder } from '../../../src/orders/transform.ts';
import { careemInput, careemSeedSample, clone, config } from './fixtures.ts';

test('tags go, their text stays; script and style go with their content', () => {
  const cases: [string, string][] = [
    ['<script>alert(1)</script>Ahmed', 'Ahmed'],
    ['Ahmed <b>Ali</b>', 'Ahmed Ali'],
    ['<img src=x onerror=alert(1)>Ali', 'Ali'],
    ['<style>body{}</style>Ali', 'Ali'],
    ['&lt;script&gt;alert(1)&lt;/script&gt;Ali', 'Ali'],
    ['<<b>script>alert(1)<</b>/script>', ''],
    ['a\u0000b', 'ab'],
  ];
  for (const [input, output] of cases) assert.equal(sanitizeText(input), output, input);
});

test('plain text, Arabic and punctuation are untouched', () => {
  for (const text of [
    'برجر دجاج',
    'Fish & Chips',
    'a < b > c',
    'Tom "T" O\'Neil',
    'الطابق 3 - شقة 5',
  ])
    assert.equal(sanitizeText(text), text);
});

test('every string of a payload, with the changed paths; the input is not modified', () => {
  const payload = { a: { b: ['<b>x</b>', 1, null, 'y'] }, c: 'ok', d: true };
  const { value, changed } = sanitizePayload(payload);
  assert.deepEqual(value, { a: { b: ['x', 1, null, 'y'] }, c: 'ok', d: true });
  assert.deepEqual(changed, ['a.b[0]']);
  assert.equal(payload.a.b[0], '<b>x</b>');
});

test('a <script> in a customer name is removed from the order and reported', () => {
  const body = clone(careemSeedSample);
  body.customer.name = 'Ahmed <script>fetch("//evil")</script>Ali';
  body.items[0]!.name_ar = 'برجر <i>دجاج</i>';
  const result = transformOrder(careemInput(body), config);
  assert.ok(result.kind === 'order', JSON.stringify(result));
  assert.equal(result.envelope.transformedOrder.customerName, 'Ahmed Ali');
  assert.equal(result.envelope.transformedOrder.items[0]?.nameAr, 'برجر دجاج');
  assert.deepEqual(result.envelope.metadata.sanitizedFields, ['customer.name', 'items[0].name_ar']);
  // The envelope carries the sanitized body; the raw bytes stay in Hookgate's event store.
  assert.equal(
    (result.envelope.originalWebhook as { customer: { name: string } }).customer.name,
    'Ahmed Ali',
  );
});
