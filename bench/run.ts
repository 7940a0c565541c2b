/**
 * Benchmarks: `npm run bench -- <module> [options]`. One sub-command per module; each writes its
 * results to bench/results/<module>-<date>.md and .json with the machine and engine.
 *
 *   npm run bench -- reports [--reports 1000000] [--pglite-reports 10000] [--engines postgres,pglite]
 *                            [--posts 3000] [--concurrency 32] [--port 3226]
 *   npm run bench -- budget [--voters 200000] [--approval-voters 50000] [--concurrency 64]
 *                           [--raw 50000] [--page-reads 3000] [--seconds 1800] [--port 3227]
 */
import { runBudgetBench } from './budget.js';
import { runReportsBench } from './reports.js';

type Options = Record<string, string>;

function parseArgs(argv: string[]): { command: string | undefined; options: Options } {
  const [command, ...rest] = argv;
  const options: Options = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) options[key] = inline;
    else if (rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('--')) options[key] = rest[++i]!;
    else options[key] = 'true';
  }
  return { command, options };
}

const benches: Record<string, (options: Options) => Promise<void>> = {
  reports: runReportsBench,
  budget: runBudgetBench,
};

const { command, options } = parseArgs(process.argv.slice(2));
const bench = command ? benches[command] : undefined;
if (!bench) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(64);
}
try {
  await bench(options);
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
