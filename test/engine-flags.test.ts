import { describe, expect, it } from 'vitest';
import { fewIterations } from '../runner/engine/engine-flags.js';
import { buildPlan } from '../runner/plan/build.js';
import { burst, pause, ramp, soak } from '../scenarios/index.js';

// Which plans keep undici's parser off V8's optimizing compiler (engine-flags.ts): bursts of 100 iterations in all at most.
describe('fewIterations', () => {
  const plan = (stages: Parameters<typeof buildPlan>[0]['stages']) => buildPlan({ stages }, null);

  it('a smoke test: one burst, or bursts and pauses of 100 iterations in all', () => {
    expect(fewIterations(plan([burst({ iterations: 1, vus: 1 })]))).toBe(true);
    expect(fewIterations(plan([burst({ iterations: 60, vus: 5 }), pause('1s'), burst({ iterations: 40, vus: 5 })]))).toBe(true);
  });

  it('more iterations, or any stage that runs for a time', () => {
    expect(fewIterations(plan([burst({ iterations: 60, vus: 5 }), burst({ iterations: 41, vus: 5 })]))).toBe(false);
    expect(fewIterations(plan([soak({ vus: 1, for: '1s' })]))).toBe(false);
    expect(fewIterations(plan([burst({ iterations: 1, vus: 1 }), ramp({ to: 2, over: '1s' })]))).toBe(false);
  });
});
