// A process's CPU time over its run, sampled from /proc (Linux): what a run spends per request
// once it is going, without its start-up and exit (CPU of every thread: JIT and GC helpers too).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU ms of every thread of `pid` so far; NaN once it has exited. */
function cpuMs(pid) {
  let ticks = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    }
  } catch {
    return Number.NaN;
  }
  return ticks * TICK_MS;
}

/** The first child of `pid` (the command /usr/bin/time runs), or undefined. */
function childOf(pid) {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples the CPU time of the process /usr/bin/time (pid `timePid`) runs, every 50 ms, until
 * stop(); cpuBetween(from, to) is its CPU ms between two epoch ms (the samples nearest after).
 */
export function sampleCpu(timePid) {
  const samples = [];
  let pid;
  const timer = setInterval(() => {
    pid ??= childOf(timePid);
    if (pid === undefined) return;
    const ms = cpuMs(pid);
    if (Number.isFinite(ms)) samples.push([Date.now(), ms]);
  }, 50);
  const at = (t) => samples.find(([when]) => when >= t)?.[1] ?? Number.NaN;
  return {
    stop: () => clearInterval(timer),
    cpuBetween: (from, to) => at(to) - at(from),
  };
}
