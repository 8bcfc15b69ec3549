import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PayPal's signing certificate names (what a PayPal source accepts by default). */
export const paypalCommonName = 'messageverificationcerts.sandbox.paypal.com';
export const paypalCertPath = '/v1/notifications/certs/';

/**
 * A test PKI made with the openssl CLI at test time (node:crypto cannot issue certificates):
 * CAs, and certificates they issue, as files in a temporary folder.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'hookgate-pki-'));

  constructor() {
    this.write(
      'ca.ext',
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
    this.write('server.ext', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    this.write('leaf.ext', 'basicConstraints=CA:FALSE\n');
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  write(file: string, text: string): void {
    writeFileSync(join(this.dir, file), text);
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8');
  }

  /** A self-signed root CA: `<name>.pem` and `<name>.key`. */
  ca(name: string, subject: string): void {
    this.openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }

  /** A certificate `<name>.pem` (key `<name>.key`) issued by `issuer`, with `ext` (ca/server/leaf). */
  issue(name: string, subject: string, issuer: string, ext: string, key = 'rsa:2048'): void {
    this.openssl([
      'req',
      '-newkey',
      key,
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ]);
    this.openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-extfile',
      ext,
    ]);
  }

  /** An EC key type for `issue` (prime256v1). */
  ecKey(): string {
    this.openssl(['ecparam', '-name', 'prime256v1', '-out', 'ecparam.pem']);
    return 'ec:ecparam.pem';
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1 with the PKI's `server` certificate; `host` is `127.0.0.1:<port>`. */
export async function startHttpsHost(
  pki: TestPki,
  handler: RequestListener,
): Promise<{ server: Server; host: string }> {
  const server = createServer(
    { key: pki.read('server.key'), cert: pki.read('server.pem') },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * PayPal's side for a run end to end: a CA, a signing certificate under PayPal's name, and an
 * HTTPS certificate host serving it where the simulator's PAYPAL-CERT-URL points.
 */
export interface PayPalCertHost {
  /** `127.0.0.1:<port>`: the source's `certHosts`. */
  readonly host: string;
  /** The source's `caCertificates`. */
  readonly caPem: string;
  /** The signing certificate's private key: `hookgate send paypal --key`. */
  readonly signingKey: string;
  close(): Promise<void>;
}

export async function startPayPalCertHost(): Promise<PayPalCertHost> {
  const pki = new TestPki();
  pki.ca('ca', '/CN=Hookgate Test Root CA');
  pki.issue('server', '/CN=localhost', 'ca', 'server.ext');
  pki.issue('leaf', `/O=PayPal, Inc./CN=${paypalCommonName}`, 'ca', 'leaf.ext');
  const leaf = pki.read('leaf.pem');
  const { server, host } = await startHttpsHost(pki, (req, res) => {
    if (req.url?.startsWith(paypalCertPath)) res.writeHead(200).end(leaf);
    else res.writeHead(404).end();
  });
  return {
    host,
    caPem: pki.read('ca.pem'),
    signingKey: pki.read('leaf.key'),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pki.remove();
    },
  };
}
