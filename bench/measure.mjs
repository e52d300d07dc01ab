// What the bench scripts measure with: a median, and a command run under /usr/bin/time.
import { spawn } from 'node:child_process';
import { sampleCpu } from './cpu-sampler.mjs';

/** The median of the finite numbers of `xs` (NaN if none). */
export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : Number.NaN;
}

/**
 * Runs a command under /usr/bin/time; returns its stdout, CPU seconds (user + sys of the whole
 * process) and peak RSS (MB), and its CPU ms between two instants (`cpuBetween`, from /proc
 * samples) for a steady-state figure.
 */
export async function timed(cmd, args, cwd) {
  const child = spawn('/usr/bin/time', ['-f', 'bench-time %U %S %M', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = sampleCpu(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise((resolve) => child.on('close', resolve));
  sampler.stop();
  const endedAt = Date.now();
  const m = /bench-time ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
  if (status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr.slice(-500)}`);
  return { stdout, cpu: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024, endedAt, cpuBetween: sampler.cpuBetween };
}

/** The peers' scenario: a closed soak of `vus` VUs for `seconds`, one GET and one check() per iteration. */
export function closedGetScenario(name, url, vus, seconds) {
  return `import { scenario, soak, check } from 'rampart';
export default scenario({
  name: '${name}', target: '${url}',
  stages: [soak({ vus: ${vus}, for: '${seconds}s' })],
  async iteration(ctx) { check(await ctx.http.get('/'), { 'status is 200': (r) => r.status === 200 }); },
});
`;
}
