/**
 * Sends an output's batches off the load's path: a bounded queue, one request at a time, a
 * timeout per request, retries with backoff. When the endpoint is down, slow or failing, the
 * queue drops its oldest batch instead of growing, and every sample that could not be sent
 * is counted; the run never waits on it except for a short flush at the end.
 */
export interface SenderOptions {
  /** 'prometheus' | 'influxdb', for messages */
  name: string;
  /** the endpoint as it may be shown (credentials masked) */
  shownUrl: string;
  /** one POST; resolves with the status, rejects on a network error or timeout */
  post(body: Uint8Array | string, signal: AbortSignal): Promise<{ status: number; text: string }>;
  maxQueue?: number;
  timeoutMs?: number;
  /** attempts per batch (first try included) */
  attempts?: number;
  backoffMs?: number;
}

interface Batch {
  body: Uint8Array | string;
  samples: number;
  attempts: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export class OutputSender {
  private readonly queue: Batch[] = [];
  private pumping: Promise<void> | null = null;
  private readonly closing = new AbortController();
  private closed = false;
  samplesQueued = 0;
  samplesSent = 0;
  samplesDropped = 0;
  lastError: string | undefined;
  /** the last attempt failed: the end does not wait long for a dead endpoint */
  failing = false;
  /** when the request now in flight was sent (0: none) */
  private inFlightSince = 0;

  constructor(private readonly o: SenderOptions) {}

  enqueue(body: Uint8Array | string, samples: number): void {
    if (this.closed || samples === 0) return;
    this.samplesQueued += samples;
    this.queue.push({ body, samples, attempts: 0 });
    while (this.queue.length > (this.o.maxQueue ?? 60)) this.samplesDropped += this.queue.shift()!.samples;
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    const attempts = this.o.attempts ?? 4;
    while (this.queue.length && !this.closing.signal.aborted) {
      const batch = this.queue[0];
      batch.attempts++;
      const ok = await this.postOnce(batch);
      if (this.queue[0] !== batch) continue; // dropped from the queue while in flight
      if (ok === 'sent' || ok === 'rejected' || batch.attempts >= attempts) {
        this.queue.shift();
        if (ok === 'sent') this.samplesSent += batch.samples;
        else this.samplesDropped += batch.samples;
        continue;
      }
      await sleep((this.o.backoffMs ?? 250) * 2 ** (batch.attempts - 1), this.closing.signal);
    }
  }

  /** 'retry' for what may pass later (network, timeout, 5xx, 429); 'rejected' for a 4xx that never will */
  private async postOnce(batch: Batch): Promise<'sent' | 'retry' | 'rejected'> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs ?? 5000), this.closing.signal]);
    this.inFlightSince = Date.now();
    try {
      const res = await this.o.post(batch.body, signal);
      if (res.status >= 200 && res.status < 300) {
        this.failing = false;
        return 'sent';
      }
      this.failing = true;
      this.lastError = `HTTP ${res.status}${res.text ? `: ${res.text.split('\n')[0].slice(0, 160)}` : ''}`;
      return res.status >= 500 || res.status === 429 ? 'retry' : 'rejected';
    } catch (err) {
      this.failing = true;
      const e = err as Error & { cause?: { code?: string; errors?: { code?: string }[] } };
      // cut short by the end: the reason worth saying is the one before
      if (this.closing.signal.aborted) this.lastError ??= 'still sending when the run ended';
      else
        this.lastError =
          e.name === 'TimeoutError'
            ? `no answer within ${(this.o.timeoutMs ?? 5000) / 1000}s`
            : (e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.message);
      return 'retry';
    } finally {
      this.inFlightSince = 0;
    }
  }

  /**
   * Sends what is queued within `graceMs` (an endpoint that failed or has not answered for a
   * second gets half a second), then gives up and counts the rest as not sent.
   */
  async close(graceMs = 3000): Promise<void> {
    this.closed = true;
    const stuck = this.inFlightSince > 0 && Date.now() - this.inFlightSince > 1000;
    const deadline = this.failing || stuck ? Math.min(graceMs, 500) : graceMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.pumping ?? Promise.resolve(),
      new Promise<void>((r) => {
        timer = setTimeout(r, deadline);
      }),
    ]);
    clearTimeout(timer);
    this.closing.abort();
    await this.pumping;
    for (const batch of this.queue.splice(0)) this.samplesDropped += batch.samples;
  }

  /** The line said at the end when samples were lost, or null. */
  lossReport(): string | null {
    if (!this.samplesDropped) return null;
    return `rampart: ${this.o.name}: ${this.samplesDropped.toLocaleString('en-US')} of ${this.samplesQueued.toLocaleString('en-US')} samples not sent to ${this.o.shownUrl}${this.lastError ? ` (${this.lastError})` : ''}; the run itself is unaffected`;
  }
}
