/**
 * The shared shape of a reporter that renders the final Summary into one file
 * (`--out TYPE=PATH`): junit, html, hgrm, hdrlog, csv. It masks secrets, writes atomically and
 * returns the path it wrote.
 */
import type { Reporter, ReporterOptions, Summary } from './reporter.js';
import { writeFileAtomic } from './write-atomic.js';

export type SummaryRenderer = (summary: Summary) => string;

/** Replaces every occurrence of each secret by `***`. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

/**
 * A deep copy of the summary with secrets masked in every string and object key, except the
 * base64 `hdr` fields (binary data, not text a secret could leak into).
 */
export function maskSummary(summary: Summary, secrets: readonly string[] = []): Summary {
  return maskDeep(summary, secrets);
}

/** A deep copy of plain data (a Summary, a Snapshot, a message) with secrets masked; `hdr` fields are kept. */
export function maskDeep<T>(data: T, secrets: readonly string[] = []): T {
  if (!secrets.some(Boolean)) return data;
  const walk = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key === 'hdr' ? value : maskSecrets(value, secrets);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskSecrets(k, secrets), walk(v, k)]));
    }
    return value;
  };
  return walk(data) as T;
}

/** Builds a Reporter that writes `render(summary)` to `options.path` when the run ends. */
export function fileReporter(name: string, options: ReporterOptions, render: SummaryRenderer): Reporter {
  const path = options.path;
  if (!path) throw new Error(`--out ${name} needs a file path, e.g. --out ${name}=results.${name}`);
  const secrets = options.secrets ?? [];
  return {
    name,
    async onEnd(summary: Summary): Promise<string[]> {
      const text = maskSecrets(render(maskSummary(summary, secrets)), secrets);
      await writeFileAtomic(path, text);
      return [path];
    },
  };
}
