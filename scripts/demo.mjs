// npm start: the field report's burst-vs-ramp comparison, reproduced against the simulator.
//
// For each profile of examples/serverless-lb.ts (burst, then ramp) a fresh simulator starts
// with the field report's defaults (min workers 0, cold starts 40–90 s, runs 25–35 s, the
// balancer gives up after 120 s) at 1/100 of real time, rampart runs the profile against it
// and prints its summary and findings; the two runs end with their comparison. Reports land
// in reports/ (HTML per profile and for the comparison).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const { startSimulator } = await import(new URL('../dist/simulator/index.js', import.meta.url).href);
const rampart = join(root, 'bin/rampart.js');
const scenario = join(root, 'examples/serverless-lb.ts');
const reports = join(root, 'reports');
mkdirSync(reports, { recursive: true });

/** Runs rampart as a child process without blocking this one: the simulator lives on this event loop. */
function rampartRun(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [rampart, ...args], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const TIME_SCALE = 0.01;
const profiles = ['burst', 'ramp'];
let worst = 0;
for (const profile of profiles) {
  const sim = await startSimulator({ timeScale: TIME_SCALE, seed: 3 });
  console.log(`\n━━ profile ${profile}: a fresh simulator at ${sim.url} (min workers 0, time scale ${TIME_SCALE}) ━━`);
  const code = await rampartRun([
    // at 1/100 of real time a one-second timeline would be one point per 100 simulated seconds
    'run',
    scenario,
    '--profile',
    profile,
    '-e',
    `TARGET=${sim.url}`,
    '--interval',
    '200ms',
    '--out',
    `json=${join(reports, `${profile}.json`)}`,
    '--out',
    `html=${join(reports, `${profile}.html`)}`,
  ]);
  await sim.close();
  // 99 (a threshold failed) is the expected outcome of the burst: that is the story
  if (code !== 0 && code !== 99) worst = code;
}

console.log('\n━━ burst vs ramp ━━');
await rampartRun(['compare', join(reports, 'burst.json'), join(reports, 'ramp.json'), '--out', `html=${join(reports, 'comparison.html')}`]);
console.log(`\nHTML reports: ${join(reports, 'burst.html')}, ${join(reports, 'ramp.html')}, ${join(reports, 'comparison.html')}`);
process.exitCode = worst;
