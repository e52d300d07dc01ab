import { installRuntime } from '../../scenarios/runtime.js';
import type { ScenarioDefinition } from '../../scenarios/types.js';
import { bundleFile, type Bundle } from '../bundle.js';
import { buildPlan, type PlanOverrides } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { loadScenario } from './load-scenario.js';
import { OWN_DIR } from './own-dir.js';

export interface LoadedPlan {
  scenario: ScenarioDefinition;
  plan: Plan;
  /** the bundled scenario; the caller disposes of it */
  bundle: Bundle;
}

/**
 * The routine `rampart run` and `rampart inspect` share: bundle the scenario file, load it with
 * `env()` answering from `env`, and resolve its Plan. A mistake is a one-line error and leaves
 * no bundle behind.
 */
export async function loadPlan(
  file: string,
  env: Record<string, string | undefined>,
  profile: string | null,
  overrides?: PlanOverrides,
): Promise<LoadedPlan> {
  installRuntime({ env, recordCheck: () => {}, abortTest: () => {} });
  process.setSourceMapsEnabled(true);
  const bundle = await bundleFile(file);
  try {
    const scenario = await loadScenario(bundle.url, file, OWN_DIR);
    const plan = buildPlan(scenario, profile, file, overrides);
    return { scenario, plan, bundle };
  } catch (err) {
    await bundle.dispose();
    throw err;
  }
}
