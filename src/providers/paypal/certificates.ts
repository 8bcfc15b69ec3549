import { X509Certificate, type KeyObject } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';

/** What a certificate URL came to: a checked RSA key, or why it cannot be trusted. */
export type CertOutcome =
  | {
      readonly ok: true;
      readonly key: KeyObject;
      readonly notAfter: number;
      readonly expires: number;
    }
  | { readonly ok: false; readonly reason: string; readonly expires: number };

export interface CertPolicy {
  readonly commonNames: readonly string[];
  /** Trust anchors for the signing certificate: the configured CAs, else the system roots. */
  readonly anchors: () => readonly X509Certificate[];
  /** Extra CAs for the HTTPS download (added to the system roots). */
  readonly tlsCa: readonly string[];
}

const fetchTimeoutMs = 5_000;
const maxResponseBytes = 64 * 1024;
const maxCertificates = 8;
const maxChainDepth = 6;
const trustedForMs = 24 * 3600_000;
const rejectedForMs = 5 * 60_000;
const maxEntries = 32;

let systemRoots: X509Certificate[] | undefined;
/** Node's bundled Mozilla roots, parsed once on first use. */
export function systemAnchors(): readonly X509Certificate[] {
  systemRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return systemRoots;
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every PEM certificate in the text (a throwing parse is a bad certificate, reported). */
export function parsePemCertificates(text: string): X509Certificate[] {
  return (text.match(pemBlock) ?? []).map((block) => new X509Certificate(block));
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function commonNames(cert: X509Certificate): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
}

const signedBy = (cert: X509Certificate, issuer: X509Certificate) =>
  cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

/** Undefined when the chain from the leaf reaches a trust anchor; otherwise why not. */
function chainProblem(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: number,
): string | undefined {
  let current = leaf;
  for (let depth = 0; depth < maxChainDepth; depth++) {
    if (!validAt(current, now))
      return `certificate "${current.subject.replaceAll('\n', ', ')}" is expired or not yet valid`;
    if (anchors.some((a) => a.fingerprint256 === current.fingerprint256)) return undefined;
    const anchor = anchors.find((a) => a.ca && signedBy(current, a));
    if (anchor) return validAt(anchor, now) ? undefined : 'the trusted CA certificate is expired';
    const next = intermediates.find((c) => c !== current && c.ca && signedBy(current, c));
    if (!next) return 'certificate chain does not reach a trusted CA';
    current = next;
  }
  return 'certificate chain too long';
}

/** Checks the downloaded PEM: leaf first, its CN allowed, RSA, chain trusted, all in date. */
export function checkCertificates(pem: string, policy: CertPolicy, now: number): CertOutcome {
  let certs: X509Certificate[];
  try {
    certs = parsePemCertificates(pem);
  } catch {
    return {
      ok: false,
      reason: 'certificate URL returned an unparseable certificate',
      expires: now + rejectedForMs,
    };
  }
  const [leaf, ...rest] = certs;
  const reject = (reason: string): CertOutcome => ({
    ok: false,
    reason,
    expires: now + rejectedForMs,
  });
  if (leaf === undefined) return reject('certificate URL returned no PEM certificate');
  if (certs.length > maxCertificates)
    return reject('certificate URL returned too many certificates');
  const names = commonNames(leaf);
  if (!names.some((cn) => policy.commonNames.includes(cn)))
    return reject(`certificate CN ${JSON.stringify(names)} is not an allowed PayPal name`);
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') return reject('certificate key is not RSA');
  const problem = chainProblem(leaf, rest, policy.anchors(), now);
  if (problem !== undefined) return reject(problem);
  const notAfter = Date.parse(leaf.validTo);
  return {
    ok: true,
    key: leaf.publicKey,
    notAfter,
    expires: Math.min(now + trustedForMs, notAfter),
  };
}

/** Thrown when the certificate host cannot answer: the webhook is answered 503 (PayPal retries). */
export class CertificateUnavailable extends Error {}

/**
 * Downloads and checks PayPal signing certificates, one cache per source. Bounded (oldest entry
 * evicted), trusted entries kept a day at most (never past the certificate's expiry), rejected
 * ones five minutes; concurrent requests for one URL share one download.
 */
export class CertificateStore {
  private readonly entries = new Map<string, CertOutcome>();
  private readonly pending = new Map<string, Promise<void>>();
  private agent: Agent | undefined;

  constructor(private readonly policy: CertPolicy) {}

  get(url: string, now: number): CertOutcome | undefined {
    const entry = this.entries.get(url);
    return entry !== undefined && entry.expires > now ? entry : undefined;
  }

  async load(url: string, now: number): Promise<void> {
    if (this.get(url, now) !== undefined) return;
    let inFlight = this.pending.get(url);
    if (inFlight === undefined) {
      inFlight = this.download(url, now).finally(() => this.pending.delete(url));
      this.pending.set(url, inFlight);
    }
    await inFlight;
  }

  private remember(url: string, outcome: CertOutcome): void {
    this.entries.delete(url);
    if (this.entries.size >= maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(url, outcome);
  }

  private async download(url: string, now: number): Promise<void> {
    this.agent ??= new Agent({
      connect: { ca: [...rootCertificates, ...this.policy.tlsCa], timeout: fetchTimeoutMs },
    });
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        headersTimeout: fetchTimeoutMs,
        bodyTimeout: fetchTimeoutMs,
        signal: AbortSignal.timeout(fetchTimeoutMs),
        reset: true,
      });
      status = res.statusCode;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxResponseBytes) {
          res.body.destroy();
          this.remember(url, {
            ok: false,
            reason: 'certificate response too large',
            expires: now + rejectedForMs,
          });
          return;
        }
        chunks.push(chunk);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      throw new CertificateUnavailable(`cannot download ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // 5xx and 429: PayPal's side is failing, so try again later (503); other non-200: the URL
    // does not hold a certificate, a rejection.
    if (status >= 500 || status === 429)
      throw new CertificateUnavailable(`certificate host answered ${status} for ${url}`);
    if (status !== 200) {
      this.remember(url, {
        ok: false,
        reason: `certificate URL answered ${status}`,
        expires: now + rejectedForMs,
      });
      return;
    }
    this.remember(url, checkCertificates(text, this.policy, now));
  }
}
