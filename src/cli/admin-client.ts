import { request, type Dispatcher } from 'undici';
import { errorCode, errorText } from '../domain/error-text.ts';
import { CliError, exitCodes } from './cli-error.ts';
import type { Connection } from './options.ts';
import { safeText } from './terminal.ts';

/** A query string from the flags given (undefined ones left out). */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Where the gateway could not be reached, said plainly (exit 3). */
export function unreachable(connection: Connection, err: unknown): CliError {
  return new CliError(
    `no gateway answered at ${connection.url} (${errorCode(err) ?? errorText(err)}): is it running? Give its address with --url`,
    exitCodes.unreachable,
  );
}

/** The admin token, or exit 4 saying where to give it. */
export function tokenOf(connection: Connection): string {
  if (connection.token === undefined || connection.token === '')
    throw new CliError('no admin token: give it with --token or ADMIN_TOKEN', exitCodes.auth);
  return connection.token;
}

/** What a refused request means for the command: one line, its exit code. */
export function refusal(status: number, body: string): CliError {
  let code = `HTTP ${status}`;
  let message = '';
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? code;
    message = parsed.error?.message ?? '';
  } catch {
    message = body.slice(0, 200);
  }
  const line = safeText(`${code}${message ? `: ${message}` : ''}`);
  if (status === 401 || status === 403)
    return new CliError(
      `the gateway refused the admin token (${line}): give the right one with --token or ADMIN_TOKEN`,
      exitCodes.auth,
    );
  if (status === 404) return new CliError(line, exitCodes.notFound);
  return new CliError(line, exitCodes.api);
}

/** The admin API of one gateway: JSON in, `data` out, failures as CliErrors. */
export class AdminClient {
  constructor(readonly connection: Connection) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  /** A response to read as it comes (NDJSON export); refusals already turned into errors. */
  async stream(path: string): Promise<Dispatcher.ResponseData> {
    const res = await this.send('GET', path);
    if (res.statusCode >= 300) throw refusal(res.statusCode, await res.body.text());
    return res;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Dispatcher.ResponseData> {
    const token = tokenOf(this.connection);
    try {
      return await request(`${this.connection.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: 30_000,
        bodyTimeout: 60_000,
      });
    } catch (err) {
      throw unreachable(this.connection, err);
    }
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, method === 'POST' ? body : undefined);
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw unreachable(this.connection, err);
    }
    if (res.statusCode >= 300) throw refusal(res.statusCode, text);
    try {
      return (JSON.parse(text) as { data: T }).data;
    } catch {
      throw new CliError(
        `${this.connection.url} answered something that is not the admin API (is --url a Hookgate gateway?)`,
        exitCodes.api,
      );
    }
  }
}
