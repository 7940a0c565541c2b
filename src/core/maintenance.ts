import { purgeExpiredTokens } from './auth/accounts.service.js';
import type { CoreServices } from './services.js';

export const PURGE_EXPIRED_JOB = 'core.purge-expired';
const EVERY_MS = 60 * 60 * 1000;

export interface PurgeSummary {
  sessions: number;
  tokens: number;
  rateLimits: number;
}

/** Deletes what has expired: sessions, single-use tokens, rate-limit windows. */
export async function purgeExpired(
  core: Pick<CoreServices, 'db' | 'sessions' | 'rateLimiter'>,
): Promise<PurgeSummary> {
  return {
    sessions: await core.sessions.purgeExpired(),
    tokens: await purgeExpiredTokens(core),
    rateLimits: await core.rateLimiter.purgeExpired(),
  };
}

export function registerMaintenanceJobs(core: CoreServices): void {
  core.jobs.register(PURGE_EXPIRED_JOB, async () => {
    await purgeExpired(core);
  });
}

/**
 * In each process that works jobs, asks for a purge now and every hour. The singleton key
 * keeps several instances from queueing the same purge twice.
 */
export function scheduleMaintenance(core: CoreServices): () => void {
  const request = () =>
    core.jobs.send(PURGE_EXPIRED_JOB, {}, { singletonKey: PURGE_EXPIRED_JOB, retryLimit: 1 }).catch(() => {
      // the next hour tries again
    });
  void request();
  const timer = setInterval(request, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
