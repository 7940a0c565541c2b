import { defineConfig } from 'vitest/config';

// Tiers: unit (no database), db (stores and services, both engines), http (app.inject),
// e2e (Chromium). Files say their tier in their name: *.unit.test.ts, *.db.test.ts…
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'db', include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'] } },
      { extends: true, test: { name: 'http', include: ['src/**/*.http.test.ts', 'test/**/*.http.test.ts'] } },
      {
        extends: true,
        // A browser test on a slow, shared CI machine: some steps take tens of seconds.
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], maxWorkers: 1, testTimeout: 120_000 },
      },
    ],
  },
});
