import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './nginx.js';

export interface Httpbin {
  url: string;
  stop(): Promise<void>;
}

const START =
  "from httpbin import app; from werkzeug.serving import run_simple; import sys; run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)";

/** Debian's httpbin (python3-httpbin) on a free loopback port; resolves once it answers. */
export async function startHttpbin(): Promise<Httpbin> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', START, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`httpbin exited (${child.exitCode}): ${stderr.slice(-500)}`);
    try {
      const res = await fetch(`${url}/get`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`httpbin did not answer within 20 s: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
