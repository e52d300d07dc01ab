import { parseDuration } from '../duration.js';

/** Validation helpers shared by the stage configs; every message names the field. */
export class StageFieldError extends Error {}

export type RawStage = Record<string, unknown>;

export function onlyFields(raw: RawStage, where: string, allowed: string[]): void {
  for (const key of Object.keys(raw)) {
    if (key === 'kind') continue;
    if (!allowed.includes(key)) {
      throw new StageFieldError(`${where}: unknown field '${key}' (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function has(raw: RawStage, field: string): boolean {
  return raw[field] !== undefined;
}

export function count(raw: RawStage, where: string, field: string, min: number): number {
  const value = raw[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new StageFieldError(`${where}: '${field}' must be a whole number ≥ ${min}, got ${show(value)}`);
  }
  return value;
}

export function rate(raw: RawStage, where: string, field: string): number {
  const value = raw[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StageFieldError(`${where}: '${field}' must be a number of iterations per second ≥ 0, got ${show(value)}`);
  }
  return value;
}

export function duration(raw: RawStage, where: string, field: string, allowZero = false): number {
  const ms = parseDuration(raw[field] as string | number);
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new StageFieldError(
      `${where}: '${field}' must be a ${allowZero ? '' : 'positive '}duration such as '30s' or 250 (ms), got ${show(raw[field])}`,
    );
  }
  return ms;
}

/** Closed (vus/to) or open (rate): never both; open needs maxVUs. */
export function model(raw: RawStage, where: string, closedField: 'vus' | 'to'): 'closed' | 'open' {
  const closed = has(raw, closedField) || has(raw, 'vus');
  const open = has(raw, 'rate');
  if (closed && open) {
    throw new StageFieldError(`${where}: use either '${closedField}' (closed model, VUs) or 'rate' (open model, iterations/s), not both`);
  }
  if (open && !has(raw, 'maxVUs')) {
    throw new StageFieldError(`${where}: 'maxVUs' is required with 'rate' (it bounds the iterations in flight)`);
  }
  if (!closed && !open) {
    throw new StageFieldError(`${where}: needs '${closedField}' (closed model, VUs) or 'rate' with 'maxVUs' (open model)`);
  }
  return open ? 'open' : 'closed';
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || value === null || value === undefined) return String(value);
  return JSON.stringify(value);
}
