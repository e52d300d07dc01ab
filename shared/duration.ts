// The one duration parser and formatter, for the runner, the reporters and the simulator.
// shared/ imports nothing, so every folder may import it (docs/architecture.md).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const PART = new RegExp(`(${NUMBER})(ms|s|m|h)`, 'g');
const BARE = new RegExp(`^${NUMBER}$`);

/**
 * Parses '250ms', '30s', '2m', '1h', '1m30s' or a number of ms. Returns NaN for anything
 * else, so callers can name the field in their own error message.
 */
export function parseDuration(value: number | string | undefined | null): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  if (BARE.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(PART)) {
    if (match.index !== consumed) return NaN;
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed += match[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : NaN;
}

/** 1234 → '1.2s', 90000 → '1m30s', 250 → '250ms', 119600 → '2m' (seconds are rounded before they are split). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}
