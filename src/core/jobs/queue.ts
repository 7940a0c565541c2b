import type { Database } from '../db/database.js';
import { ImmediateJobQueue, type JobQueue } from './jobs.js';

export function createJobQueue(_database: Database): JobQueue {
  return new ImmediateJobQueue();
}
