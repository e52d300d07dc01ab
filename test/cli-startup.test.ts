import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { yargsFromParts } from '../dist/runner/bundled/yargs-parts.js';
import { COMMAND_NAMES } from '../dist/runner/cli/commands.js';
import { rampart } from './support/cli.js';

/** `rampart ...args` as the compiled, unbundled modules run it: with yargs whole, as yargs draws everything. */
async function stockYargs(args: string[], env: Record<string, string>): Promise<string> {
  const index = new URL('../dist/runner/cli/index.js', import.meta.url).href;
  const script = `const { main } = await import(${JSON.stringify(index)}); await main(${JSON.stringify(args)});`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env } });
  return stdout;
}

/**
 * Start-up (issue 11): commands other than --help run yargs without its help renderer
 * (runner/cli/yargs.ts). The help screens and usage errors must read as before.
 */
describe('the command line without the help renderer', () => {
  it('builds yargs from its parts on this yargs release (the bundled parts, not the fallback)', async () => {
    const yargs = await yargsFromParts(false);
    const argv = await yargs(['run', 'a.ts', '--vus', '3'])
      .command(
        'run <file>',
        'run',
        (y) => y.positional('file', { type: 'string' }).option('vus', { type: 'number' }),
        () => {},
      )
      .strict()
      .parseAsync();
    expect(argv).toMatchObject({ file: 'a.ts', vus: 3 });
  });

  it('still draws the help screens', async () => {
    const top = await rampart(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^rampart <command>\n\nCommands:\n {2}rampart run <scenario> +run a scenario\n/);
    expect(top.stdout).toMatch(/--version +Show version number +\[boolean\]/);
    const run = await rampart(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rampart run <scenario>\n\nrun a scenario\n\nPositionals:/);
  });

  it('says a usage mistake in one line, without the help', async () => {
    const none = await rampart([]);
    expect([none.code, none.stdout, none.stderr]).toEqual([2, '', 'rampart: name a command: run, inspect, simulate, compare, report, new\n']);
    const flag = await rampart(['inspect', 'x.ts', '--bogus']);
    expect([flag.code, flag.stdout, flag.stderr]).toEqual([2, '', 'rampart: Unknown argument: bogus\n']);
    const version = await rampart(['inspect', '--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('the help screens', () => {
  // drawn at build time into help.json (runner/cli/help-screens.ts), or by yargs' parts with textWidth
  it.each([
    ['English', { LC_ALL: 'en_US.UTF-8' }],
    ['a locale without yargs messages', { LC_ALL: 'C' }],
    ['German (drawn by the bundled yargs, umlauts measured by string-width)', { LC_ALL: 'de_DE.UTF-8' }],
  ])(
    'read byte for byte as yargs whole draws them: %s',
    async (_, env) => {
      for (const name of ['', ...COMMAND_NAMES]) {
        const args = [...(name ? [name] : []), '--help'];
        const [ours, stock] = await Promise.all([rampart(args, { env }), stockYargs(args, env)]);
        expect(ours.code).toBe(0);
        expect(ours.stdout, `rampart ${args.join(' ')}`).toBe(stock);
      }
    },
    120_000,
  );
});
