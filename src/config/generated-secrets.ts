import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets for `${VAR:-@generate}`: made once, kept in `<dataDir>/secrets.json` (mode 0600) so a
 * fresh machine runs the example with real secrets and restarts keep them. The format
 * `whsec_<base64 of 24 bytes>` is valid for every built-in provider (Standard Webhooks needs it).
 */
export class GeneratedSecrets {
  private readonly file: string;
  private cache: Record<string, string> | undefined;
  /** Names generated during this load, so start-up can print them once. */
  readonly created: string[] = [];

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'secrets.json');
  }

  get(name: string): string {
    const all = this.load();
    const existing = all[name];
    if (existing !== undefined) return existing;
    const made = `whsec_${randomBytes(24).toString('base64')}`;
    all[name] = made;
    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(this.file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    this.created.push(name);
    return made;
  }

  private load(): Record<string, string> {
    if (this.cache === undefined) {
      this.cache = existsSync(this.file)
        ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>)
        : {};
    }
    return this.cache;
  }
}
