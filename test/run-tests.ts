/**
 * `npm test`: every tier. Unit, db and http run together in one Vitest run; then the
 * browser tier (e2e) runs alone, so that Chromium and the servers it starts do not compete
 * with the other tiers for the CPU.
 *
 * The e2e tier needs Chromium: when it is missing we say so loudly and skip it, unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 *
 * Extra arguments go to Vitest (e.g. `npm test -- --project unit`, or a file path); with a
 * `--project` among them, only what they name runs, in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { chromiumPath } from './e2e/browser-path.js';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const args = process.argv.slice(2);
const explicitProjects = args.includes('--project') || args.some((a) => a.startsWith('--project='));
const browser = chromiumPath();
let runBrowserTier = true;
if (!browser) {
  if (process.env.REQUIRE_BROWSER === '1') {
    console.error(
      "\nREQUIRE_BROWSER=1 but no Chromium was found (install Debian's chromium, or set CHROMIUM_PATH).\n",
    );
    process.exit(1);
  }
  runBrowserTier = false;
  console.warn(
    `\n${'!'.repeat(72)}\n!! Chromium not found: the e2e tier (browser + axe) is SKIPPED.\n!! Install it (apt-get install chromium) or set CHROMIUM_PATH to run it.\n${'!'.repeat(72)}\n`,
  );
}

mkdirSync('test-results', { recursive: true });

function vitest(projects: string[], outputFile: string): { status: number; report: Report | null } {
  rmSync(outputFile, { force: true });
  const started = Date.now();
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      ...projects.flatMap((p) => ['--project', p]),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${outputFile}`,
      // A file filter may match only one of the two runs.
      ...(args.length > 0 ? ['--passWithNoTests'] : []),
      ...args,
    ],
    { stdio: 'inherit' },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n[${projects.join(', ') || args.join(' ')}] finished in ${seconds}s`);
  const report = existsSync(outputFile) ? (JSON.parse(readFileSync(outputFile, 'utf8')) as Report) : null;
  return { status: result.status ?? 1, report };
}

const runs: { tiers: string; status: number; report: Report | null }[] = [];
if (explicitProjects) {
  runs.push({ tiers: 'as asked', ...vitest([], 'test-results/vitest.json') });
} else {
  runs.push({ tiers: 'unit, db, http', ...vitest(['unit', 'db', 'http'], 'test-results/vitest.json') });
  if (runBrowserTier) runs.push({ tiers: 'e2e', ...vitest(['e2e'], 'test-results/vitest-e2e.json') });
}

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
console.log(`\nDatabase engine: ${engine}${runBrowserTier ? '' : ' — e2e tier SKIPPED (no Chromium)'}`);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const run of runs) {
  const r = run.report;
  if (r) {
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(
    `  ${run.tiers.padEnd(16)} ${r ? `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped` : 'no report'}${run.status === 0 ? '' : '  ✗'}`,
  );
}
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(runs.every((r) => r.status === 0) ? 0 : 1);
