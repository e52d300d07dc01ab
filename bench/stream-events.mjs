// The cost of reading a stream: events per second one thread consumes. A child process floods
// OpenAI-style chat chunks (about 230 bytes each, as fast as the socket drains) and three readers
// take one stream of N events each: a bare undici + eventsource-parser loop (the floor),
// ctx.http.stream, and ctx.llm.chat (which also parses each chunk's JSON and times each token).
// node bench/stream-events.mjs [EVENTS] → prints a JSON line per reader. Run after npm run build.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { createParser } from 'eventsource-parser';

const N = Number(process.argv[2] ?? 200_000);
const BIN = fileURLToPath(new URL('../bin/rampart.js', import.meta.url));

const SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  let body = ''; req.on('data', (c) => body += c); req.on('end', () => {
    const n = Number(new URL(req.url, 'http://x').searchParams.get('n') ?? process.argv[1]);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (i) => 'data: ' + JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench',
      choices: [{ index: 0, delta: { content: 'tok' + i + ' ' }, logprobs: null, finish_reason: null }] }) + '\\n\\n';
    let i = 0;
    const pump = () => {
      while (i < n) { if (!res.write(chunk(i++))) return res.once('drain', pump); }
      res.write('data: ' + JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'bench', choices: [], usage: { prompt_tokens: 1, completion_tokens: n, total_tokens: n + 1 } }) + '\\n\\n');
      res.end('data: [DONE]\\n\\n');
    };
    pump();
  });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

const server = spawn(process.execPath, ['-e', SERVER, String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));

async function bare() {
  const agent = new Agent();
  const t0 = performance.now();
  const res = await agent.request({ origin: `http://127.0.0.1:${port}`, path: `/v1/chat/completions?n=${N}`, method: 'POST', body: '{}' });
  let events = 0;
  const parser = createParser({
    onEvent: () => {
      events++;
    },
  });
  const text = new TextDecoder();
  for await (const chunk of res.body) parser.feed(text.decode(chunk, { stream: true }));
  const ms = performance.now() - t0;
  await agent.close();
  return { reader: 'undici + eventsource-parser (floor)', events, ms: Math.round(ms), eventsPerSec: Math.round(events / (ms / 1000)) };
}

function viaRampart(reader, body) {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-stream-bench-'));
  writeFileSync(
    join(dir, 's.ts'),
    `import { scenario, burst } from 'rampart';
export default scenario({ name: 'stream bench', target: 'http://127.0.0.1:${port}', stages: [burst({ vus: 1, iterations: 1 })],
  http: { timeout: '5m' }, llm: { baseURL: 'http://127.0.0.1:${port}/v1' },
  async iteration(ctx) { ${body} } });`,
  );
  const run = spawnSync(process.execPath, [BIN, 'run', 's.ts', '-q', '--workers', '1', '--out', 'json=r.json'], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${reader}: exit ${run.status}\n${run.stderr}`);
  const m = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).metrics;
  const ms = m.http_req_duration.max;
  const events = m.http_stream_events.count;
  return {
    reader,
    events,
    ms: Math.round(ms),
    eventsPerSec: Math.round(events / (ms / 1000)),
    ...(m.llm_output_tokens ? { tokens: m.llm_output_tokens.count } : {}),
  };
}

try {
  console.log(JSON.stringify(await bare()));
  console.log(
    JSON.stringify(
      viaRampart('ctx.http.stream', `let n = 0; for await (const ev of ctx.http.stream('POST', '/v1/chat/completions?n=${N}', { json: {} })) n++;`),
    ),
  );
  console.log(
    JSON.stringify(
      viaRampart(
        'ctx.llm.chat',
        `const r = await ctx.llm.chat({ model: 'bench', messages: [], stream: true }, { name: 'bench' }); if (!r.ok) throw new Error(JSON.stringify(r.error));`,
      ),
    ),
  );
} finally {
  server.kill();
}
