import type { Actor } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import type { CoreServices } from '../../core/services.js';
import type { RejectionKind, ReportState, WorkflowAction } from './domain/workflow.js';
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
  satisfied: boolean | null;
  targetDays: number | null;
  followerCount: number;
  timeline: AgentTimelineEvent[];
  photos: AgentPhoto[];
  /** Workflow actions the viewer may take from the current state. */
  availableActions: WorkflowAction[];
  /** Agents of the report's service, for the assignment select. */
  serviceAgents: { id: string; name: string }[];
}

/** What an agent may send with a workflow action (see TransitionInput of the domain). */
export interface AgentActionInput {
  note?: string;
  scheduledFor?: Date;
  reasonCode?: string;
  reasonKind?: RejectionKind;
  duplicateOfId?: string;
  thirdPartyId?: string;
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

export async function agentQueue(
  _core: CoreServices,
  _viewer: Viewer | null,
  _q: AgentQueueQuery,
): Promise<{ items: AgentReportRow[]; total: number }> {
  throw new Error('not implemented');
}

export async function getReportForAgent(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
): Promise<AgentReport | null> {
  throw new Error('not implemented');
}

export async function actOnReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _action: WorkflowAction,
  _input: AgentActionInput,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function bulkAct(
  _core: CoreServices,
  _viewer: Viewer | null,
  _ids: string[],
  _action: WorkflowAction,
  _input: AgentActionInput,
  _actor: Actor,
): Promise<{ done: number; failed: { id: string; code: string }[] }> {
  throw new Error('not implemented');
}

export async function transferReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _toServiceId: string,
  _reason: string,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function assignReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _agentUserId: string | null,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function addNote(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _note: { text: string; public: boolean },
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function reviewPhoto(
  _core: CoreServices,
  _viewer: Viewer | null,
  _photoId: string,
  _decision: 'accepted' | 'refused',
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function addAfterFixPhoto(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _photo: AgentPhotoUpload,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function reopenReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _message: string,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function rateFix(
  _core: CoreServices,
  _viewer: Viewer | null,
  _id: string,
  _satisfied: boolean,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function backlog(_core: CoreServices, _viewer: Viewer | null): Promise<BacklogRow[]> {
  throw new Error('not implemented');
}
