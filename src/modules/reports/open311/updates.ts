/**
 * mySociety's `POST /servicerequestupdates`: a client (a contractor's system, a FixMyStreet-style
 * platform) tells us a report's new status. Each extended status maps to one workflow action,
 * carried out by R2's `actOnReport` — so the timeline, audit and notifications are those of an
 * agent's action.
 *
 * Who acts: the account that created the API key (`report_api_key.created_by`), with its own
 * rights (an administrator: every service; an agent: only the reports of their services). A key
 * made without an account (e.g. by the CLI without --owner) may create reports but not act on
 * them (403).
 */
import type { Actor } from '../../../core/audit/audit.js';
import { loadViewer } from '../../../core/auth/viewer.js';
import { DomainError, ValidationError } from '../../../core/http/errors.js';
import type { CoreServices } from '../../../core/services.js';
import {
  type FormFields,
  MAX_DESCRIPTION_LENGTH,
  type Open311Error,
  parseW3cDateTime,
} from '../domain/open311.js';
import {
  type Open311ExtendedStatus,
  open311ExtendedStatus,
  type RejectionKind,
  type WorkflowAction,
} from '../domain/workflow.js';
import { actOnReport } from '../reports.agent.service.js';
import { fieldValue } from './http.js';
import { apiKeyOwner, findReportByReference, latestPublicEventId } from './open311.store.js';

export const EXTENDED_STATUSES: readonly Open311ExtendedStatus[] = [
  'OPEN',
  'CLOSED',
  'FIXED',
  'IN_PROGRESS',
  'ACTION_SCHEDULED',
  'INVESTIGATING',
  'DUPLICATE',
  'NOT_COUNCILS_RESPONSIBILITY',
  'NO_FURTHER_ACTION',
  'INTERNAL_REFERRAL',
  'FOR_TRIAGE',
  'CANCELLED',
  'REOPEN',
];

interface StatusAction {
  action: WorkflowAction;
  reasonCode?: string;
  reasonKind?: RejectionKind;
}

/**
 * Extended status → workflow action. CLOSED means "handled" for the client, so it closes the
 * report as done (our `watched` is an agent's own choice). IN_PROGRESS and INVESTIGATING take the
 * report up (to_process). OPEN, REOPEN (the reporter's right only), FOR_TRIAGE, INTERNAL_REFERRAL
 * and CANCELLED have no action here: 400.
 */
export const STATUS_ACTIONS: Partial<Record<Open311ExtendedStatus, StatusAction>> = {
  FIXED: { action: 'mark_done' },
  CLOSED: { action: 'mark_done' },
  IN_PROGRESS: { action: 'qualify' },
  INVESTIGATING: { action: 'qualify' },
  ACTION_SCHEDULED: { action: 'schedule' },
  NO_FURTHER_ACTION: { action: 'reject', reasonCode: 'other', reasonKind: 'no_further_action' },
  NOT_COUNCILS_RESPONSIBILITY: {
    action: 'reject',
    reasonCode: 'not_city_responsibility',
    reasonKind: 'not_responsible',
  },
  DUPLICATE: { action: 'mark_duplicate' },
};

export type UpdateResult = { ok: true; updateId: string } | { ok: false; errors: Open311Error[] };

/** A DomainError from a service, as Open311 errors (the description is the error's own message). */
export function domainErrorToOpen311(error: DomainError): Open311Error[] {
  const code = error.status === 403 ? 403 : error.status === 404 ? 404 : 400;
  if (error instanceof ValidationError) {
    // R1's ReportValidationError carries the message parameters of each field (max, city…).
    const fieldParams = (error as { fieldParams?: Record<string, Record<string, string | number>> })
      .fieldParams;
    return Object.entries(error.fields).map(([field, key]) => ({
      code: 400 as const,
      key,
      params: fieldParams?.[field],
    }));
  }
  return [{ code, key: error.code, params: error.params }];
}

/** Apply a posted update; the key is already checked. */
export async function applyOpen311Update(
  core: CoreServices,
  apiKey: { id: string; name: string },
  fields: FormFields,
  actor: Actor,
): Promise<UpdateResult> {
  const errors: Open311Error[] = [];
  const reference = fieldValue(fields, 'service_request_id')?.toUpperCase() ?? null;
  const statusText = fieldValue(fields, 'status')?.toUpperCase().replace(/ /g, '_') ?? null;
  const description = fieldValue(fields, 'description');
  if (!reference) errors.push({ code: 400, key: 'reports.open311.errors.service_request_id_required' });
  const status = EXTENDED_STATUSES.find((known) => known === statusText) ?? null;
  if (!status) {
    errors.push({
      code: 400,
      key: 'reports.open311.errors.update_status_invalid',
      params: { statuses: EXTENDED_STATUSES.join(', ') },
    });
  } else if (!STATUS_ACTIONS[status]) {
    errors.push({ code: 400, key: 'reports.open311.errors.update_status_unsupported', params: { status } });
  }
  if (description && [...description].length > MAX_DESCRIPTION_LENGTH) {
    errors.push({
      code: 400,
      key: 'reports.open311.errors.description_too_long',
      params: { max: MAX_DESCRIPTION_LENGTH },
    });
  }
  const report = reference ? await findReportByReference(core.db, reference) : null;
  if (reference && (!report || report.state === 'archived')) {
    errors.push({ code: 404, key: 'reports.open311.errors.request_not_found' });
  }
  if (errors.length > 0 || !report || !status) return { ok: false, errors };
  const mapping = STATUS_ACTIONS[status]!;

  const ownerId = await apiKeyOwner(core.db, apiKey.id);
  const viewer = ownerId ? await loadViewer(core.db, ownerId) : null;
  if (!viewer)
    return { ok: false, errors: [{ code: 403, key: 'reports.open311.errors.update_key_without_owner' }] };

  // A client resending the status the report already has (FixMyStreet retries): nothing to do.
  const current = open311ExtendedStatus(report.state, null);
  const sameRejection = status === 'NOT_COUNCILS_RESPONSIBILITY' || status === 'NO_FURTHER_ACTION';
  if (current === status || (sameRejection && report.state === 'rejected')) {
    const latest = await latestPublicEventId(core.db, report.id);
    return { ok: true, updateId: latest ?? '' };
  }

  const input: Parameters<typeof actOnReport>[4] = {};
  if (description) input.note = description;
  if (mapping.reasonCode) input.reasonCode = mapping.reasonCode;
  if (mapping.reasonKind) input.reasonKind = mapping.reasonKind;
  if (mapping.action === 'schedule') {
    const when = fieldValue(fields, 'expected_datetime') ?? fieldValue(fields, 'updated_datetime');
    const date = when ? parseW3cDateTime(when) : new Date();
    if (!date) {
      return {
        ok: false,
        errors: [
          { code: 400, key: 'reports.open311.errors.date_invalid', params: { param: 'expected_datetime' } },
        ],
      };
    }
    input.scheduledFor = date;
  }
  if (mapping.action === 'mark_duplicate') {
    const originalRef = fieldValue(fields, 'duplicate_of')?.toUpperCase();
    const original = originalRef ? await findReportByReference(core.db, originalRef) : null;
    if (!original)
      return { ok: false, errors: [{ code: 400, key: 'reports.open311.errors.duplicate_of_required' }] };
    input.duplicateOfId = original.id;
  }

  try {
    await actOnReport(core, viewer, report.id, mapping.action, input, actor);
  } catch (error) {
    if (error instanceof DomainError) {
      if (error.status === 403) {
        return { ok: false, errors: [{ code: 403, key: 'reports.open311.errors.update_forbidden' }] };
      }
      return { ok: false, errors: domainErrorToOpen311(error) };
    }
    throw error;
  }
  const updateId = await latestPublicEventId(core.db, report.id);
  return { ok: true, updateId: updateId ?? '' };
}
