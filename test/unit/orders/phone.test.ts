import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countries } from '../../../src/orders/rules/country-rules.ts';
import { normalizePhone } from '../../../src/orders/rules/phone.ts';

const jordan = countries.JO.phone;

const accepted: [string, string][] = [
  ['0791234567', '+962791234567'],
  ['791234567', '+962791234567'],
  ['962791234567', '+962791234567'],
  ['00962791234567', '+962791234567'],
  ['+962791234567', '+962791234567'],
  ['+962 79 123 4567', '+962791234567'],
  ['079-123-4567', '+962791234567'],
  ['(079) 123 4567', '+962791234567'],
  ['+962 (0)79 123 4567', '+962791234567'],
  ['0771234567', '+962771234567'],
  ['0781234567', '+962781234567'],
];

const rejected = [
  '',
  '07912345', // too short
  '07912345678', // too long
  '0761234567', // not a mobile range
  '064612345', // Amman landline
  '+966501234567', // Saudi
  '+1 415 555 0100',
  '00971501234567', // UAE
  '96279123456a',
  'phone',
];

test('Jordanian mobiles in every accepted form become +9627XXXXXXXX', () => {
  for (const [raw, e164] of accepted)
    assert.deepEqual(normalizePhone(raw, jordan), { ok: true, e164 }, raw);
});

test('other numbers are rejected with the number in the reason', () => {
  for (const raw of rejected) {
    const result = normalizePhone(raw, jordan);
    assert.equal(result.ok, false, raw);
    assert.ok(!result.ok && result.reason.includes(`"${raw}"`), raw);
  }
});
