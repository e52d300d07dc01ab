import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rampart, readJson, workspace } from './support/cli.js';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './support/openai-stream-server.js';

let server: OpenAiStreamServer;
beforeAll(async () => {
  server = await startOpenAiStreamServer({ ttftMs: 30, itlMs: 20 });
});
afterAll(async () => {
  await server.close();
});

describe('ctx.llm: a broken stream is classified and counted, never a crash', () => {
  it('a cut socket, a malformed event, a 400 instead of a stream, an error event, a deadline mid-stream, a stream without usage', async () => {
    const dir = workspace({
      's.ts': `import { scenario, burst } from 'rampart';
const MODELS = ['cut', 'malformed', 'reject', 'stream-error', 'deadline', 'no-usage', 'fine'];
export default scenario({ name: 'faults', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: MODELS.length })],
  thresholds: { llm_failed: ['rate<1'] },
  async iteration(ctx) {
    const model = MODELS[ctx.iteration];
    // 12 tokens take 30 + 11 * 20 ms: a 120 ms deadline expires after a few of them
    const r = await ctx.llm.chat({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 12, stream: true },
      { name: model, timeout: model === 'deadline' ? '120ms' : '10s' });
    ctx.log(JSON.stringify({ model, ok: r.ok, kind: r.error?.kind ?? null, status: r.status, out: r.outputTokens, est: r.estimated, partial: r.text.length > 0 }));
  } });`,
    });
    const { code, stdout, stderr } = await rampart(['run', 's.ts', '-q', '--out', 'json=r.json'], { cwd: dir, env: { TARGET: server.url } });
    const results = readJson(join(dir, 'r.json'));
    const rows = Object.fromEntries(
      `${stdout}\n${stderr}`
        .split('\n')
        .filter((l) => l.includes('] {'))
        .map((l) => JSON.parse(l.slice(l.indexOf('] {') + 2)))
        .map((r) => [r.model, r]),
    );
    expect(rows.cut).toMatchObject({ ok: false, kind: 'reset', status: 200, partial: true });
    expect(rows.malformed).toMatchObject({ ok: false, kind: 'malformed', status: 200, partial: true });
    expect(rows.reject).toMatchObject({ ok: false, kind: 'http', status: 400, partial: false });
    expect(rows['stream-error']).toMatchObject({ ok: false, kind: 'stream-error', status: 200 });
    expect(rows.deadline).toMatchObject({ ok: false, kind: 'timeout', status: 200, partial: true });
    // without usage the tokens are counted from the events, and the result says so
    expect(rows['no-usage']).toMatchObject({ ok: true, kind: null, out: 12, est: true });
    expect(rows.fine).toMatchObject({ ok: true, kind: null, out: 12, est: false });
    // no iteration threw; the run ends normally with its thresholds judged
    expect(code, stderr).toBe(0);
    const m = results.metrics;
    expect(m.failed_iterations).toBeUndefined();
    expect(m.llm_requests.count).toBe(7);
    expect(m.llm_failed).toMatchObject({ trues: 5, falses: 2 });
    expect(m.llm_goodput).toMatchObject({ trues: 2, falses: 5 });
    // latency metrics and tokens come from the good requests only (as vLLM's benchmark)
    expect(m.llm_ttft.count).toBe(2);
    expect(m.llm_output_tokens.count).toBe(24);
    // each fault is one error group of its own kind; the HTTP layer's (reset, 400, timeout) are not counted twice
    const kinds = Object.fromEntries(results.errors.map((e: any) => [e.kind + (e.status ? `:${e.status}` : ''), e.count]));
    expect(kinds).toMatchObject({ reset: 1, malformed: 1, 'http:400': 1, 'stream-error': 1, timeout: 1 });
    expect(results.errors.find((e: any) => e.kind === 'malformed').message).toMatch(/malformed|not JSON/);
    expect(results.errors.find((e: any) => e.status === 400).sample).toContain('model is required');
    // the HTTP samples: the 400, the cut and the deadline failed; a malformed or error event came in a 200
    expect(m.http_req_failed).toMatchObject({ trues: 3, falses: 4 });
  });
});
