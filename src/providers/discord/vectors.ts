/**
 * Discord has no published signature vectors: neither the developer docs nor discord-interactions'
 * tests ship a fixed (public key, timestamp, body, signature) tuple; the library's tests generate
 * a key pair at run time. Hookgate's tests do the same and check against `verifyKey`.
 *
 * What is fixed and tested instead: RFC 8032 §7.1 TEST 2 (Ed25519 itself, one-byte message
 * 0x72), presented as a Discord request with an empty timestamp prefix split off the message:
 * timestamp "r" (0x72) and an empty body sign the same bytes.
 */
export interface DiscordVector {
  readonly source: string;
  readonly publicKey: string;
  readonly timestamp: string;
  readonly body: string;
  readonly signature: string;
}

export const discordVectors: readonly DiscordVector[] = [
  {
    source: 'RFC 8032 §7.1 TEST 2 (message 0x72 = timestamp "r" + empty body)',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    timestamp: 'r',
    body: '',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
      '085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];
