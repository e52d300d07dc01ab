import type { Agent } from 'undici';

/**
 * Samples the endpoint's health route (RunPod /health) every `everyMs` while the load runs,
 * outside the run's metrics, and flattens its numbers into timeline gauges:
 * { workers: { idle: 1 }, jobs: { inQueue: 3 } } → { workers_idle: 1, jobs_in_queue: 3 }.
 *
 * A sample belongs to the time its answer arrived: a timeline point gets the last sample taken
 * within its own interval, or none (never an older one carried forward: a queue of 6 seen at
 * 2.0 s says nothing about 2.7 s). Samples are taken half a period after each tick so that,
 * when `everyMs` equals the timeline interval, each interval gets one.
 */
export class HealthMonitor {
  /** undici's full API, loaded when a monitor starts (a run without one does not pay its memory) */
  private agent: Agent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  /** samples not handed out yet, oldest first, with when they arrived (ms since start()) */
  private pending: Array<{ at: number; values: Record<string, number> }> = [];
  /** the end of the last interval a sample was handed out for, ms since start() */
  private handedUpTo = 0;
  private stopped = false;
  failures = 0;
  samples = 0;

  constructor(
    private readonly url: string,
    private readonly everyMs: number,
    private readonly headers: Record<string, string>,
  ) {}

  /** Call when the run's clock starts: timeline times are measured from here. */
  start(): void {
    this.startedAt = performance.now();
    const undici = import('undici');
    const sample = async () => {
      try {
        const { Agent, request } = await undici;
        this.agent ??= new Agent({ connections: 1 });
        const res = await request(this.url, {
          dispatcher: this.agent,
          headers: this.headers,
          signal: AbortSignal.timeout(Math.max(1000, this.everyMs)),
        });
        const body = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        const values = flattenNumbers(JSON.parse(body));
        this.pending.push({ at: performance.now() - this.startedAt, values });
        this.samples++;
      } catch {
        this.failures++;
      }
    };
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      void sample();
      this.timer = setInterval(() => void sample(), this.everyMs);
    }, this.everyMs / 2);
  }

  /**
   * The sample taken within the interval (previous call's t, tMs], ms since start(), or null.
   * Called once per timeline point, in order.
   */
  sampleFor(tMs: number): Record<string, number> | null {
    const from = this.handedUpTo;
    this.handedUpTo = Math.max(from, tMs);
    const inInterval = this.pending.filter((p) => p.at > from && p.at <= tMs);
    this.pending = this.pending.filter((p) => p.at > tMs); // later ones belong to the next points
    return inInterval.at(-1)?.values ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.agent?.close().catch(() => {});
  }
}

export function flattenNumbers(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number' && Number.isFinite(value) && prefix) out[prefix] = value;
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenNumbers(v, prefix ? `${prefix}_${snake(k)}` : snake(k), out);
  }
  return out;
}

function snake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}
