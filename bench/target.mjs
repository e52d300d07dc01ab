// The bench scripts' targets on 127.0.0.1: Debian's nginx (a 2-byte body, keepalive_requests
// 1000000, one worker process, its own config and pid in a temporary folder) and bench/server.mjs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Installs a Debian package when its binary is missing (root needed); true if it is there. */
export function ensure(bin, pkg) {
  if (existsSync(bin)) return true;
  console.error(`installing ${pkg} (apt-get)…`);
  return spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' }).status === 0 && existsSync(bin);
}

/** Starts nginx; returns its URL and stop(). */
export function startNginx() {
  if (!ensure('/usr/sbin/nginx', 'nginx')) throw new Error('nginx is needed: apt-get install -y nginx');
  const dir = mkdtempSync(join(tmpdir(), 'rampart-nginx-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon on; pid ${dir}/nginx.pid; worker_processes 1; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 60s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { default_type text/plain; return 200 'ok'; } } }
`,
  );
  execFileSync('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]);
  return {
    url: `http://127.0.0.1:${port}/`,
    stop() {
      try {
        execFileSync('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-s', 'stop']);
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts bench/server.mjs (node:http) in its own process; returns its URL and the process. */
export async function startNodeServer() {
  const server = spawn(process.execPath, [new URL('server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
  return { url, server };
}
