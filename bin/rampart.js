#!/usr/bin/env node
// The rampart command. The TypeScript sources are compiled to dist/ and the command bundled into
// dist/runner/bundled/ by `npm install` (prepare: npm run build, scripts/bundle-cli.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/runner/bundled/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('rampart: not built yet; run `npm install` (or `npm run build`) in the rampart folder\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
// The command is done. Scenario code that ran on this thread (module top level, setup, teardown)
// may have left a timer or a socket open: it must not keep rampart alive. The grace second lets
// output drain; an unref'ed timer does not delay an exit that happens by itself.
setTimeout(() => process.exit(), 1000).unref();
