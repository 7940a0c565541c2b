import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './core/config/config.js';
import { DataDirLockedError } from './core/db/data-lock.js';
import { scheduleMaintenance } from './core/maintenance.js';
import {
  countUsers,
  demoAccounts,
  formatDemoAccounts,
  isDemoSeeded,
  seedParisDemo,
} from './core/seed/paris-demo.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error — ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    built = await buildApp(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(75);
    }
    throw error;
  }
  const { app, core } = built;
  if (config.demo) {
    // First start in demo mode: an empty database gets the Paris demo. Every start in demo
    // mode prints the demo accounts, so they are never lost in old logs.
    const interrupted = !(await isDemoSeeded(core.db)) && (await demoAccounts(core.db)).length > 0;
    if (interrupted || (await countUsers(core.db)) === 0) {
      app.log.info('empty database in demo mode: seeding the Paris demo');
      const summary = await seedParisDemo(core.db, {
        onProgress: (message) => app.log.info(`seed: ${message}`),
      });
      app.log.info(
        { areas: summary.areas, directorates: summary.directorates, services: summary.services },
        'seeded',
      );
    }
    for (const module of core.modules) {
      await module.seedDemo?.(core, (message) => app.log.info(`seed: ${message}`));
    }
    const accounts = await demoAccounts(core.db);
    if (accounts.length > 0) process.stdout.write(`\n${formatDemoAccounts(accounts, config.publicUrl)}\n\n`);
  }
  await core.jobs.start({ work: config.jobsIn === 'process' });
  if (config.jobsIn === 'process') {
    scheduleMaintenance(core);
    for (const module of core.modules) module.schedule?.(core);
  }
  await app.listen({ port: config.port, host: config.host });

  // In-flight requests finish; new ones get 503 while we close.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
