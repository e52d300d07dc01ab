import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const NGINX_BIN = '/usr/sbin/nginx';

export interface NginxProxy {
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Debian's nginx as a reverse proxy on 127.0.0.1 in front of `upstream`, configured in a temp
 * folder (pid, logs and temp paths there too). With `readTimeout` '1s' it answers 504 when the
 * upstream takes longer: a real gateway timeout.
 */
export async function startNginxProxy(upstream: string, readTimeout = '1s'): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-nginx-'));
  const port = await freePort();
  const pidFile = join(dir, 'nginx.pid');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon on;
pid ${pidFile};
worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout ${readTimeout};
    }
  }
}
`,
  );
  // -e: the startup error log goes to the temp folder too, not /var/log/nginx
  await promisify(execFile)(NGINX_BIN, ['-e', join(dir, 'error.log'), '-c', conf], { timeout: 10_000 });
  const deadline = Date.now() + 5000;
  while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      try {
        process.kill(pid, 'SIGQUIT'); // graceful stop of the master this helper started
      } catch {
        return; // already gone
      }
      const until = Date.now() + 5000;
      while (existsSync(pidFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
