import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible server with known timing, for the client half of issue 13 until
 * (and beside) the simulator's --mode openai. POST /v1/chat/completions and /v1/completions,
 * streamed (data: {json}\n\n ... data: [DONE]) or not, with `stream_options.include_usage`.
 *
 * Timing, per request: the role chunk goes out at once, the first content token after
 * `ttftMs`, token i (0-based) at ttftMs + i * itlMs, each in its own chunk, scheduled from the
 * request's arrival (no drift). Output tokens = max_tokens (or max_completion_tokens), default 8;
 * input tokens = the words of the prompt or the messages' contents.
 *
 * The model name picks a fault: 'cut' closes the socket after 3 tokens, 'malformed' sends a
 * data line that is not JSON as the 3rd event, 'reject' answers 400 with an OpenAI error body,
 * 'no-usage' ignores include_usage, 'stream-error' sends an error object as the 3rd event.
 */
export interface OpenAiStreamServer {
  url: string;
  /** requests received, by path */
  requests: { path: string; body: Record<string, any>; authorization?: string }[];
  /** sockets currently open (to see that nothing leaks) */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startOpenAiStreamServer(opts: { ttftMs?: number; itlMs?: number } = {}): Promise<OpenAiStreamServer> {
  const ttftMs = opts.ttftMs ?? 50;
  const itlMs = opts.itlMs ?? 10;
  const requests: OpenAiStreamServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => handle(req, res, raw));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function later(fn: () => void, at: number): void {
    const t = setTimeout(
      () => {
        timers.delete(t);
        fn();
      },
      Math.max(0, at - performance.now()),
    );
    timers.add(t);
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const arrived = performance.now();
    const path = (req.url ?? '').split('?')[0];
    let body: Record<string, any> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      /* answered below */
    }
    requests.push({ path, body, authorization: req.headers.authorization });
    if (path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'sim', object: 'model', created: 0, owned_by: 'test' }] });
    const chat = path === '/v1/chat/completions';
    if (!chat && path !== '/v1/completions') return json(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    if (body.model === 'reject' || !body.model) {
      return json(res, 400, { error: { message: 'model is required', type: 'invalid_request_error', param: 'model', code: null } });
    }
    const model = String(body.model);
    const n = Number(body.max_completion_tokens ?? body.max_tokens ?? 8);
    const input = chat ? (body.messages ?? []).map((m: { content?: unknown }) => String(m.content ?? '')).join(' ') : String(body.prompt ?? '');
    const usage = { prompt_tokens: input.split(/\s+/).filter(Boolean).length, completion_tokens: n, total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `cmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const token = (i: number) => `tok${i} `;
    const object = chat ? 'chat.completion.chunk' : 'text_completion';
    const chunk = (i: number | null, finish: string | null, role = false) => ({
      id,
      object,
      created,
      model,
      choices: [
        chat
          ? {
              index: 0,
              delta: role ? { role: 'assistant', content: '' } : { content: i === null ? '' : token(i) },
              logprobs: null,
              finish_reason: finish,
            }
          : { index: 0, text: i === null ? '' : token(i), logprobs: null, finish_reason: finish },
      ],
    });

    if (!body.stream) {
      const text = Array.from({ length: n }, (_, i) => token(i)).join('');
      later(
        () =>
          json(res, 200, {
            id,
            object: chat ? 'chat.completion' : 'text_completion',
            created,
            model,
            choices: [
              chat
                ? { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'length' }
                : { index: 0, text, logprobs: null, finish_reason: 'length' },
            ],
            usage,
          }),
        arrived + ttftMs + (n - 1) * itlMs,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    if (chat) send(chunk(null, null, true));
    for (let i = 0; i < n; i++) {
      later(
        () => {
          if (res.destroyed) return;
          if (i === 3 && model === 'cut') return req.socket.destroy();
          if (i === 2 && model === 'malformed') res.write('data: {"id": "oops", "choices": [\n\n');
          if (i === 2 && model === 'stream-error') {
            send({ error: { message: 'the engine died', type: 'internal_error', code: 500 } });
            return res.end();
          }
          send(chunk(i, i === n - 1 ? 'length' : null));
          if (i < n - 1) return;
          if (body.stream_options?.include_usage && model !== 'no-usage') send({ id, object, created, model, choices: [], usage });
          send('[DONE]');
          res.end();
        },
        arrived + ttftMs + i * itlMs,
      );
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openSockets: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
