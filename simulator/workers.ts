// The worker pool: workers with a lifecycle (initializing → idle ⇄ running → released),
// the FIFO queue that both the load balancer and the job queue put work into, and the
// scaler that decides when to cold-start more workers.

import type { Clock, TimerHandle } from './clock.js';
import type { ResolvedOptions } from './options.js';
import { drawRange, token, type RandomStreams } from './random.js';

export type WorkerState = 'initializing' | 'idle' | 'running';

export interface Worker {
  id: string;
  state: WorkerState;
  /** Min workers exist warm at t=0; they are never cold. */
  prewarmed: boolean;
  /** Requests/jobs this worker has taken so far. */
  served: number;
  /** Items in progress on it now: at most 1, or the batch limit in openai mode. */
  active: number;
  /** Simulated cold-start duration drawn for this worker (0 for pre-warmed ones). */
  coldStartMs: number;
  createdAt: number;
  readyAt?: number;
  idleTimer?: TimerHandle;
  initTimer?: TimerHandle;
}

export interface Assignment {
  worker: Worker;
  /** First request/job of a worker the scaler cold-started during this run. */
  cold: boolean;
  /** Simulated execution time drawn for this piece of work. */
  execMs: number;
}

/** A request (lb) or job (queue) waiting for a worker. */
export interface WorkItem {
  /** Real ms (clock.now()) when it entered the queue. */
  enqueuedAt: number;
  /** Worker id this item must run on (affinity). */
  pinnedTo?: string;
  /** Called once when a worker takes the item; the owner calls pool.finish(worker) when done. */
  start(assignment: Assignment): void;
}

export interface PoolStats {
  workersStarted: number;
  workersReleased: number;
  workerIds: string[];
  coldStartDrawsMs: number[];
  execDrawsMs: number[];
}

export class WorkerPool {
  readonly workers = new Map<string, Worker>();
  readonly queue: WorkItem[] = [];
  private readonly stats: PoolStats = {
    workersStarted: 0,
    workersReleased: 0,
    workerIds: [],
    coldStartDrawsMs: [],
    execDrawsMs: [],
  };
  private nextIndex = 1;
  private lastScaleUpAt = -Infinity;
  private scalerTimer?: TimerHandle;
  private closed = false;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly clock: Clock,
    private readonly rng: RandomStreams,
  ) {
    for (let i = 0; i < opts.minWorkers; i++) this.addWorker(true);
  }

  enqueue(item: WorkItem): void {
    // An affinity header naming a worker that is gone falls back to any worker.
    if (item.pinnedTo !== undefined && !this.workers.has(item.pinnedTo)) item.pinnedTo = undefined;
    this.queue.push(item);
    this.dispatch();
    this.scale();
  }

  /** Take an item out of the queue (timed out, cancelled, client gone). */
  remove(item: WorkItem): boolean {
    const i = this.queue.indexOf(item);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** One item on `worker` is done: a worker with nothing left becomes idle; either way it takes the next item. */
  finish(worker: Worker): void {
    if (this.closed || !this.workers.has(worker.id) || worker.state !== 'running') return;
    worker.active--;
    if (worker.active === 0) worker.state = 'idle';
    this.dispatch();
    if (worker.state === 'idle') this.armIdleTimer(worker);
    this.scale();
  }

  /** Workers by state; `inProgress` counts items on workers (equal to `running` unless workers batch). */
  counts(): { initializing: number; idle: number; running: number; total: number; inProgress: number } {
    let initializing = 0;
    let idle = 0;
    let running = 0;
    let inProgress = 0;
    for (const w of this.workers.values()) {
      if (w.state === 'initializing') initializing++;
      else if (w.state === 'idle') idle++;
      else running++;
      inProgress += w.active;
    }
    return { initializing, idle, running, total: this.workers.size, inProgress };
  }

  snapshot(): PoolStats {
    return {
      ...this.stats,
      workerIds: [...this.stats.workerIds],
      coldStartDrawsMs: [...this.stats.coldStartDrawsMs],
      execDrawsMs: [...this.stats.execDrawsMs],
    };
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    // The clock clears every timer; nothing else to undo here.
  }

  private addWorker(prewarmed: boolean): Worker {
    const index = this.nextIndex++;
    const worker: Worker = {
      id: `wkr-${index}-${token(this.rng.ids, 6)}`,
      state: prewarmed ? 'idle' : 'initializing',
      prewarmed,
      served: 0,
      active: 0,
      coldStartMs: 0,
      createdAt: this.clock.now(),
    };
    this.workers.set(worker.id, worker);
    this.stats.workerIds.push(worker.id);
    if (prewarmed) {
      worker.readyAt = worker.createdAt;
      this.armIdleTimer(worker);
      return worker;
    }
    worker.coldStartMs = drawRange(this.rng.coldStart, this.opts.coldStartMs);
    this.stats.workersStarted++;
    this.stats.coldStartDrawsMs.push(worker.coldStartMs);
    worker.initTimer = this.clock.after(worker.coldStartMs, () => {
      worker.initTimer = undefined;
      worker.state = 'idle';
      worker.readyAt = this.clock.now();
      this.dispatch();
      if (worker.state === 'idle') this.armIdleTimer(worker);
      this.scale();
    });
    return worker;
  }

  /** Released after idleTimeoutMs idle, but the pool never shrinks below minWorkers. */
  private armIdleTimer(worker: Worker): void {
    this.clock.cancel(worker.idleTimer);
    worker.idleTimer = this.clock.after(this.opts.idleTimeoutMs, () => {
      worker.idleTimer = undefined;
      if (worker.state !== 'idle' || this.workers.size <= this.opts.minWorkers) return;
      this.workers.delete(worker.id);
      this.stats.workersReleased++;
      this.scale(); // a queue-delay scaler held back at maxWorkers may add one now
    });
  }

  /** FIFO: each queued item, oldest first, goes to its pinned worker or the longest-known idle one. */
  private dispatch(): void {
    if (this.closed) return;
    for (let i = 0; i < this.queue.length; ) {
      const item = this.queue[i];
      const worker = this.idleWorkerFor(item);
      if (!worker) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.assign(worker, item);
    }
  }

  /** A ready worker with a free slot: the pinned one, else the least loaded (the first idle one when workers do not batch). */
  private idleWorkerFor(item: WorkItem): Worker | undefined {
    const free = (w: Worker) => w.state !== 'initializing' && w.active < this.capacity;
    if (item.pinnedTo !== undefined) {
      const pinned = this.workers.get(item.pinnedTo);
      if (pinned) return free(pinned) ? pinned : undefined;
      item.pinnedTo = undefined; // the pinned worker was released meanwhile
    }
    let best: Worker | undefined;
    for (const w of this.workers.values()) if (free(w) && (!best || w.active < best.active)) best = w;
    return best;
  }

  /** Items one worker runs at once: the batch limit in openai mode, else one. */
  private get capacity(): number {
    return this.opts.mode === 'openai' ? this.opts.maxBatch : 1;
  }

  private assign(worker: Worker, item: WorkItem): void {
    this.clock.cancel(worker.idleTimer);
    worker.idleTimer = undefined;
    worker.state = 'running';
    worker.active++;
    const cold = !worker.prewarmed && worker.served === 0;
    worker.served++;
    const execMs = drawRange(this.rng.exec, this.opts.execMs);
    this.stats.execDrawsMs.push(execMs);
    item.start({ worker, cold, execMs });
  }

  private scale(): void {
    if (this.closed) return;
    if (this.opts.scaler === 'request-count') this.scaleByRequestCount();
    else this.scaleByQueueDelay();
  }

  /** desired = ceil((in queue + in progress) / requestsPerWorker), clamped to [min, max]. */
  private scaleByRequestCount(): void {
    const { inProgress, total } = this.counts();
    const wanted = Math.ceil((this.queue.length + inProgress) / this.opts.requestsPerWorker);
    const desired = Math.min(this.opts.maxWorkers, Math.max(this.opts.minWorkers, wanted));
    for (let n = total; n < desired; n++) this.addWorker(false);
  }

  /** Add one worker when the oldest queued item has waited longer than the delay; at most one per delay. */
  private scaleByQueueDelay(): void {
    this.clock.cancel(this.scalerTimer);
    this.scalerTimer = undefined;
    if (this.queue.length === 0) return;
    const delay = this.clock.real(this.opts.scalerQueueDelayMs);
    const now = this.clock.now();
    const oldest = this.queue.reduce((min, q) => Math.min(min, q.enqueuedAt), Infinity);
    const dueAt = Math.max(oldest + delay, this.lastScaleUpAt + delay);
    if (now >= dueAt) {
      if (this.workers.size >= this.opts.maxWorkers) return; // re-evaluated when the pool changes
      this.addWorker(false);
      this.lastScaleUpAt = now;
      this.scaleByQueueDelay();
      return;
    }
    this.scalerTimer = this.clock.afterReal(dueAt - now, () => this.scale());
  }
}
