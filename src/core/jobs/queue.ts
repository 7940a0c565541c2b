import type { Database } from '../db/database.js';
import type { JobQueue } from './jobs.js';
import { PgBossJobQueue, type PgBossQueueOptions } from './pgboss-queue.js';

/** The job queue of the web process and of `ville worker`: pg-boss, on both engines. */
export function createJobQueue(database: Database, options: PgBossQueueOptions = {}): JobQueue {
  return new PgBossJobQueue(database, options);
}
