import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampart, workspace } from './support/cli.js';
import { accounting, filesIn, results } from './support/reliability.js';
import { startTarget, type Target } from './support/target.js';

/**
 * Secrets never leave rampart: values of Authorization, Proxy-Authorization, Cookie and
 * X-Api-Key headers (scenario-wide, per request, and from rampart.yaml) and of env vars named
 * by --secret or `secrets:` are masked in every artifact, even where the scenario goes out of
 * its way to leak them (URL paths and queries, request names, check names, log lines,
 * exception messages, setup and teardown).
 */

const PLANTED = {
  bearer: 'tok-scenario-bearer-4d2a',
  proxy: 'proxy-cred-8e1b',
  cookie: 'cookie-value-2b7f',
  perRequestKey: 'per-request-key-6a0d',
  yamlHeader: 'yaml-header-key-5f1c',
  flagEnv: 'flag-env-secret-9c3e',
  yamlEnv: 'yaml-env-secret-77a1',
};

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

function scenarioText(url: string): string {
  return `import { scenario, burst, check, env } from 'rampart';
const TOKEN = '${PLANTED.bearer}';
export default scenario({
  name: 'secrets', target: ${JSON.stringify(url)},
  stages: [burst({ vus: 2, iterations: 6 })],
  http: { headers: { Authorization: 'Bearer ' + TOKEN, 'Proxy-Authorization': 'Basic ${PLANTED.proxy}' } },
  async setup(ctx) {
    ctx.log('setup sees', env('FLAG_SECRET'), TOKEN);
    await ctx.http.get('/json', { headers: { Cookie: 'session=${PLANTED.cookie}' } });
    return { at: 'setup' };
  },
  async iteration(ctx) {
    const key = '${PLANTED.perRequestKey}';
    const flag = env('FLAG_SECRET')!;
    const fromYaml = env('YAML_SECRET')!;
    const r = await ctx.http.get('/status/500?token=' + TOKEN + '&f=' + flag, { headers: { Cookie: 'session=${PLANTED.cookie}', 'X-Api-Key': key } });
    await ctx.http.get('/p/' + TOKEN + '/' + fromYaml, { headers: { 'x-api-key': key } });
    await ctx.http.get('/json', { name: 'named-' + key });
    ctx.log('iteration sees', TOKEN, key, flag, fromYaml, '${PLANTED.proxy}', '${PLANTED.yamlHeader}', 'session=${PLANTED.cookie}');
    check(r, { ['status for ' + key]: (res) => res.status === 500, ['flag ' + flag]: () => true });
    if (ctx.iteration === 1) throw new Error('failed with ' + [TOKEN, key, flag, fromYaml, '${PLANTED.cookie}'].join(' '));
  },
  async teardown(ctx) { ctx.log('teardown sees', TOKEN, env('YAML_SECRET')); },
});
`;
}

describe('secrets', () => {
  it('no planted value appears in stdout, stderr or any report; the data around them is kept', async () => {
    const dir = workspace({
      's.ts': scenarioText(target.url),
      'rampart.yaml': `secrets: [YAML_SECRET]\nhttp:\n  headers:\n    X-Api-Key: ${PLANTED.yamlHeader}\n`,
    });
    const outs = ['json=r.json', 'junit=r.xml', 'html=r.html', 'csv=r.csv', 'hgrm=r.hgrm', 'hdrlog=r.hdrlog'];
    const res = await rampart(
      ['run', 's.ts', '-e', `FLAG_SECRET=${PLANTED.flagEnv}`, '--secret', 'FLAG_SECRET', ...outs.flatMap((o) => ['--out', o])],
      { cwd: dir, env: { YAML_SECRET: PLANTED.yamlEnv }, timeoutMs: 30_000 },
    );
    expect(res.code, res.stderr).toBe(0);
    const artifacts = [
      { name: 'stdout', text: res.stdout },
      { name: 'stderr', text: res.stderr },
      ...filesIn(dir).filter((f) => f.name !== 's.ts' && f.name !== 'rampart.yaml'),
    ];
    expect(artifacts.map((a) => a.name).sort()).toEqual(['r.csv', 'r.hdrlog', 'r.hgrm', 'r.html', 'r.json', 'r.xml', 'stderr', 'stdout']);
    const leaks = artifacts.flatMap((a) =>
      Object.entries(PLANTED)
        .filter(([, v]) => a.text.includes(v))
        .map(([k]) => `${k} in ${a.name}`),
    );
    expect(leaks).toEqual([]);

    // masked, not dropped: the log lines, the exception, the names and the checks are all there
    expect(res.stderr).toMatch(/\[setup\] setup sees \*\*\* \*\*\*/);
    expect(res.stderr).toMatch(/\[teardown\] teardown sees \*\*\* \*\*\*/);
    expect(res.stderr).toMatch(/iteration sees( \*\*\*){7}$/m);
    const s = results(dir);
    expect(accounting(s).requests).toBe(19);
    expect(s.errors).toContainEqual(expect.objectContaining({ kind: 'exception', message: 'failed with *** *** *** *** ***', count: 2 }));
    expect(Object.keys(s.checks).sort()).toEqual(['flag ***', 'status for ***']);
    expect(s.metrics['http_reqs{name:named-***}'].count).toBe(6);
    expect(s.metrics['http_reqs{name:/p/***/***}'].count).toBe(6);
  });
});
