/**
 * Official vector from @paddle/paddle-node-sdk's tests (`webhooks-validator.test.ts`; reference
 * §2.9): valid at the SDK test's system time, 2023-11-01T00:00:00Z.
 */
export const paddleVectors = [
  {
    secret: 'VALID_SECRET',
    body: '{"data": ["1", "2"]}',
    header: 'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9',
    nowMs: 1_698_796_800_000,
  },
] as const;
