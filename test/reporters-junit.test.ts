import { describe, expect, it } from 'vitest';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'xmlbuilder2';
import { validateXML } from 'xmllint-wasm';
import { renderJunit, createJunitReporter } from '../reporters/junit.js';
import { buildSummaryFixture } from './support/summary-fixture.js';
import type { Summary } from '../reporters/reporter.js';

const xsd = await readFile(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');

async function assertValid(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  expect(result.valid).toBe(true);
}

interface ParsedCase {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; type: string; text: string };
  out: string;
}

function parse(xml: string) {
  const doc = create(xml).node as unknown as Document;
  const attr = (el: Element, name: string) => el.getAttribute(name) ?? '';
  const suites = doc.getElementsByTagName('testsuites')[0];
  const suite = doc.getElementsByTagName('testsuite')[0];
  const cases: ParsedCase[] = Array.from(doc.getElementsByTagName('testcase')).map((tc) => {
    const f = tc.getElementsByTagName('failure')[0];
    return {
      name: attr(tc, 'name'),
      classname: attr(tc, 'classname'),
      time: attr(tc, 'time'),
      failure: f ? { message: attr(f, 'message'), type: attr(f, 'type'), text: f.textContent ?? '' } : undefined,
      out: tc.getElementsByTagName('system-out')[0]?.textContent ?? '',
    };
  });
  const properties = Object.fromEntries(Array.from(doc.getElementsByTagName('property')).map((p) => [attr(p, 'name'), attr(p, 'value')]));
  const counts = (el: Element) => ({ tests: attr(el, 'tests'), failures: attr(el, 'failures'), errors: attr(el, 'errors') });
  return {
    suites: counts(suites),
    suite: { ...counts(suite), name: attr(suite, 'name'), time: attr(suite, 'time'), timestamp: attr(suite, 'timestamp') },
    cases,
    properties,
  };
}

describe('JUnit reporter', () => {
  it('validates against the JUnit XSD and counts passing and failing thresholds and checks', async () => {
    const summary = buildSummaryFixture();
    const xml = renderJunit(summary);
    await assertValid(xml);
    const { suites, suite, cases, properties } = parse(xml);
    // 3 thresholds (1 failing) + 2 checks (1 failing); the run completed with 99, so no run case
    expect(cases).toHaveLength(5);
    expect(suites).toEqual({ tests: '5', failures: '2', errors: '0' });
    expect(suite).toMatchObject({ tests: '5', failures: '2', errors: '0', name: 'inference (burst)', timestamp: '2026-01-01T12:00:00Z' });
    expect(Number(suite.time)).toBeCloseTo(summary.durationMs / 1000, 2);

    const p95 = cases.find((c) => c.name === 'http_req_duration p(95)<500');
    expect(p95?.classname).toBe('rampart.thresholds.http_req_duration');
    expect(p95?.failure?.type).toBe('threshold');
    expect(p95?.failure?.message).toMatch(/^p\(95\)<500 failed: actual \d+(\.\d+)?$/);
    expect(p95?.failure?.text).toContain('metric: http_req_duration');
    const p99 = cases.find((c) => c.name === 'http_req_duration p(99)<20000');
    expect(p99?.failure).toBeUndefined();
    expect(cases.find((c) => c.classname === 'rampart.thresholds.http_req_failed')?.failure).toBeUndefined();

    const status = cases.find((c) => c.classname === 'rampart.checks' && c.name === 'status is 200');
    expect(status?.failure?.type).toBe('check');
    expect(status?.failure?.message).toMatch(/\d+ passed, \d+ failed/);
    expect(cases.find((c) => c.name === 'body has an id')?.failure).toBeUndefined();

    // GitLab reads system-out only inside testcases: each carries the text summary
    for (const c of cases) expect(c.out).toContain('rampart: inference (burst)');
    expect(properties).toMatchObject({ file: 'examples/inference.ts', profile: 'burst', aborted: 'false', exitCode: '99', 'meta.workers': '2' });
  });

  it('uses an XSD that really rejects a malformed report', async () => {
    const bad = renderJunit(buildSummaryFixture())
      .replace(/ classname="[^"]*"/, '')
      .replace(/ failures="\d+"/, ' failures="two"');
    const result = await validateXML({ xml: [{ fileName: 'bad.xml', contents: bad }], schema: [{ fileName: 'junit.xsd', contents: xsd }] });
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('escapes <&"\' in names, messages and text', async () => {
    const evil = `p<9 & "q" 'r' ]]> </system-out>`;
    const summary = buildSummaryFixture({
      scenarioName: `a<b & "c" 'd'`,
      checks: { [evil]: { passes: 1, fails: 2 } },
      thresholds: { [`http_req_duration{name:${evil}}`]: [{ expression: 'p(95)<1', ok: false, actual: 3 }] },
    });
    summary.meta = { note: `x\u0000y\u001b[31mred\u001b[0m` };
    const xml = renderJunit(summary);
    await assertValid(xml);
    expect(xml).toContain('name="p&lt;9 &amp; &quot;q&quot;');
    const { suite, cases, properties } = parse(xml);
    // the evil closing tag inside the text stays text: one real </system-out> per testcase
    expect(xml.split('</system-out>').length - 1).toBe(cases.length);
    expect(suite.name).toBe(`a<b & "c" 'd' (burst)`);
    expect(cases.map((c) => c.name)).toEqual([`http_req_duration{name:${evil}} p(95)<1`, evil]);
    expect(cases[1].failure?.message).toBe(`${evil}: 1 passed, 2 failed (33.3% ok)`);
    expect(cases[1].out).toContain(evil);
    expect(properties['meta.note']).not.toContain('\u0000');
  });

  it('fails a no-data threshold with type no-data', async () => {
    const summary = buildSummaryFixture({
      checks: {},
      thresholds: { 'http_req_duration{name:missing}': [{ expression: 'p(95)<500', ok: false, actual: null, noData: true }] },
    });
    const xml = renderJunit(summary);
    await assertValid(xml);
    const { cases } = parse(xml);
    expect(cases).toHaveLength(1);
    expect(cases[0].failure?.type).toBe('no-data');
    expect(cases[0].failure?.message).toContain('received no sample');
  });

  it('has one rampart.run testcase when there is no threshold and no check', async () => {
    const passing: Summary = { ...buildSummaryFixture({ thresholds: {}, checks: {} }), exitCode: 0 };
    let parsed = parse(renderJunit(passing));
    await assertValid(renderJunit(passing));
    expect(parsed.cases).toHaveLength(1);
    expect(parsed.cases[0]).toMatchObject({ classname: 'rampart.run', name: 'inference run' });
    expect(parsed.cases[0].failure).toBeUndefined();

    const aborted: Summary = { ...passing, aborted: true, abortReason: 'signal', exitCode: 105 };
    parsed = parse(renderJunit(aborted));
    expect(parsed.cases[0].failure).toMatchObject({ type: 'aborted', message: 'run aborted (signal), exit code 105' });
    expect(parsed.suites.failures).toBe('1');
  });

  it('adds a failing run testcase to thresholds when the run was aborted', () => {
    const summary: Summary = { ...buildSummaryFixture(), aborted: true, abortReason: 'threshold', exitCode: 99 };
    const { cases } = parse(renderJunit(summary));
    expect(cases).toHaveLength(6);
    expect(cases.at(-1)?.classname).toBe('rampart.run');
    expect(cases.at(-1)?.failure?.type).toBe('aborted');
  });

  it('writes the file through the reporter, masking secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-junit-'));
    const path = join(dir, 'junit.xml');
    const summary = buildSummaryFixture({ checks: { 'token s3cr3t-t0ken accepted': { passes: 1, fails: 0 } } });
    const written = await createJunitReporter({ path, secrets: ['s3cr3t-t0ken'] }).onEnd(summary);
    expect(written).toEqual([path]);
    const xml = await readFile(path, 'utf8');
    expect(xml).not.toContain('s3cr3t-t0ken');
    expect(xml).toContain('token *** accepted');
    expect(() => createJunitReporter({})).toThrow(/needs a file path/);
  });
});
