/** Words shared by the agent pages: states, actions, rejection reasons, the late badge. */
import type { Translate } from '../../../../core/i18n/i18n.js';
import { Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import type { ReportState, WorkflowAction } from '../../domain/workflow.js';
import { REJECTION_REASONS } from '../../reports.agent.service.js';

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

/** The managed list of rejection reasons is R2's: the same codes and words everywhere. */
export const REJECT_REASONS = REJECTION_REASONS;

export function rejectReasonLabel(t: Translate, code: string): string {
  const reason = REJECTION_REASONS.find((r) => r.code === code);
  return reason ? t(reason.labelKey) : code;
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
