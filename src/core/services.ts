import type { ModuleManifest } from '../modules/index.js';
import type { Areas } from './areas/areas.js';
import type { SessionStore } from './auth/sessions.js';
import type { Config } from './config/config.js';
import type { Database, Db } from './db/database.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { JobQueue } from './jobs/jobs.js';
import type { Mailer } from './mail/mailer.js';
import type { Permissions } from './permissions/permissions.js';

/** What the core gives every module. Built once in buildApp (or in the CLI / worker). */
export interface CoreServices {
  config: Config;
  database: Database;
  db: Db;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  permissions: Permissions;
  mailer: Mailer;
  jobs: JobQueue;
  /** Imported areas: locate a point, serve layers to maps. */
  areas: Areas;
  /** The enabled modules, for the hooks they give the core. */
  modules: ModuleManifest[];
}
