/**
 * The run's start: everything checked before load starts (so that a mistake costs seconds, not
 * an hour of load), and the reporters told the load begins. run.ts holds the sequence.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter } from '../../reporters/reporter.js';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { Collector } from '../metrics/collector.js';
import { parseThresholds, type Threshold } from '../metrics/thresholds.js';
import { checkWorkloadThresholds } from '../plan/workloads.js';
import type { Plan } from '../plan/types.js';
import type { MetricType } from '../results/types.js';
import type { SecretMask } from '../secrets.js';
import { loadPlan } from './load-plan.js';
import { fewIterations } from './engine-flags.js';
import { hintPlan } from './threads.js';
import { checkTarget } from './load-scenario.js';
import type { RunOptions } from './run.js';

/** Everything checked before load starts. */
export interface Prepared {
  scenario: ScenarioDefinition;
  plan: Plan;
  thresholds: Threshold[];
  customTypes: Record<string, MetricType>;
  target?: string;
  reporters: Reporter[];
  bundleUrl: string;
  dispose(): Promise<void>;
}

export async function prepare(o: RunOptions, mask: SecretMask): Promise<Prepared> {
  const { scenario, plan, bundle } = await loadPlan(
    o.file,
    { ...process.env, ...o.env },
    o.overrides ? o.profile : (o.profile ?? o.config.profile ?? null),
    o.overrides,
  );
  hintPlan(fewIterations(plan));
  try {
    checkWorkloadThresholds(scenario.thresholds, plan, o.file);
    const customTypes = (scenario.metrics ?? {}) as Record<string, MetricType>;
    const thresholds = allThresholds(o, scenario, customTypes, readFileSync(bundle.file, 'utf8'));
    const target = checkTarget(scenario.target ?? o.config.target, scenario.target ? o.file : 'rampart.yaml');
    const reporters = [...(await o.createReporters(mask.values)), ...(o.reporters ?? [])];
    return { scenario, plan, thresholds, customTypes, target, reporters, dispose: bundle.dispose, bundleUrl: bundle.url };
  } catch (err) {
    await bundle.dispose();
    throw err;
  }
}

/** rampart.yaml's thresholds, then the scenario's; `source` is the bundle: tags the scenario's code mentions are the user's own. */
function allThresholds(o: RunOptions, scenario: ScenarioDefinition, customTypes: Record<string, MetricType>, source: string): Threshold[] {
  const types = new Collector([], customTypes);
  const configWhere = `${o.config.path ? relative(process.cwd(), o.config.path) : 'rampart.yaml'}: thresholds`;
  return [
    ...parseThresholds(o.config.thresholds, (n) => types.typeOf(n), configWhere, source),
    ...parseThresholds(scenario.thresholds as Record<string, unknown> | undefined, (n) => types.typeOf(n), `${o.file}: thresholds`, source),
  ];
}

export async function announceStart(p: Prepared, file: string, startedAt: Date): Promise<void> {
  const { scenario, plan } = p;
  for (const r of p.reporters) {
    await r.onStart?.({
      scenario: { name: scenario.name, file, profile: plan.profile },
      startedAt: startedAt.toISOString(),
      stages: plan.steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, startMs: s.startMs, durationMs: s.durationMs })),
      totalDurationMs: plan.totalDurationMs,
      peakVUs: plan.peakVUs,
    });
  }
}
