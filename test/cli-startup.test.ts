import { describe, expect, it } from 'vitest';
import { yargsFromParts } from '../dist/runner/bundled/yargs-parts.js';
import { rampart } from './support/cli.js';

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
