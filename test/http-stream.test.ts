import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { runScenario } from './support/cli.js';
import { startOpenAiStreamServer, type OpenAiStreamServer } from './support/openai-stream-server.js';

/** /events?n=N&gap=MS: N events MS apart (id, event name, two data lines); gap 0 floods them, honouring drain. */
let events: Server;
let eventsUrl = '';
const closedEarly: number[] = [];
beforeAll(async () => {
  events = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const n = Number(url.searchParams.get('n') ?? 10);
    const gap = Number(url.searchParams.get('gap') ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    res.on('close', () => {
      if (i < n) closedEarly.push(i);
    });
    const step = () => {
      while (i < n && !res.destroyed) {
        const ok = res.write(`id: ${i}\nevent: tick\ndata: ${i}\ndata: line2\n\n`);
        i++;
        if (gap > 0) return void setTimeout(step, gap);
        if (!ok) return void res.once('drain', step);
      }
      if (i >= n) res.end();
    };
    step();
  });
  await new Promise<void>((r) => events.listen(0, '127.0.0.1', r));
  eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}`;
});
afterAll(async () => {
  events.closeAllConnections();
  await new Promise((r) => events.close(r));
});

const runFile = (source: string, args: string[] = []) => runScenario(source, { target: eventsUrl, args });

describe('ctx.http.stream', () => {
  it('hands out every event in order with its fields and arrival time; a flood of 20,000 is read whole through backpressure', async () => {
    const { code, stderr, results } = await runFile(`import { scenario, burst } from 'rampart';
export default scenario({ name: 's', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 1 })],
  async iteration(ctx) {
    const s = ctx.http.stream('GET', '/events?n=5&gap=30', { name: 'slow' });
    const seen = [];
    for await (const ev of s) seen.push(ev);
    const res = await s.response;
    if (seen.map((e) => e.id).join() !== '0,1,2,3,4') throw new Error('ids ' + seen.map((e) => e.id).join());
    if (seen[0].data !== '0\\nline2' || seen[0].event !== 'tick') throw new Error('fields ' + JSON.stringify(seen[0]));
    for (let i = 1; i < 5; i++) if (!(seen[i].at >= seen[i - 1].at + 15)) throw new Error('times ' + seen.map((e) => e.at).join());
    if (res.status !== 200 || !res.ok || res.body !== '' || s.events !== 5) throw new Error('response ' + res.status + ' ' + s.events);
    if (!(res.timings.duration >= seen[4].at)) throw new Error('the sample ends at the last byte');
    // a slow reader: undici is paused while 256 events wait, then resumed
    const flood = ctx.http.stream('GET', '/events?n=20000&gap=0', { name: 'flood' });
    let n = 0;
    for await (const ev of flood) { if (Number(ev.id) !== n) throw new Error('order at ' + n); if (++n % 2000 === 0) await ctx.sleep(5); }
    if (n !== 20000) throw new Error('flood read ' + n);
    const raw = ctx.http.stream('GET', '/events?n=50&gap=0', { format: 'raw', name: 'raw' });
    let text = '';
    for await (const chunk of raw) text += chunk.data;
    if ((text.match(/event: tick/g) ?? []).length !== 50) throw new Error('raw');
  } });`);
    expect(code, stderr).toBe(0);
    const m = results.metrics;
    expect(m['http_stream_events{name:slow}'].count).toBe(5);
    expect(m['http_stream_event_gap{name:slow}'].count).toBe(4);
    expect(m['http_stream_event_gap{name:slow}'].min).toBeGreaterThan(15);
    expect(m['http_stream_first_event{name:slow}'].count).toBe(1);
    expect(m['http_stream_events{name:flood}'].count).toBe(20000);
    expect(m.http_reqs.count).toBe(3);
    expect(m.http_req_failed.rate).toBe(0);
  });

  it('leaving the loop early aborts the request (not failed, the connection closed)', async () => {
    closedEarly.length = 0;
    const started = Date.now();
    const { code, stderr, results } = await runFile(`import { scenario, burst } from 'rampart';
export default scenario({ name: 's', target: process.env.TARGET, stages: [burst({ vus: 2, iterations: 4 })],
  async iteration(ctx) {
    // 1000 events 20 ms apart would take 20 s
    const s = ctx.http.stream('GET', '/events?n=1000&gap=20');
    let n = 0;
    for await (const ev of s) if (++n === 3) break;
    const res = await s.response;
    if (res.error || !res.ok) throw new Error('an early break is not a failure: ' + JSON.stringify(res.error));
  } });`);
    expect(code, stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(results.metrics.http_req_failed.rate).toBe(0);
    expect(results.metrics.http_reqs.count).toBe(4);
    // the server saw each of the 4 connections close after about 3 events
    await new Promise((r) => setTimeout(r, 200));
    expect(closedEarly).toHaveLength(4);
    for (const i of closedEarly) expect(i).toBeLessThan(50);
  });

  it('the hard stop ends a stream still running: the iteration is interrupted, the run ends on time', async () => {
    const started = Date.now();
    const { code, stderr, results } = await runFile(`import { scenario, soak } from 'rampart';
export default scenario({ name: 's', target: process.env.TARGET, stages: [soak({ vus: 2, for: '500ms' })], gracefulStop: '300ms',
  async iteration(ctx) {
    for await (const ev of ctx.http.stream('GET', '/events?n=1000&gap=20')) { /* 20 s of events */ }
  } });`);
    expect(code, stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(results.metrics.interrupted_iterations.count).toBe(2);
  });

  it("a bad option is the scenario's error, named at its line", async () => {
    const { code, stderr } = await runFile(`import { scenario, burst } from 'rampart';
export default scenario({ name: 's', target: process.env.TARGET, stages: [burst({ vus: 1, iterations: 1 })],
  async iteration(ctx) { for await (const ev of ctx.http.stream('GET', '/events', { format: 'json' })) {} } });`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/format must be 'sse' or 'raw'/);
  });
});

describe('the wire format, judged by the openai package', () => {
  let server: OpenAiStreamServer;
  beforeAll(async () => {
    server = await startOpenAiStreamServer({ ttftMs: 20, itlMs: 5 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("reads the test server's streams, usage and errors as OpenAI's API", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'sim',
      messages: [{ role: 'user', content: 'a b c' }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 tok5 ');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 6 });
    const whole = await client.completions.create({ model: 'sim', prompt: 'x', max_tokens: 2 });
    expect(whole.choices[0].text).toBe('tok0 tok1 ');
    await expect(client.chat.completions.create({ model: 'reject', messages: [] })).rejects.toMatchObject({ status: 400 });
    // an error event mid-stream is an error for the package too
    const broken = await client.chat.completions.create({ model: 'stream-error', messages: [], max_tokens: 6, stream: true });
    await expect(
      (async () => {
        for await (const _ of broken) {
          /* read */
        }
      })(),
    ).rejects.toThrow(/engine died/);
  });
});
