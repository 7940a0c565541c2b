/**
 * `npm test`: every tier (unit, db, http, e2e) in one Vitest run. The e2e tier needs
 * Chromium: when it is missing we say so loudly and skip it, unless REQUIRE_BROWSER=1
 * (CI), where a missing browser is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromiumPath } from './e2e/browser-path.js';

const args = process.argv.slice(2);
const projects = ['unit', 'db', 'http'];
const browser = chromiumPath();
if (browser) {
  projects.push('e2e');
} else if (process.env.REQUIRE_BROWSER === '1') {
  console.error(
    "\nREQUIRE_BROWSER=1 but no Chromium was found (install Debian's chromium, or set CHROMIUM_PATH).\n",
  );
  process.exit(1);
} else {
  console.warn(
    `\n${'!'.repeat(72)}\n!! Chromium not found: the e2e tier (browser + axe) is SKIPPED.\n!! Install it (apt-get install chromium) or set CHROMIUM_PATH to run it.\n${'!'.repeat(72)}\n`,
  );
}

mkdirSync('test-results', { recursive: true });
const result = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/vitest.json',
    ...args,
  ],
  { stdio: 'inherit' },
);

if (existsSync('test-results/vitest.json')) {
  const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(`\nDatabase engine: ${engine}; tiers: ${projects.join(', ')}`);
  console.log(
    `Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
  );
}
process.exit(result.status ?? 1);
