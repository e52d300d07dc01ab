import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { maskSecrets } from './file-reporter.js';
import type { Reporter, ReporterFactory, RequestRecord } from './reporter.js';

/**
 * `--out ndjson=PATH`: one JSON line per request (time sent, intended time, duration, status,
 * error kind, worker, attempt, VU, iteration), streamed to a temp file as the run goes and
 * renamed into place at the end, so the file is never seen half-written.
 */
export const createNdjsonReporter: ReporterFactory = (options): Reporter => {
  const path = options.path;
  if (!path) throw new Error('--out ndjson needs a file path, e.g. --out ndjson=requests.ndjson');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const secrets = options.secrets ?? [];
  let out: WriteStream | undefined;
  const open = () => {
    if (!out) mkdirSync(dirname(path), { recursive: true }); // a missing folder is created, as for every --out
    return (out ??= createWriteStream(tmp, { flags: 'w' }));
  };
  return {
    name: 'ndjson',
    onStart() {
      open();
    },
    onRecords(records: RequestRecord[]) {
      let text = '';
      for (const r of records) text += JSON.stringify(r) + '\n';
      open().write(secrets.length ? maskSecrets(text, secrets) : text);
    },
    async onEnd() {
      const stream = open();
      try {
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.end(() => resolve());
        });
        await rename(tmp, path);
      } catch (err) {
        await unlink(tmp).catch(() => {});
        throw err;
      }
      return [path];
    },
  };
};
