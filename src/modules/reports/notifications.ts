import type { App } from '../../core/http/types.js';
import type { CoreServices } from '../../core/services.js';
import './reports.tables.js';

export const DAILY_DIGEST_JOB = 'reports.daily-digest';
export const ESCALATE_LATE_JOB = 'reports.escalate-late';

/** A public change the reporter and followers are told about. */
export type ReportChange =
  | { kind: 'status'; from: string; to: string; reasonCode?: string; note?: string }
  | { kind: 'message'; text: string }
  | { kind: 'transferred'; fromService: string | null; toService: string }
  | { kind: 'after_fix' }
  | { kind: 'reopened'; message: string };

/** Acknowledgement to the reporter after a submission (reference and link). R1 calls it after submit. */
export async function notifyReportCreated(_core: CoreServices, _reportId: string): Promise<void> {
  throw new Error('not implemented');
}

/** Mails the reporter (if they may be mailed) and followers with notify_by_email about a public change. */
export async function notifyReportChange(
  _core: CoreServices,
  _reportId: string,
  _change: ReportChange,
): Promise<void> {
  throw new Error('not implemented');
}

/** Signed token of the unsubscribe link: base64url(reportId + email) + '.' + HMAC-SHA256. */
export function unsubscribeToken(_secret: string, _reportId: string, _email: string): string {
  throw new Error('not implemented');
}

export function unsubscribeUrl(_core: CoreServices, _reportId: string, _email: string): string {
  throw new Error('not implemented');
}

/** GET/POST /signalements/desabonnement/:token */
export async function registerReportNotificationRoutes(_app: App, _core: CoreServices): Promise<void> {
  throw new Error('not implemented');
}

/** Registers reports.daily-digest and reports.escalate-late. The manifest's `jobs` calls it. */
export function registerReportJobs(_core: CoreServices): void {
  throw new Error('not implemented');
}

/** In each process that works jobs: asks for the digest and the escalation now and periodically. */
export function scheduleReportJobs(_core: CoreServices): () => void {
  throw new Error('not implemented');
}

export async function runDailyDigest(_core: CoreServices, _now?: Date): Promise<{ mailed: number }> {
  throw new Error('not implemented');
}

export async function runEscalation(_core: CoreServices, _now?: Date): Promise<{ escalated: number }> {
  throw new Error('not implemented');
}
