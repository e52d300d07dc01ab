import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

interface NewArgs {
  file: string;
  target?: string;
}

/** The starter scenario: every line a new user needs, commented, and valid as written (__FILE__: its name). */
export function starterScenario(target: string): string {
  return `// A rampart scenario. Run it:      npx rampart run __FILE__
// See its plan without load:        npx rampart inspect __FILE__
// Docs: docs/authoring.md (fields, stages, thresholds), docs/coming-from-k6.md
import { scenario, ramp, soak, check, env } from 'rampart';

export default scenario({
  name: 'starter',
  // relative request paths resolve against the target; -e TARGET=... overrides it
  target: env('TARGET', ${JSON.stringify(target)}),

  // the load, in order: 10 VUs (closed model) over 30s, then 1 minute at 10.
  // Open model: soak({ rate: 50, for: '1m', maxVUs: 100 }) starts 50 iterations/s whatever the latency.
  stages: [
    ramp({ to: 10, over: '30s' }),
    soak({ vus: 10, for: '1m' }),
  ],

  // pass/fail: the exit code is 99 when one fails. expected_response:true keeps failed requests out.
  thresholds: {
    'http_req_duration{expected_response:true}': ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
  },

  // runs once before the load; what it returns is every iteration's \`data\`
  async setup(ctx) {
    return { startedAt: Date.now() };
  },

  // one iteration of one VU; ctx.vu and ctx.iterationInTest identify it
  async iteration(ctx, data) {
    await ctx.group('home', async () => {
      const res = await ctx.http.get('/');
      check(res, {
        'status is 200': (r) => r.status === 200,
      });
    });
    await ctx.sleep('1s'); // think time
  },
});
`;
}

/** `rampart new scenario.ts`: writes the starter scenario; never overwrites a file. */
export const newCommand: CommandModule<object, NewArgs> = {
  command: 'new <file>',
  describe: 'write a commented starter scenario (never overwrites)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the file to create, e.g. scenario.ts' })
      .option('target', { type: 'string', describe: "the target's URL (default http://127.0.0.1:8080)" }),
  handler: async (args) => {
    const { checkTarget } = await import('../engine/load-scenario.js'); // not at start-up: it pulls the scenario checks
    const target = checkTarget(args.target ?? 'http://127.0.0.1:8080', '--target')!;
    const text = starterScenario(target).replaceAll('__FILE__', args.file);
    try {
      writeFileSync(args.file, text, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`${args.file} exists; rampart new never overwrites a file (choose another name)`);
      if (code === 'ENOENT') throw new UsageError(`cannot write ${args.file}: its folder does not exist`);
      throw new UsageError(`cannot write ${args.file}: ${code ?? (err as Error).message}`);
    }
    process.stdout.write(`wrote ${args.file}; run it with: rampart run ${args.file}\n`);
  },
};
