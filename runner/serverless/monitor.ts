import { Agent, request } from 'undici';

/**
 * Samples the endpoint's health route (RunPod /health) every `everyMs` while the load runs,
 * outside the run's metrics, and flattens its numbers into timeline gauges:
 * { workers: { idle: 1 }, jobs: { inQueue: 3 } } → { workers_idle: 1, jobs_in_queue: 3 }.
 */
export class HealthMonitor {
  private readonly agent = new Agent({ connections: 1 });
  private timer: NodeJS.Timeout | undefined;
  private values: Record<string, number> = {};
  failures = 0;
  samples = 0;

  constructor(private readonly url: string, private readonly everyMs: number, private readonly headers: Record<string, string>) {}

  start(): void {
    const sample = async () => {
      try {
        const res = await request(this.url, { dispatcher: this.agent, headers: this.headers, signal: AbortSignal.timeout(Math.max(1000, this.everyMs)) });
        const body = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        this.values = flattenNumbers(JSON.parse(body));
        this.samples++;
      } catch {
        this.failures++;
      }
    };
    void sample();
    this.timer = setInterval(() => void sample(), this.everyMs);
  }

  latest(): Record<string, number> {
    return this.values;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.agent.close().catch(() => {});
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
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
}
