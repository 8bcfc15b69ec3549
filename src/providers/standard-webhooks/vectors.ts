/**
 * Official Standard Webhooks vectors. The v1 one is the JavaScript library's own test
 * (standard-webhooks/standard-webhooks, libraries/javascript/src/index.test.ts; also quoted in the
 * reference §2.3/§4). No published vector exists for v1a (Ed25519, whose signatures the JS library
 * cannot check): the tests sign with keys they generate instead.
 */
export interface StandardWebhooksVector {
  readonly source: string;
  readonly secret: string;
  readonly id: string;
  readonly timestamp: string;
  readonly body: string;
  readonly signature: string;
}

export const standardWebhooksVectors: readonly StandardWebhooksVector[] = [
  {
    source: 'standardwebhooks JS library test',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: '1614265330',
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
];
