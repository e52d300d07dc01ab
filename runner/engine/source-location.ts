import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?\s*$/;
const OWN = `${sep}rampart${sep}dist${sep}`;

/**
 * The first stack frame that belongs to the user's code (source-mapped back to TypeScript),
 * as 'path/relative/to/cwd.ts:line:col'. Frames of node internals, node_modules and
 * rampart itself are skipped.
 */
export function userLocation(err: unknown, cwd = process.cwd(), ownDir = ''): string | undefined {
  const stack = (err as { stack?: unknown })?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.includes(`${sep}node_modules${sep}`) || file.includes(OWN) || (ownDir && file.startsWith(ownDir))) continue;
    return `${relative(cwd, file) || file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** 'message' of anything thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
