/** Words shared by the agent pages: states, actions, rejection reasons, the late badge. */
import type { Translate } from '../../../../core/i18n/i18n.js';
import { Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import type { RejectionKind, ReportState, WorkflowAction } from '../../domain/workflow.js';

export function stateLabel(t: Translate, state: ReportState | string): string {
  switch (state) {
    case 'new':
      return t('reports.admin.state.new');
    case 'to_process':
      return t('reports.admin.state.to_process');
    case 'scheduled':
      return t('reports.admin.state.scheduled');
    case 'transferred_third_party':
      return t('reports.admin.state.transferred_third_party');
    case 'done':
      return t('reports.admin.state.done');
    case 'rejected':
      return t('reports.admin.state.rejected');
    case 'duplicate':
      return t('reports.admin.state.duplicate');
    case 'watched':
      return t('reports.admin.state.watched');
    case 'archived':
      return t('reports.admin.state.archived');
    default:
      return state;
  }
}

export function actionLabel(t: Translate, action: WorkflowAction | string): string {
  switch (action) {
    case 'qualify':
      return t('reports.admin.action.qualify');
    case 'schedule':
      return t('reports.admin.action.schedule');
    case 'mark_done':
      return t('reports.admin.action.mark_done');
    case 'reject':
      return t('reports.admin.action.reject');
    case 'mark_duplicate':
      return t('reports.admin.action.mark_duplicate');
    case 'transfer_third_party':
      return t('reports.admin.action.transfer_third_party');
    case 'watch':
      return t('reports.admin.action.watch');
    case 'requalify':
      return t('reports.admin.action.requalify');
    case 'archive':
      return t('reports.admin.action.archive');
    case 'reopen':
      return t('reports.admin.action.reopen');
    default:
      return action;
  }
}

/** The managed list of rejection reasons, and what each one means for Open311. */
export const REJECT_REASONS: readonly { code: string; kind: RejectionKind }[] = [
  { code: 'out_of_scope', kind: 'not_responsible' },
  { code: 'private_property', kind: 'not_responsible' },
  { code: 'already_done', kind: 'no_further_action' },
  { code: 'not_found', kind: 'no_further_action' },
  { code: 'duplicate', kind: 'no_further_action' },
];

export function rejectReasonLabel(t: Translate, code: string): string {
  switch (code) {
    case 'out_of_scope':
      return t('reports.admin.reject_reason.out_of_scope');
    case 'private_property':
      return t('reports.admin.reject_reason.private_property');
    case 'already_done':
      return t('reports.admin.reject_reason.already_done');
    case 'not_found':
      return t('reports.admin.reject_reason.not_found');
    case 'duplicate':
      return t('reports.admin.reject_reason.duplicate');
    default:
      return code;
  }
}

const STATE_TONES: Record<ReportState, 'info' | 'grey' | 'success' | 'warning' | 'error'> = {
  new: 'info',
  to_process: 'warning',
  scheduled: 'info',
  transferred_third_party: 'info',
  done: 'success',
  rejected: 'grey',
  duplicate: 'grey',
  watched: 'grey',
  archived: 'grey',
};

export function StateTag({ ctx, state }: { ctx: PageContext; state: ReportState }) {
  return <Tag tone={STATE_TONES[state] ?? 'grey'}>{stateLabel(ctx.t, state)}</Tag>;
}

/** "Late by 3 days": the word carries the meaning, the colour only repeats it. */
export function LateTag({ ctx, lateDays }: { ctx: PageContext; lateDays: number | null }) {
  return <Tag tone="error">{ctx.t('reports.admin.late_by', { days: Math.max(1, lateDays ?? 1) })}</Tag>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days since `date`. */
export function ageInDays(date: Date, now = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - date.getTime()) / DAY_MS));
}
