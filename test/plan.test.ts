import { describe, expect, it } from 'vitest';
import { buildPlan } from '../runner/plan/build.js';
import { shareOf } from '../runner/plan/segment.js';
import { parseDuration, formatDuration } from '../runner/duration.js';
import { parseThresholds } from '../runner/metrics/thresholds.js';
import { BUILTIN_METRICS } from '../runner/metrics/names.js';
import { burst, pause, ramp, soak } from '../scenarios/index.js';

describe('durations', () => {
  it('parses numbers and unit strings, NaN for anything else', () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', 'abc', '10 s', '-5s', '5x', NaN, Infinity]) expect(parseDuration(bad as any)).toBeNaN();
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('plan', () => {
  it('resolves levels from the previous stage and sums durations', () => {
    const plan = buildPlan(
      { stages: [ramp({ to: 15, over: '30s' }), soak({ vus: 15, for: '5m' }), ramp({ to: 0, over: '10s' }), pause('10s')] },
      null,
    );
    expect(plan.steps.map((s) => s.startMs)).toEqual([0, 30_000, 330_000, 340_000]);
    expect(plan.steps[2]).toMatchObject({ executor: 'vu-levels', fromVUs: 15, toVUs: 0 });
    expect(plan.totalDurationMs).toBe(350_000);
    expect(plan.peakVUs).toBe(15);
  });

  it('open model: a rate ramp starts from the previous open stage', () => {
    const plan = buildPlan(
      {
        stages: [
          ramp({ rate: 50, over: '1m', maxVUs: 200 }),
          soak({ rate: 50, for: '10m', maxVUs: 200 }),
          ramp({ rate: 10, over: '1m', maxVUs: 100 }),
        ],
      },
      null,
    );
    expect(plan.steps[0]).toMatchObject({ executor: 'arrival-rate', fromRate: 0, toRate: 50 });
    expect(plan.steps[2]).toMatchObject({ fromRate: 50, toRate: 10 });
    expect(plan.peakVUs).toBe(200);
    expect(plan.poolSize).toBe(400);
  });

  it('the field report in one line: burst({ vus: 15, iterations: 30 })', () => {
    const plan = buildPlan({ stages: [burst({ vus: 15, iterations: 30 })] }, null);
    expect(plan.steps[0]).toMatchObject({ executor: 'shared-iterations', vus: 15, iterations: 30, dynamic: true, peakConcurrency: 15 });
  });

  it('profiles are chosen by name', () => {
    const source = { profiles: { burst: [burst({ vus: 15, iterations: 30 })], ramp: [ramp({ to: 15, over: '30s' })] } };
    expect(buildPlan(source, 'ramp').steps[0].kind).toBe('ramp');
    expect(() => buildPlan(source, null)).toThrow(/choose one with --profile/);
    expect(() => buildPlan(source, 'soak')).toThrow(/no profile 'soak' \(profiles: burst, ramp\)/);
  });

  it.each([
    [{ kind: 'soak', vus: 5, for: 0 }, /'for' must be a positive duration/],
    [{ kind: 'soak', vus: 5, for: '-1s' }, /'for' must be a positive duration/],
    [{ kind: 'soak', vus: 5, for: NaN }, /'for' must be a positive duration/],
    [{ kind: 'soak', rate: 5, for: '1s' }, /'maxVUs' is required with 'rate'/],
    [{ kind: 'soak', rate: 5, vus: 3, for: '1s', maxVUs: 3 }, /either 'vus' .* or 'rate'/],
    [{ kind: 'ramp', to: 5, over: '1s', extra: 1 }, /unknown field 'extra'/],
    [{ kind: 'ramp', to: 2.5, over: '1s' }, /'to' must be a whole number/],
    [{ kind: 'burst', vus: 0 }, /'vus' must be a whole number ≥ 1/],
    [{ kind: 'burst', iterations: 5 }, /needs 'vus'/],
    [{ kind: 'sprint', vus: 1 }, /not a stage/],
  ])('rejects %o with a message naming the field', (stage, message) => {
    expect(() => buildPlan({ stages: [stage] }, null, 's.ts')).toThrow(message);
  });

  it('segments add up to the whole', () => {
    for (const total of [0, 1, 7, 15, 30, 101]) {
      for (const n of [1, 2, 3, 4]) {
        const shares = Array.from({ length: n }, (_, i) => shareOf(total, i, n));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('threshold syntax', () => {
  const types = (n: string) => BUILTIN_METRICS[n];
  it('parses k6 expressions on metrics and sub-metrics', () => {
    const t = parseThresholds(
      {
        http_req_duration: ['p(99.9)<=1500', 'avg < 200'],
        'http_req_duration{name:submit}': [{ threshold: 'med!=0', abortOnFail: true }],
        http_reqs: 'count>0',
      },
      types,
    );
    expect(t.map((x) => [x.metricKey, x.aggregation, x.operator, x.value, x.abortOnFail])).toEqual([
      ['http_req_duration', 'p(99.9)', '<=', 1500, false],
      ['http_req_duration', 'avg', '<', 200, false],
      ['http_req_duration{name:submit}', 'med', '!=', 0, true],
      ['http_reqs', 'count', '>', 0, false],
    ]);
  });
  it.each([
    [{ http_req_duration: ['p95<500'] }, /bad threshold 'p95<500'/],
    [{ http_req_duration: ['p(95)<'] }, /bad threshold/],
    [{ http_reqs: ['p(95)<1'] }, /'p\(95\)' does not apply to http_reqs, a counter/],
    [{ nope: ['count>1'] }, /unknown metric 'nope'/],
    [{ 'http_req_duration{name}': ['avg<1'] }, /is not a metric name/],
  ])('rejects %o', (spec, message) => {
    expect(() => parseThresholds(spec, types)).toThrow(message);
  });
});
