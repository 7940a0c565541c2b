/**
 * The report workflow as a pure state machine.
 *
 * Modelled on DansMaRue's "workflow 2" (see shared reference reports.md §2), simplified:
 * DansMaRue's technical states (initial, contractor check, WS failure) and the office/field
 * split (A faire bureau / terrain) fold into `to_process`; "A requalifier" is an action that
 * sends the report back to `new` (after the service re-runs routing) instead of a state.
 *
 *   new ──qualify──▶ to_process ──schedule──▶ scheduled ──mark_done──▶ done ──archive──▶ archived
 *    │                  │  ▲                      │                     │
 *    ├─ reject (reason) ┤  └──── reopen (reporter, ≤ 30 days) ─────────┘
 *    ├─ mark_duplicate (original ≠ self; followers move to the original)
 *    ├─ transfer_third_party ─▶ transferred_third_party ─▶ scheduled | done | rejected
 *    └─ watch ─▶ watched ─▶ to_process | scheduled
 */
import { ReportRuleError } from './errors.js';

export const REPORT_STATES = [
  'new',
  'to_process',
  'scheduled',
  'done',
  'rejected',
  'duplicate',
  'transferred_third_party',
  'watched',
  'archived',
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const WORKFLOW_ACTIONS = [
  'qualify',
  'schedule',
  'mark_done',
  'reject',
  'mark_duplicate',
  'transfer_third_party',
  'watch',
  'requalify',
  'archive',
  'reopen',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Who acts. `system` = scheduled jobs (archiving); `third_party` = a contractor's callback. */
export type ActorKind = 'agent' | 'reporter' | 'third_party' | 'system';
export interface WorkflowActor {
  kind: ActorKind;
  /** Account id (agent, reporter) or contractor id; absent for `system`. */
  id?: string;
}

/** Open = someone still has to act. Closed = handled (done, rejected, duplicate, watched, archived). */
export const OPEN_STATES: readonly ReportState[] = [
  'new',
  'to_process',
  'scheduled',
  'transferred_third_party',
];
export const CLOSED_STATES: readonly ReportState[] = ['done', 'rejected', 'duplicate', 'watched', 'archived'];
/** Archived reports disappear from public pages, the map, Open311 and exports; every other state is public. */
export const PUBLIC_STATES: readonly ReportState[] = REPORT_STATES.filter((state) => state !== 'archived');

export const REOPEN_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function isReportState(value: unknown): value is ReportState {
  return typeof value === 'string' && (REPORT_STATES as readonly string[]).includes(value);
}
export function isWorkflowAction(value: unknown): value is WorkflowAction {
  return typeof value === 'string' && (WORKFLOW_ACTIONS as readonly string[]).includes(value);
}
export function isOpenState(state: ReportState): boolean {
  return OPEN_STATES.includes(state);
}
export function isClosedState(state: ReportState): boolean {
  return CLOSED_STATES.includes(state);
}
export function isPublicState(state: ReportState): boolean {
  return PUBLIC_STATES.includes(state);
}

interface ActionRule {
  from: readonly ReportState[];
  /** Target state; `reopen` and `requalify` have fixed targets too. */
  to: ReportState;
  actors: readonly ActorKind[];
}

/**
 * Allowed transitions. DansMaRue equivalents in comments (state ids from its workflow_state table).
 * A third party (contractor) may only act on a report transferred to it.
 */
const RULES: Record<WorkflowAction, ActionRule> = {
  // A traiter 7→8, 22→8
  qualify: { from: ['new', 'watched'], to: 'to_process', actors: ['agent'] },
  // Programmer 7|8|16|17|22→9, Reprogrammer 9→9, contractor 18→21, 21→21
  schedule: {
    from: ['new', 'to_process', 'scheduled', 'watched', 'transferred_third_party'],
    to: 'scheduled',
    actors: ['agent', 'third_party'],
  },
  // Service fait 7|8|9|16|17→10, contractor 18|21→10
  mark_done: {
    from: ['new', 'to_process', 'scheduled', 'transferred_third_party'],
    to: 'done',
    actors: ['agent', 'third_party'],
  },
  // Rejeter 7|8→11, contractor 18|21→11 (21 = scheduled by the contractor, hence `scheduled`)
  reject: {
    from: ['new', 'to_process', 'scheduled', 'transferred_third_party'],
    to: 'rejected',
    actors: ['agent', 'third_party'],
  },
  // is_doublon flag in DansMaRue; FixMyStreet "duplicate" linked to the original
  mark_duplicate: { from: ['new', 'to_process', 'scheduled', 'watched'], to: 'duplicate', actors: ['agent'] },
  // 19→18 after the contractor check in DansMaRue; here an explicit agent action
  transfer_third_party: {
    from: ['new', 'to_process', 'scheduled'],
    to: 'transferred_third_party',
    actors: ['agent'],
  },
  // Surveiller 7|8|15→22
  watch: { from: ['new', 'to_process'], to: 'watched', actors: ['agent'] },
  // A requalifier / Requalifier 7|8|9|16|17|22→15→19→7, 18→7: new category, address or service, routing re-run
  requalify: {
    from: ['new', 'to_process', 'scheduled', 'watched', 'transferred_third_party'],
    to: 'new',
    actors: ['agent'],
  },
  // archivage 10|11→12 (after a delay, by a job), also duplicates here
  archive: { from: ['done', 'rejected', 'duplicate'], to: 'archived', actors: ['agent', 'system'] },
  // not in DansMaRue: "still not fixed" by the reporter within 30 days, back to the same service
  reopen: { from: ['done'], to: 'to_process', actors: ['reporter'] },
};

/** Is the action possible from this state (ignoring actor and guards)? */
export function canTransition(from: ReportState, action: WorkflowAction): boolean {
  return RULES[action].from.includes(from);
}

/** Actions possible from a state for an actor kind — for building the agent's action menu. */
export function availableActions(from: ReportState, actor: ActorKind = 'agent'): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter(
    (action) => canTransition(from, action) && RULES[action].actors.includes(actor),
  );
}

/** Target state of an action (same for every source state). */
export function targetState(action: WorkflowAction): ReportState {
  return RULES[action].to;
}

/** Why a report was rejected: drives the Open311 extended status. */
export type RejectionKind = 'no_further_action' | 'not_responsible';

/** The part of a report the workflow reads. */
export interface WorkflowReport {
  id: string;
  state: ReportState;
  serviceId: string | null;
  /** Account of the reporter, null when anonymous or reported by an agent on someone's behalf. */
  reporterId: string | null;
  /** When the report last entered a closed state; null while open. */
  closedAt: Date | null;
  scheduledFor?: Date | null;
  rejection?: { reasonCode: string; kind: RejectionKind } | null;
  duplicateOfId?: string | null;
  thirdPartyId?: string | null;
}

export interface TransitionInput {
  actor: WorkflowActor;
  /** Free note from the agent (public note or internal, decided by the service). */
  note?: string;
  /** schedule: the planned date. */
  scheduledFor?: Date;
  /** reject: code from the managed list of rejection reasons. */
  reasonCode?: string;
  reasonKind?: RejectionKind;
  /** mark_duplicate: the original report. */
  duplicateOfId?: string;
  /** transfer_third_party: the contractor. */
  thirdPartyId?: string;
  /** requalify: at least one of these changes. */
  categoryId?: string;
  serviceId?: string;
  locationChanged?: boolean;
  /** mark_done: optional after-fix photo. */
  afterPhotoId?: string;
}

export interface TimelineEvent {
  type: 'state_changed';
  action: WorkflowAction;
  from: ReportState;
  to: ReportState;
  at: Date;
  actor: WorkflowActor;
  note?: string;
  scheduledFor?: Date;
  reasonCode?: string;
  reasonKind?: RejectionKind;
  duplicateOfId?: string;
  thirdPartyId?: string;
  categoryId?: string;
  serviceId?: string;
  locationChanged?: boolean;
  afterPhotoId?: string;
}

export interface TransitionEffects {
  /** Followers of this report must be moved to (or added to) this report. */
  moveFollowersTo?: string;
  /** The routing must be re-run (requalify with a new category or location and no explicit service). */
  rerunRouting: boolean;
  /** The report's followers should be told (public state change). */
  notifyFollowers: boolean;
}

export interface TransitionResult {
  report: WorkflowReport;
  event: TimelineEvent;
  effects: TransitionEffects;
}

/**
 * Apply an action: checks the transition, the actor and the guards, and returns the new report
 * state, the timeline event to store and the side effects for the service to carry out.
 * Throws ReportRuleError with a stable code when a rule is broken; never mutates `report`.
 */
export function applyTransition(
  report: WorkflowReport,
  action: WorkflowAction,
  input: TransitionInput,
  now: Date,
): TransitionResult {
  if (!isWorkflowAction(action)) throw new ReportRuleError('reports.workflow.unknown_action');
  const rule = RULES[action];
  if (!rule.from.includes(report.state)) {
    throw new ReportRuleError('reports.workflow.transition_not_allowed', { from: report.state, action });
  }
  if (!rule.actors.includes(input.actor.kind)) {
    throw new ReportRuleError('reports.workflow.actor_not_allowed', { action }, 403);
  }
  if (input.actor.kind === 'third_party') {
    const acting = report.state === 'transferred_third_party' || report.state === 'scheduled';
    if (!acting || !report.thirdPartyId || input.actor.id !== report.thirdPartyId) {
      throw new ReportRuleError('reports.workflow.not_assigned_third_party', {}, 403);
    }
  }

  const next: WorkflowReport = { ...report, state: rule.to };
  const event: TimelineEvent = {
    type: 'state_changed',
    action,
    from: report.state,
    to: rule.to,
    at: now,
    actor: input.actor,
  };
  const note = input.note?.trim();
  if (note) event.note = note;
  const effects: TransitionEffects = { rerunRouting: false, notifyFollowers: true };

  switch (action) {
    case 'schedule': {
      if (!(input.scheduledFor instanceof Date) || Number.isNaN(input.scheduledFor.getTime())) {
        throw new ReportRuleError('reports.workflow.date_required');
      }
      next.scheduledFor = input.scheduledFor;
      event.scheduledFor = input.scheduledFor;
      break;
    }
    case 'reject': {
      const reasonCode = input.reasonCode?.trim();
      if (!reasonCode) throw new ReportRuleError('reports.workflow.reason_required');
      const kind = input.reasonKind ?? 'no_further_action';
      next.rejection = { reasonCode, kind };
      event.reasonCode = reasonCode;
      event.reasonKind = kind;
      break;
    }
    case 'mark_duplicate': {
      const original = input.duplicateOfId?.trim();
      if (!original) throw new ReportRuleError('reports.workflow.original_required');
      if (original === report.id) throw new ReportRuleError('reports.workflow.duplicate_of_self');
      next.duplicateOfId = original;
      event.duplicateOfId = original;
      effects.moveFollowersTo = original;
      break;
    }
    case 'transfer_third_party': {
      const thirdPartyId = input.thirdPartyId?.trim();
      if (!thirdPartyId) throw new ReportRuleError('reports.workflow.third_party_required');
      next.thirdPartyId = thirdPartyId;
      event.thirdPartyId = thirdPartyId;
      break;
    }
    case 'requalify': {
      const categoryId = input.categoryId?.trim();
      const serviceId = input.serviceId?.trim();
      if (!categoryId && !serviceId && !input.locationChanged) {
        throw new ReportRuleError('reports.workflow.requalify_change_required');
      }
      if (categoryId) event.categoryId = categoryId;
      if (input.locationChanged) event.locationChanged = true;
      if (serviceId) {
        next.serviceId = serviceId;
        event.serviceId = serviceId;
      } else {
        effects.rerunRouting = true;
      }
      // A requalified report starts over: no date, no contractor, no rejection.
      next.scheduledFor = null;
      next.thirdPartyId = null;
      break;
    }
    case 'mark_done': {
      if (input.afterPhotoId) event.afterPhotoId = input.afterPhotoId;
      break;
    }
    case 'reopen': {
      if (!report.reporterId || input.actor.id !== report.reporterId) {
        throw new ReportRuleError('reports.workflow.reopen_reporter_only', {}, 403);
      }
      if (!report.closedAt || now.getTime() - report.closedAt.getTime() > REOPEN_WINDOW_DAYS * DAY_MS) {
        throw new ReportRuleError('reports.workflow.reopen_window_passed', { days: REOPEN_WINDOW_DAYS });
      }
      // Same service: serviceId is left untouched on purpose.
      next.scheduledFor = null;
      break;
    }
    case 'archive':
      effects.notifyFollowers = false;
      break;
    default:
      break;
  }

  // closedAt: set when entering a closed state from an open one; kept from closed to closed
  // (done → archived keeps the closing time); cleared when the report opens again.
  if (isClosedState(next.state)) {
    if (!isClosedState(report.state) || !report.closedAt) next.closedAt = now;
  } else {
    next.closedAt = null;
  }
  if (next.state !== 'rejected') next.rejection = null;
  if (next.state !== 'duplicate') next.duplicateOfId = null;

  return { report: next, event, effects };
}

/** Every error code this module can throw, for the i18n files of the reports module. */
export const WORKFLOW_ERROR_CODES = [
  'reports.workflow.unknown_action',
  'reports.workflow.transition_not_allowed',
  'reports.workflow.actor_not_allowed',
  'reports.workflow.not_assigned_third_party',
  'reports.workflow.date_required',
  'reports.workflow.reason_required',
  'reports.workflow.original_required',
  'reports.workflow.duplicate_of_self',
  'reports.workflow.third_party_required',
  'reports.workflow.requalify_change_required',
  'reports.workflow.reopen_reporter_only',
  'reports.workflow.reopen_window_passed',
] as const;

// ---- Open311 mapping ------------------------------------------------------------------------

export type Open311Status = 'open' | 'closed';
/** mySociety extended statuses (servicerequestupdates / extensions). */
export type Open311ExtendedStatus =
  | 'OPEN'
  | 'CLOSED'
  | 'FIXED'
  | 'IN_PROGRESS'
  | 'ACTION_SCHEDULED'
  | 'INVESTIGATING'
  | 'DUPLICATE'
  | 'NOT_COUNCILS_RESPONSIBILITY'
  | 'NO_FURTHER_ACTION'
  | 'INTERNAL_REFERRAL'
  | 'FOR_TRIAGE'
  | 'CANCELLED'
  | 'REOPEN';

/** Basic Open311 status. Archived reports are not listed at all (callers filter on isPublicState). */
export function open311Status(state: ReportState): Open311Status {
  return isOpenState(state) ? 'open' : 'closed';
}

/**
 * Extended status per the mapping suggested in reports.md §2: new → OPEN, to_process →
 * INVESTIGATING, transferred → IN_PROGRESS, scheduled → ACTION_SCHEDULED, done → FIXED,
 * rejected → NO_FURTHER_ACTION or NOT_COUNCILS_RESPONSIBILITY (by reason), duplicate → DUPLICATE,
 * watched → CLOSED; archived → null (not listed).
 */
export function open311ExtendedStatus(
  state: ReportState,
  rejectionKind: RejectionKind | null = null,
): Open311ExtendedStatus | null {
  switch (state) {
    case 'new':
      return 'OPEN';
    case 'to_process':
      return 'INVESTIGATING';
    case 'scheduled':
      return 'ACTION_SCHEDULED';
    case 'transferred_third_party':
      return 'IN_PROGRESS';
    case 'done':
      return 'FIXED';
    case 'rejected':
      return rejectionKind === 'not_responsible' ? 'NOT_COUNCILS_RESPONSIBILITY' : 'NO_FURTHER_ACTION';
    case 'duplicate':
      return 'DUPLICATE';
    case 'watched':
      return 'CLOSED';
    case 'archived':
      return null;
  }
}

/** Extended status of an update event: a reopening is reported as REOPEN rather than its target state. */
export function open311UpdateStatus(event: TimelineEvent): Open311ExtendedStatus | null {
  if (event.action === 'reopen') return 'REOPEN';
  return open311ExtendedStatus(event.to, event.reasonKind ?? null);
}
