import path from 'node:path';
import { enabledModules } from '../modules/index.js';
import { Areas } from './areas/areas.js';
import { SessionStore } from './auth/sessions.js';
import type { Config } from './config/config.js';
import { type Database, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { RateLimiter } from './http/rate-limit.js';
import type { JobQueue } from './jobs/jobs.js';
import { createJobQueue } from './jobs/queue.js';
import { createMailer } from './mail/mailer.js';
import { registerMailJobs } from './mail/send.js';
import { registerMaintenanceJobs } from './maintenance.js';
import { corePermissions } from './permissions/permissions.js';
import type { CoreServices } from './services.js';

export interface CoreOptions {
  /** An already open database (tests); otherwise opened from the config, and closed by `close`. */
  database?: Database;
  /** A job queue (tests use the immediate one); otherwise pg-boss. */
  jobs?: JobQueue;
  /** Run migrations first (default true). */
  migrate?: boolean;
  /** Where pg-boss errors go (the web process logs them). */
  onJobError?: (error: unknown) => void;
}

export interface OpenedCore {
  core: CoreServices;
  /** Stops the job queue, then closes the database if this opened it. */
  close(): Promise<void>;
}

/**
 * The services every entry point shares — the web app, `ville` commands and `ville worker` —
 * with the same job handlers registered everywhere, so a job sent by one is understood by all.
 */
export async function createCore(config: Config, options: CoreOptions = {}): Promise<OpenedCore> {
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }

  const permissions = corePermissions();
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    from: config.mailFrom,
  });
  const jobs = options.jobs ?? createJobQueue(database, { onError: options.onJobError });
  const core: CoreServices = {
    config,
    database,
    db: database.db,
    sessions: new SessionStore(database.db),
    rateLimiter: new RateLimiter(database.db, database.executor),
    permissions,
    mailer,
    jobs,
    areas: new Areas(database.db, permissions),
    modules: enabledModules(config),
  };
  for (const module of core.modules) module.permissions?.(permissions);
  registerMailJobs(core);
  registerMaintenanceJobs(core);
  for (const module of core.modules) module.jobs?.(core);

  return {
    core,
    async close() {
      await jobs.stop();
      if (!options.database) await database.close();
    },
  };
}
