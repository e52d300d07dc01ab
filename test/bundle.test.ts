import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEarly, bundleFile } from '../dist/runner/bundle.js';
import { CompileError, UsageError } from '../dist/runner/errors.js';

/**
 * Scenario bundles: esbuild's executable makes them, its JavaScript API reports a scenario that
 * does not compile with its file, line and column, and rampart's own exports resolve to this
 * rampart wherever the scenario lives (here a temp folder with no node_modules).
 */
const dir = mkdtempSync(join(tmpdir(), 'rampart-bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundleFile', () => {
  it("resolves 'rampart', 'rampart/reporter' and 'rampart/package.json' to this rampart", async () => {
    const file = join(dir, 'own.ts');
    writeFileSync(
      file,
      `import { scenario, burst } from 'rampart';
import type { Reporter } from 'rampart/reporter';
import pkg from 'rampart/package.json';
const reporter: Reporter | undefined = undefined;
export const name: string = pkg.name;
export default scenario({ name: 'own', stages: [burst({ iterations: 1, vus: 1 })], iteration() {} });
`,
    );
    const bundle = await bundleFile(file);
    try {
      const mod = await import(bundle.url);
      expect(mod.name).toBe('rampart');
      expect(mod.default.stages[0]).toMatchObject({ kind: 'burst', iterations: 1 });
    } finally {
      await bundle.dispose();
    }
  });

  it('names the file, line and column of a syntax error', async () => {
    const file = join(dir, 'broken.ts');
    writeFileSync(file, "import { scenario } from 'rampart';\nexport default scenario({ name: 'x', stages: [ , iteration() {} });\n");
    const err = await bundleFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect((err as Error).message).toMatch(/broken\.ts:2:\d+: Expected "\]"/);
  });

  it('a bundle started early is the one taken, errors included', async () => {
    const missing = join(dir, 'missing.ts');
    bundleEarly(missing);
    await expect(bundleFile(missing)).rejects.toBeInstanceOf(UsageError);
  });
});
