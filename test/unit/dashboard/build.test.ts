import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../helpers/gateway.ts';

const root = new URL('../../../', import.meta.url).pathname;
const committed = join(root, 'dashboard/public/js');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * The dashboard's script is committed as built (`npm run build:dashboard`), so `npm start`
 * serves it with no build step: it must be what its TypeScript sources build to now.
 */
describe('the dashboard build', () => {
  it('dashboard/public/js is exactly what dashboard/src builds to (run npm run build:dashboard)', () => {
    const out = tempDir();
    try {
      execFileSync(
        process.execPath,
        [
          join(root, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(root, 'dashboard/tsconfig.json'),
          '--outDir',
          out,
        ],
        { cwd: root, stdio: 'pipe' },
      );
      assert.deepEqual(files(committed), files(out));
      for (const file of files(out))
        assert.equal(
          readFileSync(join(committed, file), 'utf8'),
          readFileSync(join(out, file), 'utf8'),
          `${file} is stale: run npm run build:dashboard`,
        );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('no source sets HTML from a string (innerHTML, outerHTML, insertAdjacentHTML, document.write, eval)', () => {
    const sources = join(root, 'dashboard/src');
    for (const file of files(sources)) {
      const text = readFileSync(join(sources, file), 'utf8');
      assert.doesNotMatch(
        text,
        /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
        file,
      );
    }
  });
});
