/**
 * GitHub's documentation vector ("Validating webhook deliveries", Testing the webhook payload
 * validation; reference §2.2/§4). GitHub publishes none for the legacy SHA-1 header.
 */
export interface GithubVector {
  readonly source: string;
  readonly secret: string;
  readonly body: string;
  readonly header: 'x-hub-signature-256';
  readonly signature: string;
}

export const githubVectors: readonly GithubVector[] = [
  {
    source: 'docs.github.com, validating webhook deliveries',
    secret: "It's a Secret to Everybody",
    body: 'Hello, World!',
    header: 'x-hub-signature-256',
    signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  },
];
