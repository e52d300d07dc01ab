// The simulator in openai mode, read by the official `openai` npm client (the judge of the
// wire format) and by plain undici for timings and ground-truth headers. Timings are
// asserted as generous ratios: the machine is a busy 2-core box.

import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { request } from 'undici';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/index.js';
import { decodeStepMs } from '../simulator/openai.js';
import { estimateTokens } from '../simulator/openai-body.js';
import { spawn } from 'node:child_process';
import { rampart, RAMPART_BIN } from './support/cli.js';

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(opts: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator({ mode: 'openai', seed: 5, ...opts });
  running.push(s);
  return s;
}

function client(s: Simulator): OpenAI {
  return new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sk-test', maxRetries: 0, timeout: 20_000 });
}

interface StreamTiming {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  trailers: Record<string, string | string[] | undefined>;
  /** ms from sending to each token event */
  arrivals: number[];
  text: string;
}

/** One streamed chat request read event by event with undici, each token's arrival time noted. */
async function timedStream(s: Simulator, maxTokens: number, content = 'hello there'): Promise<StreamTiming> {
  const t0 = performance.now();
  const res = await request(`${s.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], max_tokens: maxTokens, stream: true }),
  });
  const arrivals: number[] = [];
  let text = '';
  let buffer = '';
  for await (const chunk of res.body) {
    const now = performance.now() - t0;
    buffer += chunk.toString();
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut).replace(/^data: /, '');
      buffer = buffer.slice(cut + 2);
      if (event === '[DONE]') continue;
      const content = JSON.parse(event).choices[0]?.delta?.content;
      if (typeof content === 'string' && content !== '') {
        arrivals.push(now);
        text += content;
      }
    }
  }
  return { status: res.statusCode, headers: res.headers, trailers: res.trailers, arrivals, text };
}

const meanGap = (t: StreamTiming[]): number => {
  const gaps = t.flatMap((x) => x.arrivals.slice(1).map((a, i) => a - x.arrivals[i]));
  return gaps.reduce((a, b) => a + b, 0) / gaps.length;
};

describe('simulator openai mode', () => {
  it('speaks the protocol the official openai client reads: models, chat and completions, streamed and not', async () => {
    const s = await sim({ minWorkers: 1, decodeMs: 2, decodeMsPerSeq: 0, prefillMsPerToken: 0.01 });
    const ai = client(s);
    const models = await ai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['rampart-sim']);

    const messages = [{ role: 'user' as const, content: 'Say something about load tests, please.' }];
    const chat = await ai.chat.completions.create({ model: 'llama', messages, max_tokens: 12 });
    expect(chat.object).toBe('chat.completion');
    expect(chat.model).toBe('llama');
    expect(chat.choices[0].finish_reason).toBe('length');
    expect(chat.choices[0].message.content!.trim().split(' ')).toHaveLength(12);
    expect(chat.usage).toEqual({
      prompt_tokens: estimateTokens(messages[0].content),
      completion_tokens: 12,
      total_tokens: estimateTokens(messages[0].content) + 12,
    });

    const stream = await ai.chat.completions.create({
      model: 'llama',
      messages,
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        contentChunks++;
        text += delta;
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBe(20);
    expect(text.trim().split(' ')).toHaveLength(20);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(20);

    const completion = await ai.completions.create({ model: 'llama', prompt: 'x'.repeat(400), max_tokens: 5 });
    expect(completion.object).toBe('text_completion');
    expect(completion.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 5 });
    const streamed = await ai.completions.create({ model: 'llama', prompt: ['a', 'b'], max_tokens: 7, stream: true });
    let pieces = 0;
    for await (const chunk of streamed) if (chunk.choices[0]?.text) pieces++;
    expect(pieces).toBe(7);

    // no max_tokens: the length is drawn from outputTokens, and usage says how many
    const drawn = await ai.chat.completions.create({ model: 'llama', messages });
    expect(drawn.choices[0].finish_reason).toBe('stop');
    expect(drawn.usage!.completion_tokens).toBeGreaterThanOrEqual(128);
    expect(drawn.usage!.completion_tokens).toBeLessThanOrEqual(256);

    // a refused body is OpenAI's error object, which the client raises as a BadRequestError
    await expect(ai.chat.completions.create({ model: 'llama', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
    expect(s.stats().llm).toMatchObject({ completions: 5, streams: 2, invalid: 1, outputTokens: 12 + 20 + 5 + 7 + drawn.usage!.completion_tokens });
  }, 30_000);

  it('ground truth: TTFT is the prefill of the input tokens, the token gap is the decode step; both as the client sees them', async () => {
    // 4,000 input tokens × 0.05 ms = 200 ms of prefill; a lone sequence decodes a token every 20 ms
    const s = await sim({ minWorkers: 1, prefillMsPerToken: 0.05, decodeMs: 20, decodeMsPerSeq: 5 });
    const t = await timedStream(s, 15, 'y'.repeat(16_000));
    expect(t.status).toBe(200);
    expect(t.arrivals).toHaveLength(15);
    expect(t.headers['x-sim-input-tokens']).toBe('4000');
    expect(t.headers['x-sim-output-tokens']).toBe('15');
    expect(t.headers['x-sim-prefill-ms']).toBe('200');
    expect(t.headers['x-sim-cold']).toBe('0');
    const ttftTruth = Number(t.trailers['x-sim-ttft-ms']);
    const tpotTruth = Number(t.trailers['x-sim-tpot-ms']);
    expect(ttftTruth).toBeGreaterThanOrEqual(199);
    expect(ttftTruth).toBeLessThan(200 * 1.5);
    expect(tpotTruth).toBeGreaterThanOrEqual(19.5);
    expect(tpotTruth).toBeLessThan(20 * 1.5);
    // what the client measured is the truth plus the loopback's few ms
    expect(t.arrivals[0]).toBeGreaterThanOrEqual(ttftTruth - 1);
    expect(t.arrivals[0]).toBeLessThan(ttftTruth + 50);
    expect(meanGap([t])).toBeGreaterThan(tpotTruth * 0.7);
    expect(meanGap([t])).toBeLessThan(tpotTruth * 1.5);
  }, 20_000);

  it('time-scaled: --time-scale 0.1 turns a 200 ms decode step into 20 ms of real time, reported in real ms', async () => {
    const s = await sim({ minWorkers: 1, decodeMs: 200, decodeMsPerSeq: 0, prefillMsPerToken: 2, timeScale: 0.1 });
    const t = await timedStream(s, 10, 'z'.repeat(400)); // 100 tokens × 2 ms = 200 ms of prefill → 20 ms real
    expect(t.headers['x-sim-prefill-ms']).toBe('20');
    const tpot = Number(t.trailers['x-sim-tpot-ms']);
    expect(tpot).toBeGreaterThanOrEqual(19.5);
    expect(tpot).toBeLessThan(20 * 1.5);
    expect(t.arrivals[9]).toBeLessThan(1000); // 2 s of simulated time
  }, 20_000);

  it('continuous batching: ITL at 32 concurrent streams is well above ITL at 1, as decode step = decodeMs + perSeq × (batch − 1)', async () => {
    const opts = { minWorkers: 1, maxWorkers: 1, maxBatch: 32, decodeMs: 8, decodeMsPerSeq: 1, prefillMsPerToken: 0 };
    const s = await sim(opts);
    const alone = [await timedStream(s, 20), await timedStream(s, 20)];
    const crowd = await Promise.all(Array.from({ length: 32 }, () => timedStream(s, 20)));
    expect(crowd.every((c) => c.arrivals.length === 20 && c.status === 200)).toBe(true);
    const itl1 = meanGap(alone);
    const itl32 = meanGap(crowd);
    // expected 8 ms vs 39 ms; a generous 2× leaves room for the box's noise
    expect(decodeStepMs(opts, 32) / decodeStepMs(opts, 1)).toBeGreaterThan(4);
    expect(itl32).toBeGreaterThan(itl1 * 2);
    // all 32 fit in one batch: nobody waited in the queue
    expect(crowd.every((c) => Number(c.headers['x-sim-queue-ms']) < 100)).toBe(true);
  }, 30_000);

  it('beyond maxBatch sequences wait in the balancer queue; a client that leaves mid-stream frees its slot', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 1, maxBatch: 4, decodeMs: 10, decodeMsPerSeq: 0, prefillMsPerToken: 0 });
    const eight = await Promise.all(Array.from({ length: 8 }, () => timedStream(s, 20)));
    const queued = eight.map((e) => Number(e.headers['x-sim-queue-ms'])).sort((a, b) => a - b);
    // the first 4 start at once; the next 4 wait for a whole sequence (20 tokens × 10 ms)
    expect(queued.slice(0, 4).every((q) => q < 60)).toBe(true);
    expect(queued.slice(4).every((q) => q >= 150)).toBe(true);

    // four streams that the client abandons after the first token free the batch at once
    const ai = client(s);
    for (let i = 0; i < 4; i++) {
      const stream = await ai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000, stream: true });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) break;
    }
    const deadline = performance.now() + 3000;
    while (s.stats().llm!.abandoned < 4 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.stats().llm!.abandoned).toBe(4);
    const next = await timedStream(s, 3);
    expect(Number(next.headers['x-sim-queue-ms'])).toBeLessThan(60);
  }, 30_000);

  it('cold starts and scaling as in lb mode: the first sequence of a cold-started worker is cold, its TTFT holds the cold start', async () => {
    const s = await sim({ minWorkers: 0, maxWorkers: 2, maxBatch: 2, coldStartMs: [300, 300], decodeMs: 5, prefillMsPerToken: 0 });
    const three = await Promise.all([0, 1, 2].map(() => timedStream(s, 5)));
    expect(three.every((t) => t.status === 200 && t.arrivals.length === 5)).toBe(true);
    // 3 sequences / 2 per worker → the request-count scaler starts 2 workers
    expect(s.stats().workersStarted).toBe(2);
    const cold = three.filter((t) => t.headers['x-sim-cold'] === '1');
    expect(cold).toHaveLength(2);
    for (const t of cold) expect(t.arrivals[0]).toBeGreaterThanOrEqual(295);
  }, 20_000);

  it('a queue timeout is the balancer 400; a sequence past request-max is cut mid-stream', async () => {
    const s = await sim({ minWorkers: 1, maxWorkers: 1, maxBatch: 1, decodeMs: 20, prefillMsPerToken: 0, queueTimeoutMs: 100, requestMaxMs: 250 });
    const [first, second] = await Promise.allSettled([timedStream(s, 50), timedStream(s, 5)]);
    // the first streams ~12 tokens, then the balancer cuts the socket; the second never got a worker
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('fulfilled');
    expect((second as PromiseFulfilledResult<StreamTiming>).value.status).toBe(400);
    expect(s.stats().requests).toMatchObject({ queueTimeouts: 1, cut524: 1 });
  }, 20_000);

  it('rampart simulate --mode openai runs as a process; a bad openai flag names itself (exit 2)', async () => {
    const child = spawn(
      process.execPath,
      [RAMPART_BIN, 'simulate', '--mode', 'openai', '--port', '0', '--min-workers', '1', '--model', 'tiny', '--decode', '1ms'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /simulator listening on (http:\/\/\S+)\n/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
        setTimeout(() => reject(new Error('no listening line')), 15_000);
      });
      const ai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
      expect((await ai.models.list()).data[0].id).toBe('tiny');
      const answer = await ai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 });
      expect(answer.usage?.completion_tokens).toBe(3);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }

    const bad = await rampart(['simulate', '--mode', 'openai', '--max-batch', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-batch');
    const badRange = await rampart(['simulate', '--mode', 'openai', '--output-tokens', '9..3']);
    expect(badRange.code).toBe(2);
    expect(badRange.stderr).toContain('--output-tokens');
  }, 30_000);
});
