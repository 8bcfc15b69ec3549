import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, root), 'utf8')) as unknown;

interface LockFile {
  readonly packages: Record<string, { readonly engines?: { readonly node?: string } }>;
}

/**
 * `npm install` warns EBADENGINE when a package of the tree refuses the running Node: every
 * package locked must accept the oldest Node our `engines` allows, and the one running this.
 */
describe('Node engines', () => {
  it('every locked package accepts the oldest Node that package.json allows (no EBADENGINE)', () => {
    const ours = (read('package.json') as { engines: { node: string } }).engines.node;
    const oldest = semver.minVersion(ours);
    assert.ok(oldest, ours);
    const lock = read('package-lock.json') as LockFile;
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const wanted = entry.engines?.node;
      if (path === '' || wanted === undefined) continue;
      for (const node of [oldest.version, process.versions.node]) {
        if (!semver.satisfies(node, wanted, { includePrerelease: true }))
          refusing.push(`${path} wants node ${wanted}, not ${node}`);
      }
    }
    assert.deepEqual(refusing, []);
  });
});
