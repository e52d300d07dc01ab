import { open, rename, unlink, access, constants, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/**
 * Writes a file so that a reader never sees half of it: the data goes to a temp file in the
 * same folder (same filesystem), is fsync'ed, then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Throws a readable message when `path` cannot be written (checked before load starts). */
export async function assertWritable(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new Error(`${dir} is not a directory`);
    await access(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'folder does not exist' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new Error(`cannot write ${path}: ${why}`);
  }
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new Error(`cannot write ${path}: it is a directory`);
    await access(path, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'EACCES') throw new Error(`cannot write ${path}: permission denied`);
    throw err;
  }
}
