import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** The dashboard's files: committed, served as they are (dashboard/README says how they are built). */
export const dashboardRoot = new URL('../../dashboard/public/', import.meta.url).pathname;

const types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Every file of the dashboard read once, at start, by its path under the root (`js/main.js`).
 * Requests are answered from this map only: a path that is not a key is a 404, so nothing
 * outside the folder can be named (no `..`, no symlink surprises at request time).
 */
export function loadAssets(root: string = dashboardRoot): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(root)) {
    const type = types[extname(file)];
    if (type === undefined) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(relative(root, file).split(sep).join('/'), { body, type, etag });
  }
  return assets;
}
