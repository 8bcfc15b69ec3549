/**
 * Stripe publishes no fixed vector. This one is from the reference §4 ("self-computed, formula"),
 * and the test checks it against `Stripe.webhooks.generateTestHeaderString` as well.
 */
export interface StripeVector {
  readonly source: string;
  readonly secret: string;
  readonly timestamp: number;
  readonly body: string;
  readonly header: string;
}

export const stripeVectors: readonly StripeVector[] = [
  {
    source: 'reference §4, cross-checked with stripe-node generateTestHeaderString',
    secret: 'whsec_test_secret',
    timestamp: 1_700_000_000,
    body: '{"id":"evt_test_webhook","object":"event"}',
    header: 't=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990',
  },
];
