import { maskSecrets } from './file-reporter.js';
import { openAtomicStream, type AtomicStream } from './write-atomic.js';
import type { Reporter, ReporterFactory, RequestRecord } from './reporter.js';

/**
 * `--out ndjson=PATH`: one JSON line per request (time sent, intended time, duration, status,
 * error kind, worker, attempt, VU, iteration), streamed to a temp file as the run goes and
 * fsync'ed and renamed into place at the end (reporters/write-atomic.ts), so the file is never seen half-written.
 */
export const createNdjsonReporter: ReporterFactory = (options): Reporter => {
  const path = options.path;
  if (!path) throw new Error('--out ndjson needs a file path, e.g. --out ndjson=requests.ndjson');
  const secrets = options.secrets ?? [];
  let out: AtomicStream | undefined;
  const stream = () => (out ??= openAtomicStream(path)); // a missing folder is created, as for every --out
  return {
    name: 'ndjson',
    onStart() {
      stream();
    },
    onRecords(records: RequestRecord[]) {
      let text = '';
      for (const r of records) text += JSON.stringify(r) + '\n';
      stream().write(secrets.length ? maskSecrets(text, secrets) : text);
    },
    async onEnd() {
      await stream().commit();
      return [path];
    },
  };
};
