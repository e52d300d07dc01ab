import { open, rename, unlink, access, constants, stat, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** Why a file system call failed, in words (the path is said by the caller). */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'folder does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way of its folder';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'read-only file system';
  return (err as Error).message;
}

/** A temp file beside `path` (same folder, same filesystem), so the final rename is atomic. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/**
 * Writes a file so that a reader never sees half of it: the data goes to a temp file in the
 * same folder (same filesystem), is fsync'ed, then renamed over the target. Missing parent
 * folders are created (as jest-junit and Playwright do). Fails with `cannot write PATH: reason`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const stream = openAtomicStream(path);
  stream.write(data);
  await stream.commit();
}

/** A file written piece by piece during the run and put in place whole at the end. */
export interface AtomicStream {
  /** queues data; a write error is kept for commit(), never thrown or emitted */
  write(data: string | Uint8Array): void;
  /** writes what is queued, fsyncs, renames into place; rejects with `cannot write PATH: reason` */
  commit(): Promise<void>;
}

/**
 * The streaming variant of writeFileAtomic (for ndjson): the temp file is opened at once and
 * each write is chained on the last, so an error mid-run (disk full, folder removed) is held
 * until commit() instead of crashing the process, and later writes are dropped.
 */
export function openAtomicStream(path: string): AtomicStream {
  const tmp = tempPathFor(path);
  let failure: unknown;
  const opening = mkdir(dirname(path), { recursive: true }).then(() => open(tmp, 'w'));
  let chain: Promise<unknown> = opening.catch((err) => {
    failure ??= err;
  });
  return {
    write(data) {
      if (failure !== undefined) return;
      chain = chain
        .then(async () => {
          if (failure === undefined) await (await opening).writeFile(data); // writes all of it, at the current position
        })
        .catch((err) => {
          failure ??= err;
        });
    },
    async commit() {
      await chain;
      const handle = await opening.catch(() => undefined);
      try {
        if (failure !== undefined) throw failure;
        await handle!.sync();
        await handle!.close();
        await rename(tmp, path);
      } catch (err) {
        await handle?.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        throw new Error(`cannot write ${path}: ${fsReason(err)}`);
      }
    },
  };
}

/**
 * Throws a readable message when `path` cannot be written (checked before load starts). A
 * missing folder is fine when it can be created: its nearest existing ancestor is a writable folder.
 */
export async function assertWritable(path: string): Promise<void> {
  let dir = dirname(path);
  for (;;) {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) throw new Error(`cannot write ${path}: ${dir} is not a folder`);
      await access(dir, constants.W_OK);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(dir) !== dir) {
        dir = dirname(dir);
        continue;
      }
      if (!code) throw err;
      throw new Error(`cannot write ${path}: ${fsReason(err)}`);
    }
  }
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new Error(`cannot write ${path}: it is a directory`);
    await access(path, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    if (!code) throw err;
    throw new Error(`cannot write ${path}: ${fsReason(err)}`);
  }
}
