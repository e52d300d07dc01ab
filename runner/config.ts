import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';

/** rampart.yaml: defaults for a project's runs. Flags win over it; the scenario's own fields win over its defaults. */
export interface ConfigFile {
  path: string | null;
  target?: string;
  env?: Record<string, string>;
  out?: string[];
  thresholds?: Record<string, unknown>;
  secrets?: string[];
  workers?: number;
  profile?: string;
  gracefulStop?: string | number;
  http?: { timeout?: string | number; headers?: Record<string, string> };
  upload?: string;
  s3?: { endpoint?: string; region?: string; forcePathStyle?: boolean };
  /** false: a run that measured nothing exits as its thresholds say instead of 3 (runner/verdict.ts) */
  failUnmeasured?: boolean;
}

/** The keys of the `http` mapping (the scenario's http field has more: they belong there). */
const HTTP_KEYS = ['timeout', 'headers'];

const KEYS = ['target', 'env', 'out', 'thresholds', 'secrets', 'workers', 'profile', 'gracefulStop', 'http', 'upload', 's3', 'failUnmeasured'];
export const DEFAULT_CONFIG = 'rampart.yaml';

/**
 * Reads rampart.yaml. With no explicit path, a missing file in the working directory is
 * fine (no defaults); an explicit path that can't be read is an error.
 */
export async function loadConfig(path: string | undefined, cwd = process.cwd()): Promise<ConfigFile> {
  const file = resolve(cwd, path ?? DEFAULT_CONFIG);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!path && (err as NodeJS.ErrnoException).code === 'ENOENT') return { path: null };
    throw new ConfigError(`cannot read config ${path ?? DEFAULT_CONFIG}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = await parseConfig(text, path ?? DEFAULT_CONFIG);
  if (!parsed) return { path: file };
  const { raw } = parsed;
  checkTypes(raw, parsed.keyAt);
  checkValues(raw, parsed.pathAt);
  const env = raw.env as Record<string, unknown> | undefined;
  return {
    ...(raw as Omit<ConfigFile, 'path'>),
    env: env ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) : undefined,
    path: file,
  };
}

/** Where a mistake is: `file:line: 'key'`. */
type Where<K> = (key: K) => string;

/**
 * The YAML as plain values, with where each top-level key and each nested path stands; null
 * for an empty file. Invalid YAML, a file that is not a mapping or an unknown key is refused.
 */
async function parseConfig(
  text: string,
  name: string,
): Promise<{ raw: Record<string, unknown>; keyAt: Where<string>; pathAt: Where<string[]> } | null> {
  // the YAML parser loads when there is a config file to read (start-up, issue 11)
  const { LineCounter, parseDocument, isMap, isScalar } = await import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    // linePos is only filled in with prettyErrors; pos (offsets) always is
    const pos = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
    throw new ConfigError(`${name}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return null;
  if (!isMap(doc.contents)) throw new ConfigError(`${name}: must be a mapping of settings (target, env, out, thresholds, ...)`);
  const items = doc.contents.items;
  for (const pair of items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!KEYS.includes(key)) {
      const at = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]) : undefined;
      throw new ConfigError(`${name}${at ? `:${at.line}` : ''}: unknown key '${key}' (known: ${KEYS.join(', ')})`);
    }
  }
  const keyAt = (key: string) => {
    const node = items.find((p) => isScalar(p.key) && p.key.value === key);
    const range = node && isScalar(node.key) ? node.key.range : undefined;
    return `${name}${range ? `:${lines.linePos(range[0]).line}` : ''}: '${key}'`;
  };
  const pathAt = (path: string[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    return `${name}${node?.range ? `:${lines.linePos(node.range[0]).line}` : ''}: '${path.join('.')}'`;
  };
  return { raw: doc.toJS() as Record<string, unknown>, keyAt, pathAt };
}

/** Each key's value has the right type. */
function checkTypes(raw: Record<string, unknown>, where: Where<string>): void {
  const expect = (key: string, ok: boolean, what: string) => {
    if (raw[key] !== undefined && !ok) throw new ConfigError(`${where(key)} must be ${what}`);
  };
  const isStringMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  expect('target', typeof raw.target === 'string', 'a URL string');
  expect('env', isStringMap(raw.env), 'a mapping of NAME: value');
  expect('out', Array.isArray(raw.out) && raw.out.every((o) => typeof o === 'string'), "a list such as ['json=results.json']");
  expect('thresholds', isStringMap(raw.thresholds), "a mapping such as { http_req_duration: ['p(95)<500'] }");
  expect('secrets', Array.isArray(raw.secrets) && raw.secrets.every((o) => typeof o === 'string'), 'a list of environment variable names');
  expect('workers', Number.isInteger(raw.workers) && (raw.workers as number) >= 1, 'a whole number ≥ 1');
  expect('profile', typeof raw.profile === 'string', 'a profile name');
  expect('gracefulStop', typeof raw.gracefulStop === 'string' || typeof raw.gracefulStop === 'number', "a duration such as '30s'");
  expect('http', isStringMap(raw.http), 'a mapping with timeout and headers');
  expect('upload', typeof raw.upload === 'string', 'an s3://bucket/prefix URL');
  expect('s3', isStringMap(raw.s3), 'a mapping with endpoint, region, forcePathStyle');
  expect('failUnmeasured', typeof raw.failUnmeasured === 'boolean', 'true or false');
}

/** Values whose type is right but whose content is not, named by file, line and key (`where`). */
function checkValues(raw: Record<string, unknown>, where: (path: string[]) => string): void {
  const quoted = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
  if (raw.gracefulStop !== undefined && !(parseDuration(raw.gracefulStop as string) >= 0)) {
    throw new ConfigError(`${where(['gracefulStop'])} must be a duration such as '30s', got ${quoted(raw.gracefulStop)}`);
  }
  const http = raw.http as Record<string, unknown> | undefined;
  if (!http) return;
  for (const key of Object.keys(http)) {
    if (!HTTP_KEYS.includes(key))
      throw new ConfigError(`${where(['http', key])}: unknown key (known: ${HTTP_KEYS.join(', ')}; other http options belong in the scenario)`);
  }
  if (http.timeout !== undefined && !(parseDuration(http.timeout as string) > 0)) {
    throw new ConfigError(`${where(['http', 'timeout'])} must be a positive duration such as '30s', got ${quoted(http.timeout)}`);
  }
  const headers = http.headers;
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    throw new ConfigError(`${where(['http', 'headers'])} must be a mapping of header: value`);
  }
}
