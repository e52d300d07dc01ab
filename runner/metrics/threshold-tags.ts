/**
 * Which tags a threshold may filter on. A tag rampart never sets makes a threshold that can
 * only fail with "no data" after the whole run; this catches that before the load.
 *
 * The rule: rampart's own tags are always fine, and so is any other name, because a user's
 * tag can be set at run time (request `tags`, check tags, custom metric tags) where it cannot
 * be known in advance. What is refused is a near miss of one of rampart's tags (`Status`,
 * `expected_respons`, `stauts`) that the scenario's code never mentions: a typo, not a tag.
 */
export const RAMPART_TAGS = ['name', 'method', 'status', 'stage', 'error', 'retry', 'cold', 'workload', 'group', 'expected_response', 'error_code'];

/** Values a tag can take, where rampart knows them all on every metric (status is not one: jobs{status:COMPLETED}). */
const VALUES: Record<string, RegExp> = {
  expected_response: /^(true|false)$/,
  retry: /^true$/,
  cold: /^(true|false)$/,
  stage: /^-?\d+$/,
};

/** A one-line reason the tag filter cannot match, or undefined. `source`: the scenario's code. */
export function badThresholdTag(tag: string, value: string, source: string): string | undefined {
  if (RAMPART_TAGS.includes(tag)) {
    const values = VALUES[tag];
    if (values && !values.test(value)) return `rampart's '${tag}' tag never has the value '${value}'`;
    return undefined;
  }
  const near = RAMPART_TAGS.find((t) => t.toLowerCase() === tag.toLowerCase() || editDistance(t, tag) <= Math.min(2, Math.floor(t.length / 3)));
  if (!near || mentionedOutsideThresholds(tag, source)) return undefined;
  return `rampart sets no tag '${tag}'; did you mean '${near}'? (rampart's tags: ${RAMPART_TAGS.join(', ')}; tags of your own, set in request, check or metric options, are allowed)`;
}

/** k6 names groups '::outer::inner'; rampart's tag is 'outer::inner'. A threshold may use either. */
export function normalizeGroupTag(value: string): string {
  return value.startsWith('::') ? value.slice(2) : value;
}

/** The name used in the code other than inside a metric key such as `http_reqs{tag:value}`. */
function mentionedOutsideThresholds(tag: string, source: string): boolean {
  const word = new RegExp(`\\b${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  const all = source.match(word)?.length ?? 0;
  let inKeys = 0;
  for (const key of source.match(/[A-Za-z_][\w.]*\{[^{}'"`]*\}/g) ?? []) inKeys += key.match(word)?.length ?? 0;
  return all > inKeys;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
