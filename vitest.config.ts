import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // the machine has 2 shared cores; load tests measure better one file at a time
    fileParallelism: false,
    // a finding that throws fails the test instead of being skipped (runner/insights/index.ts)
    env: { RAMPART_STRICT_FINDINGS: '1' },
  },
});
