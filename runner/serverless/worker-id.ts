import type { Response } from '../../scenarios/types.js';
import type { ResolvedServerless } from './options.js';

/** The worker that served a response: the configured header first, then the JSON body field. */
export function workerOf(res: Response, body: Record<string, unknown> | undefined, cfg: ResolvedServerless): string | undefined {
  if (cfg.workerHeader) {
    const v = res.headers[cfg.workerHeader];
    const id = Array.isArray(v) ? v[0] : v;
    if (id) return id;
  }
  if (cfg.workerField && body) {
    const id = body[cfg.workerField];
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}
