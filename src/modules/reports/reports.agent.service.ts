/**
 * Agent-side report use cases: the queue of the viewer's services, the detail with internal
 * notes and reporter contact, the workflow (through the pure domain), transfer, assignment,
 * notes and public messages, photo review, after-fix photo, backlog; and the reporter's
 * "still not fixed" (reopen) and "fixed well?" (rateFix). Permission checks and audit here;
 * SQL in reports.agent.store.ts; mail in notifications.ts.
 *
 * Timeline event kinds written here (report_event.kind; `public` in brackets):
 * - `status_changed` [public] {action, from, to, note?, reasonCode?, reasonKind?, scheduledFor?,
 *   duplicateOfId?, duplicateOfReference?, categoryId?, serviceId?, serviceName?, afterPhotoId?}
 *   — also the reporter's reopen (action `reopen`, note = the reporter's message)
 * - `transferred` [public] {fromServiceId, fromServiceName, toServiceId, toServiceName}
 * - `note` [internal] {text, context?: 'transfer'} — the transfer reason is an internal note
 * - `message` [public] {text} — a message from the service to the reporter (mailed)
 * - `assigned` [internal] {agentId, agentName}
 * - `photo_reviewed` [internal] {photoId, decision}
 * - `after_fix_photo` [public] {photoId}
 * - `rated` [internal] {satisfied}
 * - `escalated` [internal] {dueAt} (notifications.ts)
 */
import type { Actor } from '../../core/audit/audit.js';
import { recordAudit } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import { isAgent } from '../../core/auth/viewer.js';
import type { Db } from '../../core/db/database.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../core/http/errors.js';
import type { CoreServices } from '../../core/services.js';
import { PATH_SEPARATOR } from './domain/categories.js';
import { ReportRuleError } from './domain/errors.js';
import { routeReport } from './domain/routing.js';
import {
  applyTransition,
  availableActions,
  isOpenState,
  isReportState,
  type RejectionKind,
  type ReportState,
  type TransitionInput,
  type WorkflowAction,
  type WorkflowReport,
} from './domain/workflow.js';
import { notifyReportChange } from './notifications.js';
import { processPhoto, storePhotoFile } from './photos.js';
import * as store from './reports.agent.store.js';
import './reports.tables.js';

/** A photo as it arrives from a form or the API (same shape as R1's ReportPhotoUpload). */
export interface AgentPhotoUpload {
  filename: string;
  mimetype: string;
  data: Buffer;
}

export interface AgentQueueQuery {
  serviceId?: string;
  states?: string[];
  categoryId?: string;
  arrondissementCode?: string;
  /** true: only late reports; false: only reports on time. */
  late?: boolean;
  sort: 'age' | 'lateness';
  page: number;
  pageSize: number;
}

export interface AgentReportRow {
  id: string;
  reference: string;
  state: ReportState;
  categoryId: string;
  /** "Propreté › Dépôt sauvage". */
  categoryLabel: string;
  serviceId: string | null;
  serviceName: string | null;
  address: string;
  arrondissementCode: string | null;
  arrondissementName: string | null;
  assignedAgentId: string | null;
  assignedAgentName: string | null;
  createdAt: Date;
  /** created_at + category target_days; null when the category has no target. */
  dueAt: Date | null;
  /** Open and past its due date. */
  late: boolean;
  /** now − dueAt in whole days (negative: days left); null without a target. */
  lateDays: number | null;
  lat: number;
  lon: number;
}

export interface AgentTimelineEvent {
  id: number;
  at: Date;
  kind: string;
  public: boolean;
  actorId: string | null;
  actorName: string | null;
  data: Record<string, unknown>;
}

export interface AgentPhoto {
  id: string;
  kind: 'initial' | 'after_fix';
  status: 'pending' | 'accepted' | 'refused';
  width: number;
  height: number;
  createdAt: Date;
}

export interface AgentReport extends AgentReportRow {
  description: string;
  quartierCode: string | null;
  quartierName: string | null;
  channel: 'web' | 'open311' | 'backoffice';
  routing: Record<string, unknown>;
  attributes: Record<string, unknown>;
  reporter: { userId: string | null; name: string; email: string; phone: string };
  scheduledFor: Date | null;
  closedAt: Date | null;
  duplicateOf: string | null;
  reasonCode: string | null;
  /** The contractor of a report handed to a third party; agents only. */
  thirdParty: { id: string; name: string } | null;
  satisfied: boolean | null;
  targetDays: number | null;
  followerCount: number;
  timeline: AgentTimelineEvent[];
  photos: AgentPhoto[];
  /** Workflow actions an agent may take from the current state. */
  availableActions: WorkflowAction[];
  /** Agents of the report's service, for the assignment select. */
  serviceAgents: { id: string; name: string }[];
}

/** What an agent may send with a workflow action (see TransitionInput of the domain). */
export interface AgentActionInput {
  /** Shown publicly in the timeline and mailed to the reporter with the status change. */
  note?: string;
  scheduledFor?: Date;
  reasonCode?: string;
  reasonKind?: RejectionKind;
  duplicateOfId?: string;
  /** transfer_third_party: the contractor's id (from the city's list) or the name typed. */
  thirdPartyId?: string;
  /** The contractor's name as agents read it (the id when absent). */
  thirdPartyName?: string;
  categoryId?: string;
  serviceId?: string;
  afterPhotoId?: string;
}

export interface BacklogRow {
  serviceId: string;
  serviceName: string;
  open: number;
  late: number;
}

/** Rejection reasons offered to agents (codes stored in reason_code; labels are i18n keys). */
export const REJECTION_REASONS = [
  {
    code: 'not_city_responsibility',
    kind: 'not_responsible',
    labelKey: 'reports.reject_reason.not_city_responsibility',
  },
  { code: 'private_property', kind: 'not_responsible', labelKey: 'reports.reject_reason.private_property' },
  { code: 'not_found', kind: 'no_further_action', labelKey: 'reports.reject_reason.not_found' },
  { code: 'already_fixed', kind: 'no_further_action', labelKey: 'reports.reject_reason.already_fixed' },
  { code: 'other', kind: 'no_further_action', labelKey: 'reports.reject_reason.other' },
] as const satisfies readonly { code: string; kind: RejectionKind; labelKey: string }[];

export const NOTE_MAX_LENGTH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const AGENT_ERROR_CODES = [
  'reports.agent.not_found',
  'reports.agent.original_not_found',
  'reports.agent.category_unknown',
  'reports.agent.service_unknown',
  'reports.agent.transfer_same_service',
  'reports.agent.transfer_closed',
  'reports.agent.reason_required',
  'reports.agent.assignee_not_member',
  'reports.agent.no_service',
  'reports.agent.note_required',
  'reports.agent.note_too_long',
  'reports.agent.message_required',
  'reports.agent.photo_not_found',
  'reports.agent.rate_not_done',
  'reports.agent.already_rated',
  'reports.agent.reporter_only',
  'reports.agent.third_party_too_long',
] as const;

/** Longest contractor id or name kept (the database checks it too). */
export const THIRD_PARTY_MAX_LENGTH = 200;

// ---- access -------------------------------------------------------------------------------

function requireAgent(viewer: Viewer | null): Viewer {
  if (!viewer || !isAgent(viewer)) throw new ForbiddenError();
  return viewer;
}

function isManager(viewer: Viewer): boolean {
  return viewer.memberships.some((m) => m.role === 'manager');
}

/** Members of the report's service and admins; triage (no service) for admins and managers. */
export function canHandleReport(viewer: Viewer | null, serviceId: string | null): boolean {
  if (!viewer) return false;
  if (viewer.isAdmin) return true;
  if (serviceId === null) return isManager(viewer);
  return viewer.memberships.some((m) => m.serviceId === serviceId);
}

function assertHandles(viewer: Viewer, serviceId: string | null): void {
  if (!canHandleReport(viewer, serviceId)) throw new ForbiddenError();
}

function userActor(viewer: Viewer) {
  return { kind: 'agent' as const, id: viewer.id };
}

// ---- reading ------------------------------------------------------------------------------

function categoryLabel(r: {
  category_label: string;
  parent_label: string | null;
  grandparent_label: string | null;
}) {
  return [r.grandparent_label, r.parent_label, r.category_label]
    .filter((l): l is string => !!l)
    .join(PATH_SEPARATOR);
}

function toRow(r: store.AgentReportRecord, now: Date): AgentReportRow {
  const state = (isReportState(r.state) ? r.state : 'new') as ReportState;
  const dueAt = r.due_at ? new Date(r.due_at) : null;
  const lateMs = dueAt ? now.getTime() - dueAt.getTime() : null;
  return {
    id: r.id,
    reference: r.reference,
    state,
    categoryId: r.category_id,
    categoryLabel: categoryLabel(r),
    serviceId: r.service_id,
    serviceName: r.service_name,
    address: r.address,
    arrondissementCode: r.arrondissement_code,
    arrondissementName: r.arrondissement_name,
    assignedAgentId: r.assigned_agent_id,
    assignedAgentName: r.assigned_agent_name,
    createdAt: new Date(r.created_at),
    dueAt,
    late: lateMs !== null && lateMs > 0 && isOpenState(state),
    lateDays: lateMs === null ? null : Math.floor(lateMs / DAY_MS),
    lat: r.location.y,
    lon: r.location.x,
  };
}

export async function agentQueue(
  core: CoreServices,
  viewer: Viewer | null,
  q: AgentQueueQuery,
  now: Date = new Date(),
): Promise<{ items: AgentReportRow[]; total: number }> {
  const agent = requireAgent(viewer);
  let serviceIds: string[] | null = agent.isAdmin ? null : agent.memberships.map((m) => m.serviceId);
  let includeTriage = !agent.isAdmin && isManager(agent);
  if (q.serviceId) {
    if (!agent.isAdmin && !serviceIds?.includes(q.serviceId)) throw new ForbiddenError();
    serviceIds = [q.serviceId];
    includeTriage = false;
  }
  const pageSize = Math.min(Math.max(Math.trunc(q.pageSize) || 25, 1), 200);
  const page = Math.max(Math.trunc(q.page) || 1, 1);
  const { rows, total } = await store.listQueue(core.db, {
    serviceIds,
    includeTriage,
    states: q.states?.filter(isReportState),
    categoryId: q.categoryId,
    arrondissementCode: q.arrondissementCode,
    late: q.late,
    sort: q.sort === 'lateness' ? 'lateness' : 'age',
    now,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: rows.map((r) => toRow(r, now)), total };
}

export async function getReportForAgent(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  now: Date = new Date(),
): Promise<AgentReport | null> {
  const agent = requireAgent(viewer);
  const r = await store.findReportDetail(core.db, id);
  if (!r) return null;
  assertHandles(agent, r.service_id);
  const [timeline, photos, followerCount, agents] = await Promise.all([
    store.listTimeline(core.db, r.id),
    store.listPhotos(core.db, r.id),
    store.countFollowers(core.db, r.id),
    r.service_id ? store.listServiceAgents(core.db, r.service_id) : Promise.resolve([]),
  ]);
  const row = toRow(r, now);
  return {
    ...row,
    description: r.description,
    quartierCode: r.quartier_code,
    quartierName: r.quartier_name,
    channel: r.channel,
    routing: r.routing ?? {},
    attributes: r.attributes ?? {},
    reporter: {
      userId: r.reporter_user_id,
      name: r.reporter_name,
      email: r.reporter_email,
      phone: r.reporter_phone,
    },
    scheduledFor: r.scheduled_for ? new Date(r.scheduled_for) : null,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    duplicateOf: r.duplicate_of,
    reasonCode: r.reason_code,
    thirdParty: r.third_party_id
      ? { id: r.third_party_id, name: r.third_party_name ?? r.third_party_id }
      : null,
    satisfied: r.satisfied,
    targetDays: r.target_days,
    followerCount,
    timeline: timeline.map((e) => ({
      id: Number(e.id),
      at: new Date(e.at),
      kind: e.kind,
      public: e.public,
      actorId: e.actor_id,
      actorName: e.actor_name,
      data: e.data ?? {},
    })),
    photos: photos.map((p) => ({
      id: p.id,
      kind: p.kind,
      status: p.status,
      width: p.width,
      height: p.height,
      createdAt: new Date(p.created_at),
    })),
    availableActions: availableActions(row.state, 'agent').filter(
      (a) => a !== 'archive' || !isOpenState(row.state),
    ),
    serviceAgents: agents.map((a) => ({ id: a.id, name: a.display_name })),
  };
}

// ---- workflow -----------------------------------------------------------------------------

type LockedReport = NonNullable<Awaited<ReturnType<typeof store.lockReport>>>;

function workflowReport(r: LockedReport): WorkflowReport {
  return {
    id: r.id,
    state: (isReportState(r.state) ? r.state : 'new') as ReportState,
    serviceId: r.service_id,
    reporterId: r.reporter_user_id,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    scheduledFor: r.scheduled_for ? new Date(r.scheduled_for) : null,
    rejection: r.reason_code ? { reasonCode: r.reason_code, kind: 'no_further_action' } : null,
    duplicateOfId: r.duplicate_of,
    thirdPartyId: r.third_party_id,
  };
}

async function lockOrNotFound(db: Db, id: string): Promise<LockedReport> {
  const report = await store.lockReport(db, id);
  if (!report) throw new NotFoundError('reports.agent.not_found');
  return report;
}

/** Re-runs the routing for a requalified report: category default service narrowed by the report's areas. */
async function rerouteReport(db: Db, categoryId: string, areaIds: string[]) {
  const category = await store.findCategory(db, categoryId);
  const services = await store.listRoutingServices(db);
  const decision = routeReport({
    defaultServiceId: category?.default_service_id ?? null,
    services: services.map((s) => ({
      id: s.id,
      code: s.code,
      directorateId: s.directorate_id,
      areaIds: s.area_ids,
      active: s.active,
    })),
    pointAreaIds: areaIds,
  });
  return decision;
}

interface TransitionOutcome {
  reportId: string;
  from: ReportState;
  to: ReportState;
  notify: boolean;
  note?: string;
  reasonCode?: string;
}

async function transitionInTx(
  tx: Db,
  viewer: Viewer,
  id: string,
  action: WorkflowAction,
  input: AgentActionInput,
  actor: Actor,
  now: Date,
): Promise<TransitionOutcome> {
  const report = await lockOrNotFound(tx, id);
  assertHandles(viewer, report.service_id);

  if (action === 'transfer_third_party') {
    const tooLong = [input.thirdPartyId, input.thirdPartyName].some(
      (v) => (v?.trim().length ?? 0) > THIRD_PARTY_MAX_LENGTH,
    );
    if (tooLong) throw new ValidationError({ thirdPartyId: 'reports.agent.third_party_too_long' });
  }
  const transitionInput: TransitionInput = { ...input, actor: userActor(viewer) };
  if (action === 'reject' && input.reasonCode && !input.reasonKind) {
    transitionInput.reasonKind = REJECTION_REASONS.find((r) => r.code === input.reasonCode)?.kind;
  }
  const result = applyTransition(workflowReport(report), action, transitionInput, now);

  const eventData: Record<string, unknown> = {
    action,
    from: result.event.from,
    to: result.event.to,
  };
  for (const key of [
    'note',
    'reasonCode',
    'reasonKind',
    'duplicateOfId',
    'thirdPartyId',
    'afterPhotoId',
  ] as const) {
    if (result.event[key] !== undefined) eventData[key] = result.event[key];
  }
  if (result.event.scheduledFor) eventData.scheduledFor = result.event.scheduledFor.toISOString();

  const values: Parameters<typeof store.updateReport>[2] = {
    state: result.report.state,
    closed_at: result.report.closedAt,
    scheduled_for: result.report.scheduledFor ?? null,
    reason_code: result.report.rejection?.reasonCode ?? null,
    duplicate_of: result.report.duplicateOfId ?? null,
  };
  if (action === 'transfer_third_party' && result.report.thirdPartyId) {
    // Who the report went to, by id and by name: the history and the audit keep both.
    const name = input.thirdPartyName?.trim() || result.report.thirdPartyId;
    values.third_party_id = result.report.thirdPartyId;
    values.third_party_name = name;
    eventData.thirdPartyName = name;
  } else if (!result.report.thirdPartyId) {
    values.third_party_id = null;
    values.third_party_name = null;
  }

  if (action === 'mark_duplicate') {
    const originalId = result.report.duplicateOfId ?? '';
    const original = await store.findNotificationTarget(tx, originalId);
    if (!original) throw new ReportRuleError('reports.agent.original_not_found');
    eventData.duplicateOfReference = original.reference;
  }
  if (action === 'mark_done' && input.afterPhotoId) {
    const photo = await store.findPhoto(tx, input.afterPhotoId);
    if (!photo || photo.report_id !== report.id) throw new ReportRuleError('reports.agent.photo_not_found');
  }
  if (action === 'requalify') {
    let categoryId = report.category_id;
    if (input.categoryId) {
      const category = await store.findCategory(tx, input.categoryId);
      if (!category?.active) throw new ValidationError({ categoryId: 'reports.agent.category_unknown' });
      categoryId = category.id;
      values.category_id = category.id;
      eventData.categoryId = category.id;
    }
    let serviceId = result.report.serviceId;
    if (input.serviceId) {
      const service = await store.findServiceInfo(tx, input.serviceId);
      if (!service?.active) throw new ValidationError({ serviceId: 'reports.agent.service_unknown' });
      eventData.serviceId = service.id;
      eventData.serviceName = service.name;
    }
    if (result.effects.rerunRouting) {
      const decision = await rerouteReport(tx, categoryId, report.area_ids);
      serviceId = decision.serviceId;
      const service = serviceId ? await store.findServiceInfo(tx, serviceId) : null;
      values.routing = JSON.stringify({
        reason: decision.reason,
        matchedAreaId: decision.matchedAreaId,
        serviceId,
        service: service?.name ?? null,
        requalifiedAt: now.toISOString(),
      });
      eventData.serviceId = serviceId;
      eventData.serviceName = service?.name ?? null;
    }
    values.service_id = serviceId;
    if (serviceId !== report.service_id) values.assigned_agent_id = null;
  }

  await store.updateReport(tx, report.id, values, now);
  await store.insertEvent(tx, {
    reportId: report.id,
    kind: 'status_changed',
    actorId: viewer.id,
    public: true,
    data: eventData,
    at: now,
  });
  if (result.effects.moveFollowersTo) {
    await store.moveFollowers(tx, report.id, result.effects.moveFollowersTo, report.reporter_user_id);
  }
  await recordAudit(tx, actor, {
    action: `reports.workflow.${action}`,
    objectType: 'report',
    objectId: report.id,
    details: { reference: report.reference, ...eventData },
  });
  return {
    reportId: report.id,
    from: result.event.from,
    to: result.event.to,
    notify: result.effects.notifyFollowers,
    note: result.event.note,
    reasonCode: result.event.reasonCode,
  };
}

async function notifyTransition(
  core: CoreServices,
  outcome: TransitionOutcome,
  exceptUserId?: string,
): Promise<void> {
  if (!outcome.notify) return;
  await notifyReportChange(
    core,
    outcome.reportId,
    {
      kind: 'status',
      from: outcome.from,
      to: outcome.to,
      note: outcome.note,
      reasonCode: outcome.reasonCode,
    },
    { exceptUserId },
  );
}

export async function actOnReport(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  action: WorkflowAction,
  input: AgentActionInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const agent = requireAgent(viewer);
  const outcome = await core.db
    .transaction()
    .execute((tx) => transitionInTx(tx, agent, id, action, input, actor, now));
  await notifyTransition(core, outcome);
}

export async function bulkAct(
  core: CoreServices,
  viewer: Viewer | null,
  ids: string[],
  action: WorkflowAction,
  input: AgentActionInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<{ done: number; failed: { id: string; code: string }[] }> {
  requireAgent(viewer);
  let done = 0;
  const failed: { id: string; code: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await actOnReport(core, viewer, id, action, input, actor, now);
      done += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      failed.push({ id, code: error.code });
    }
  }
  return { done, failed };
}

export async function transferReport(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  toServiceId: string,
  reason: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const agent = requireAgent(viewer);
  const text = reason.trim();
  const change = await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    assertHandles(agent, report.service_id);
    const fields: Record<string, string> = {};
    const target = await store.findServiceInfo(tx, toServiceId);
    if (!target?.active) fields.toServiceId = 'reports.agent.service_unknown';
    else if (target.id === report.service_id) fields.toServiceId = 'reports.agent.transfer_same_service';
    if (!text) fields.reason = 'reports.agent.reason_required';
    else if (text.length > NOTE_MAX_LENGTH) fields.reason = 'reports.agent.note_too_long';
    if (Object.keys(fields).length > 0 || !target) throw new ValidationError(fields);
    if (!isReportState(report.state) || !isOpenState(report.state)) {
      throw new ReportRuleError('reports.agent.transfer_closed');
    }
    const from = report.service_id ? await store.findServiceInfo(tx, report.service_id) : null;
    await store.updateReport(tx, report.id, { service_id: target.id, assigned_agent_id: null }, now);
    const data = {
      fromServiceId: from?.id ?? null,
      fromServiceName: from?.name ?? null,
      toServiceId: target.id,
      toServiceName: target.name,
    };
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'transferred',
      actorId: agent.id,
      public: true,
      data,
      at: now,
    });
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'note',
      actorId: agent.id,
      public: false,
      data: { text, context: 'transfer' },
      at: now,
    });
    await recordAudit(tx, actor, {
      action: 'reports.transfer',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference, ...data, reason: text },
    });
    return { reportId: report.id, fromService: from?.name ?? null, toService: target.name };
  });
  await notifyReportChange(core, change.reportId, {
    kind: 'transferred',
    fromService: change.fromService,
    toService: change.toService,
  });
}

export async function assignReport(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  agentUserId: string | null,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const agent = requireAgent(viewer);
  await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    assertHandles(agent, report.service_id);
    let agentName: string | null = null;
    if (agentUserId) {
      if (!report.service_id) throw new ReportRuleError('reports.agent.no_service');
      const members = await store.listServiceAgents(tx, report.service_id);
      const member = members.find((m) => m.id === agentUserId);
      if (!member) throw new ValidationError({ agentUserId: 'reports.agent.assignee_not_member' });
      agentName = member.display_name;
    }
    await store.updateReport(tx, report.id, { assigned_agent_id: agentUserId }, now);
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'assigned',
      actorId: agent.id,
      public: false,
      data: { agentId: agentUserId, agentName },
      at: now,
    });
    await recordAudit(tx, actor, {
      action: 'reports.assign',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference, agentId: agentUserId },
    });
  });
}

function checkText(text: string, field: string, requiredKey: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new ValidationError({ [field]: requiredKey });
  if (trimmed.length > NOTE_MAX_LENGTH) throw new ValidationError({ [field]: 'reports.agent.note_too_long' });
  return trimmed;
}

export async function addNote(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  note: { text: string; public: boolean },
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const agent = requireAgent(viewer);
  const text = checkText(note.text, 'text', 'reports.agent.note_required');
  const reportId = await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    assertHandles(agent, report.service_id);
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: note.public ? 'message' : 'note',
      actorId: agent.id,
      public: note.public,
      data: { text },
      at: now,
    });
    await store.updateReport(tx, report.id, {}, now);
    await recordAudit(tx, actor, {
      action: note.public ? 'reports.message' : 'reports.note',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference },
    });
    return report.id;
  });
  if (note.public) await notifyReportChange(core, reportId, { kind: 'message', text });
}

export async function reviewPhoto(
  core: CoreServices,
  viewer: Viewer | null,
  photoId: string,
  decision: 'accepted' | 'refused',
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const agent = requireAgent(viewer);
  if (decision !== 'accepted' && decision !== 'refused')
    throw new ValidationError({ decision: 'core.errors.validation' });
  await core.db.transaction().execute(async (tx) => {
    const photo = await store.findPhoto(tx, photoId);
    if (!photo) throw new NotFoundError('reports.agent.photo_not_found');
    const report = await lockOrNotFound(tx, photo.report_id);
    assertHandles(agent, report.service_id);
    await store.setPhotoStatus(tx, photo.id, decision);
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'photo_reviewed',
      actorId: agent.id,
      public: false,
      data: { photoId: photo.id, decision },
      at: now,
    });
    await recordAudit(tx, actor, {
      action: 'reports.photo.review',
      objectType: 'report_photo',
      objectId: photo.id,
      details: { reportId: report.id, decision, before: photo.status },
    });
  });
}

/** The agent's own photo after the fix: processed like a citizen's (re-encoded, EXIF gone), public at once. */
export async function addAfterFixPhoto(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  photo: AgentPhotoUpload,
  actor: Actor,
  now: Date = new Date(),
): Promise<string> {
  const agent = requireAgent(viewer);
  const current = await store.findReportDetail(core.db, id);
  if (!current) throw new NotFoundError('reports.agent.not_found');
  assertHandles(agent, current.service_id);
  const processed = await processPhoto(photo.data);
  const storageKey = await storePhotoFile(core.config.dataDir, processed.jpeg);
  const photoId = await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    assertHandles(agent, report.service_id);
    const row = await tx
      .insertInto('report_photo')
      .values({
        report_id: report.id,
        kind: 'after_fix',
        status: 'accepted',
        storage_key: storageKey,
        width: processed.width,
        height: processed.height,
        bytes: processed.jpeg.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'after_fix_photo',
      actorId: agent.id,
      public: true,
      data: { photoId: row.id },
      at: now,
    });
    await store.updateReport(tx, report.id, {}, now);
    await recordAudit(tx, actor, {
      action: 'reports.photo.after_fix',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference, photoId: row.id },
    });
    return row.id;
  });
  await notifyReportChange(core, current.id, { kind: 'after_fix' });
  return photoId;
}

// ---- the reporter's side ------------------------------------------------------------------

/** "Still not fixed": the reporter reopens a done report within 30 days, back to the same service. */
export async function reopenReport(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  message: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  if (!viewer) throw new ForbiddenError('reports.agent.reporter_only');
  const text = checkText(message, 'message', 'reports.agent.message_required');
  const reportId = await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    const result = applyTransition(
      workflowReport(report),
      'reopen',
      { actor: { kind: 'reporter', id: viewer.id }, note: text },
      now,
    );
    await store.updateReport(
      tx,
      report.id,
      {
        state: result.report.state,
        closed_at: result.report.closedAt,
        scheduled_for: null,
        reason_code: null,
        duplicate_of: null,
      },
      now,
    );
    const data = { action: 'reopen', from: result.event.from, to: result.event.to, note: text };
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'status_changed',
      actorId: viewer.id,
      public: true,
      data,
      at: now,
    });
    await recordAudit(tx, actor, {
      action: 'reports.workflow.reopen',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference },
    });
    return report.id;
  });
  await notifyReportChange(core, reportId, { kind: 'reopened', message: text }, { exceptUserId: viewer.id });
}

/** "Fixed well?": one answer by the reporter once the report is done. */
export async function rateFix(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
  satisfied: boolean,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  if (!viewer) throw new ForbiddenError('reports.agent.reporter_only');
  await core.db.transaction().execute(async (tx) => {
    const report = await lockOrNotFound(tx, id);
    if (!report.reporter_user_id || report.reporter_user_id !== viewer.id) {
      throw new ForbiddenError('reports.agent.reporter_only');
    }
    if (report.state !== 'done' && !(report.state === 'archived' && report.closed_at)) {
      throw new ReportRuleError('reports.agent.rate_not_done');
    }
    if (report.satisfied !== null) throw new ReportRuleError('reports.agent.already_rated');
    await store.updateReport(tx, report.id, { satisfied }, now);
    await store.insertEvent(tx, {
      reportId: report.id,
      kind: 'rated',
      actorId: viewer.id,
      public: false,
      data: { satisfied },
      at: now,
    });
    await recordAudit(tx, actor, {
      action: 'reports.rate',
      objectType: 'report',
      objectId: report.id,
      details: { reference: report.reference, satisfied },
    });
  });
}

// ---- managers -----------------------------------------------------------------------------

/** Open and late counts per service of the viewer (admins: every service). */
export async function backlog(
  core: CoreServices,
  viewer: Viewer | null,
  now: Date = new Date(),
): Promise<BacklogRow[]> {
  const agent = requireAgent(viewer);
  const rows = await store.backlogCounts(
    core.db,
    agent.isAdmin ? null : agent.memberships.map((m) => m.serviceId),
    now,
  );
  return rows.map((r) => ({ serviceId: r.id, serviceName: r.name, open: r.open, late: r.late }));
}
