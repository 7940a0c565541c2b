import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../core/http/errors.js';
import { ReportRuleError } from '../domain/errors.js';
import {
  applyTransition,
  availableActions,
  CLOSED_STATES,
  canTransition,
  isPublicState,
  OPEN_STATES,
  open311ExtendedStatus,
  open311Status,
  open311UpdateStatus,
  REPORT_STATES,
  type ReportState,
  targetState,
  type WorkflowAction,
  type WorkflowReport,
} from '../domain/workflow.js';

const agent = { kind: 'agent' as const, id: 'agent-1' };
const reporter = { kind: 'reporter' as const, id: 'user-9' };
const now = new Date('2026-03-10T10:00:00Z');

function report(state: ReportState, extra: Partial<WorkflowReport> = {}): WorkflowReport {
  return { id: 'r1', state, serviceId: 'svc-5', reporterId: 'user-9', closedAt: null, ...extra };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportRuleError);
    expect(error).toBeInstanceOf(DomainError);
    return (error as ReportRuleError).code;
  }
  throw new Error('expected a ReportRuleError');
}

describe('states', () => {
  it('splits every state into open or closed, archived is the only non-public state', () => {
    for (const state of REPORT_STATES) {
      expect(OPEN_STATES.includes(state) !== CLOSED_STATES.includes(state)).toBe(true);
    }
    expect(REPORT_STATES.filter((s) => !isPublicState(s))).toEqual(['archived']);
    expect(OPEN_STATES).toEqual(['new', 'to_process', 'scheduled', 'transferred_third_party']);
  });
});

describe('canTransition', () => {
  it('follows the issue: new → to_process → scheduled → done', () => {
    expect(canTransition('new', 'qualify')).toBe(true);
    expect(canTransition('to_process', 'schedule')).toBe(true);
    expect(canTransition('scheduled', 'mark_done')).toBe(true);
    expect(canTransition('scheduled', 'schedule')).toBe(true); // reschedule
  });
  it('refuses impossible moves', () => {
    expect(canTransition('done', 'qualify')).toBe(false);
    expect(canTransition('archived', 'reopen')).toBe(false);
    expect(canTransition('rejected', 'reopen')).toBe(false);
    expect(canTransition('new', 'archive')).toBe(false);
    expect(canTransition('duplicate', 'mark_done')).toBe(false);
    expect(canTransition('watched', 'mark_done')).toBe(false);
  });
  it('lists the actions per actor', () => {
    expect(availableActions('done', 'reporter')).toEqual(['reopen']);
    expect(availableActions('done', 'agent')).toEqual(['archive']);
    expect(availableActions('watched', 'agent')).toEqual([
      'qualify',
      'schedule',
      'mark_duplicate',
      'requalify',
    ]);
    expect(availableActions('archived', 'agent')).toEqual([]);
  });
});

describe('applyTransition', () => {
  it('qualifies and returns a timeline event without mutating the input', () => {
    const before = report('new');
    const {
      report: after,
      event,
      effects,
    } = applyTransition(before, 'qualify', { actor: agent, note: '  ok  ' }, now);
    expect(after.state).toBe('to_process');
    expect(before.state).toBe('new');
    expect(event).toEqual({
      type: 'state_changed',
      action: 'qualify',
      from: 'new',
      to: 'to_process',
      at: now,
      actor: agent,
      note: 'ok',
    });
    expect(effects).toEqual({ rerunRouting: false, notifyFollowers: true });
  });

  it('requires a valid date to schedule', () => {
    expect(codeOf(() => applyTransition(report('to_process'), 'schedule', { actor: agent }, now))).toBe(
      'reports.workflow.date_required',
    );
    expect(
      codeOf(() =>
        applyTransition(report('to_process'), 'schedule', { actor: agent, scheduledFor: new Date('x') }, now),
      ),
    ).toBe('reports.workflow.date_required');
    const date = new Date('2026-03-12T08:00:00Z');
    const result = applyTransition(
      report('to_process'),
      'schedule',
      { actor: agent, scheduledFor: date },
      now,
    );
    expect(result.report.scheduledFor).toEqual(date);
    expect(result.event.scheduledFor).toEqual(date);
  });

  it('requires a reason to reject and closes the report', () => {
    expect(
      codeOf(() => applyTransition(report('new'), 'reject', { actor: agent, reasonCode: '  ' }, now)),
    ).toBe('reports.workflow.reason_required');
    const result = applyTransition(
      report('new'),
      'reject',
      { actor: agent, reasonCode: 'private_property', reasonKind: 'not_responsible' },
      now,
    );
    expect(result.report.state).toBe('rejected');
    expect(result.report.rejection).toEqual({ reasonCode: 'private_property', kind: 'not_responsible' });
    expect(result.report.closedAt).toEqual(now);
  });

  it('links a duplicate to another report and moves the followers', () => {
    expect(codeOf(() => applyTransition(report('new'), 'mark_duplicate', { actor: agent }, now))).toBe(
      'reports.workflow.original_required',
    );
    expect(
      codeOf(() =>
        applyTransition(report('new'), 'mark_duplicate', { actor: agent, duplicateOfId: 'r1' }, now),
      ),
    ).toBe('reports.workflow.duplicate_of_self');
    const result = applyTransition(
      report('new'),
      'mark_duplicate',
      { actor: agent, duplicateOfId: 'r0' },
      now,
    );
    expect(result.report).toMatchObject({ state: 'duplicate', duplicateOfId: 'r0', closedAt: now });
    expect(result.effects.moveFollowersTo).toBe('r0');
  });

  it('transfers to a third party who may then schedule, finish or reject it, and nobody else', () => {
    expect(
      codeOf(() => applyTransition(report('to_process'), 'transfer_third_party', { actor: agent }, now)),
    ).toBe('reports.workflow.third_party_required');
    const transferred = applyTransition(
      report('to_process'),
      'transfer_third_party',
      { actor: agent, thirdPartyId: 'acme' },
      now,
    ).report;
    expect(transferred).toMatchObject({ state: 'transferred_third_party', thirdPartyId: 'acme' });
    const acme = { kind: 'third_party' as const, id: 'acme' };
    const other = { kind: 'third_party' as const, id: 'other' };
    expect(codeOf(() => applyTransition(transferred, 'mark_done', { actor: other }, now))).toBe(
      'reports.workflow.not_assigned_third_party',
    );
    const scheduled = applyTransition(
      transferred,
      'schedule',
      { actor: acme, scheduledFor: new Date('2026-03-20T00:00:00Z') },
      now,
    ).report;
    expect(scheduled.thirdPartyId).toBe('acme');
    expect(applyTransition(scheduled, 'mark_done', { actor: acme }, now).report.state).toBe('done');
    // a contractor cannot touch a report that was never transferred to it
    expect(codeOf(() => applyTransition(report('to_process'), 'mark_done', { actor: acme }, now))).toBe(
      'reports.workflow.not_assigned_third_party',
    );
    expect(codeOf(() => applyTransition(transferred, 'watch', { actor: acme }, now))).toBe(
      'reports.workflow.transition_not_allowed',
    );
  });

  it('refuses a transition from the wrong state and a wrong actor', () => {
    expect(codeOf(() => applyTransition(report('done'), 'qualify', { actor: agent }, now))).toBe(
      'reports.workflow.transition_not_allowed',
    );
    expect(codeOf(() => applyTransition(report('new'), 'qualify', { actor: reporter }, now))).toBe(
      'reports.workflow.actor_not_allowed',
    );
    expect(
      codeOf(() => applyTransition(report('new'), 'bogus' as WorkflowAction, { actor: agent }, now)),
    ).toBe('reports.workflow.unknown_action');
  });

  it('requalify needs a change, resets the plan and re-runs routing unless a service is given', () => {
    expect(codeOf(() => applyTransition(report('scheduled'), 'requalify', { actor: agent }, now))).toBe(
      'reports.workflow.requalify_change_required',
    );
    const byCategory = applyTransition(
      report('scheduled', { scheduledFor: now }),
      'requalify',
      { actor: agent, categoryId: '3405' },
      now,
    );
    expect(byCategory.report).toMatchObject({ state: 'new', serviceId: 'svc-5', scheduledFor: null });
    expect(byCategory.effects.rerunRouting).toBe(true);
    const byService = applyTransition(
      report('to_process'),
      'requalify',
      { actor: agent, serviceId: 'svc-7' },
      now,
    );
    expect(byService.report.serviceId).toBe('svc-7');
    expect(byService.effects.rerunRouting).toBe(false);
  });

  it('watches and brings a watched spot back', () => {
    const watched = applyTransition(report('to_process'), 'watch', { actor: agent }, now).report;
    expect(watched).toMatchObject({ state: 'watched', closedAt: now });
    const back = applyTransition(watched, 'qualify', { actor: agent }, now).report;
    expect(back).toMatchObject({ state: 'to_process', closedAt: null });
  });

  it('archives done, rejected and duplicate reports, keeping the closing time', () => {
    const closedAt = new Date('2026-01-01T00:00:00Z');
    const result = applyTransition(
      report('done', { closedAt }),
      'archive',
      { actor: { kind: 'system' } },
      now,
    );
    expect(result.report).toMatchObject({ state: 'archived', closedAt });
    expect(result.effects.notifyFollowers).toBe(false);
    expect(
      codeOf(() => applyTransition(report('done', { closedAt }), 'archive', { actor: reporter }, now)),
    ).toBe('reports.workflow.actor_not_allowed');
  });

  describe('reopen', () => {
    const closedAt = new Date('2026-02-10T10:00:00Z'); // 28 days before `now`
    it('lets the reporter reopen a done report within 30 days, to the same service', () => {
      const result = applyTransition(report('done', { closedAt }), 'reopen', { actor: reporter }, now);
      expect(result.report).toMatchObject({ state: 'to_process', serviceId: 'svc-5', closedAt: null });
      expect(result.event.action).toBe('reopen');
      expect(open311UpdateStatus(result.event)).toBe('REOPEN');
    });
    it('accepts exactly 30 days and refuses 30 days and one second', () => {
      const limit = new Date(closedAt.getTime() + 30 * 86_400_000);
      expect(
        applyTransition(report('done', { closedAt }), 'reopen', { actor: reporter }, limit).report.state,
      ).toBe('to_process');
      const late = new Date(limit.getTime() + 1000);
      expect(
        codeOf(() => applyTransition(report('done', { closedAt }), 'reopen', { actor: reporter }, late)),
      ).toBe('reports.workflow.reopen_window_passed');
    });
    it('refuses anyone but the reporter, and states other than done', () => {
      const stranger = { kind: 'reporter' as const, id: 'user-2' };
      expect(
        codeOf(() => applyTransition(report('done', { closedAt }), 'reopen', { actor: stranger }, now)),
      ).toBe('reports.workflow.reopen_reporter_only');
      expect(
        codeOf(() =>
          applyTransition(report('done', { closedAt, reporterId: null }), 'reopen', { actor: reporter }, now),
        ),
      ).toBe('reports.workflow.reopen_reporter_only');
      expect(
        codeOf(() => applyTransition(report('done', { closedAt }), 'reopen', { actor: agent }, now)),
      ).toBe('reports.workflow.actor_not_allowed');
      expect(
        codeOf(() => applyTransition(report('rejected', { closedAt }), 'reopen', { actor: reporter }, now)),
      ).toBe('reports.workflow.transition_not_allowed');
    });
  });
});

describe('Open311 mapping', () => {
  it('maps states to open/closed and extended statuses', () => {
    expect(open311Status('new')).toBe('open');
    expect(open311Status('transferred_third_party')).toBe('open');
    expect(open311Status('watched')).toBe('closed');
    expect(open311Status('duplicate')).toBe('closed');
    const table = Object.fromEntries(REPORT_STATES.map((s) => [s, open311ExtendedStatus(s)]));
    expect(table).toEqual({
      new: 'OPEN',
      to_process: 'INVESTIGATING',
      scheduled: 'ACTION_SCHEDULED',
      done: 'FIXED',
      rejected: 'NO_FURTHER_ACTION',
      duplicate: 'DUPLICATE',
      transferred_third_party: 'IN_PROGRESS',
      watched: 'CLOSED',
      archived: null,
    });
    expect(open311ExtendedStatus('rejected', 'not_responsible')).toBe('NOT_COUNCILS_RESPONSIBILITY');
  });
});

describe('coverage of the DansMaRue main transitions', () => {
  // DansMaRue state id → our state; technical states (13 initial, 15 to requalify, 19 contractor
  // check, 20 WS failure) have no equivalent.
  const stateMap: Record<string, ReportState> = {
    '7': 'new',
    '8': 'to_process',
    '16': 'to_process',
    '17': 'to_process',
    '9': 'scheduled',
    '21': 'scheduled',
    '10': 'done',
    '11': 'rejected',
    '12': 'archived',
    '18': 'transferred_third_party',
    '22': 'watched',
  };
  const actionMap: Record<string, WorkflowAction> = {
    'A traiter': 'qualify',
    'A faire terrain': 'qualify',
    'A faire bureau': 'qualify',
    Programmer: 'schedule',
    Reprogrammer: 'schedule',
    'Service programmé': 'schedule',
    'Déclarer un service fait': 'mark_done',
    'Service fait': 'mark_done',
    Rejeter: 'reject',
    'Service rejeté': 'reject',
    Surveiller: 'watch',
    'A requalifier': 'requalify',
    'A requalifier prestataire': 'requalify',
    Requalifier: 'requalify',
    'archivage signalement rejectés': 'archive',
    'archivage signalement service fait': 'archive',
  };
  const rows = readFileSync(new URL('./fixtures/dansmarue_workflow_actions.tsv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));

  it('has an equivalent for every manual DansMaRue action between mapped states', () => {
    let checked = 0;
    for (const [id, name, , before, after, automatic] of rows) {
      if (!name || name === 'Ne pas utiliser' || id === '74' || automatic === '1') continue;
      const from = stateMap[before ?? ''];
      if (!from) continue;
      const action = actionMap[name];
      expect(action, `action ${id} ${name}`).toBeDefined();
      if (!action) continue;
      const to = stateMap[after ?? ''];
      // Moves inside one of our states (8→16, 16→17…) are no-ops for us, except rescheduling.
      if (to === from && action !== 'schedule') continue;
      expect(canTransition(from, action), `action ${id} ${name} from ${from}`).toBe(true);
      if (action !== 'requalify') expect(targetState(action), `action ${id} ${name}`).toBe(to);
      checked++;
    }
    expect(checked).toBeGreaterThan(35);
  });
});
