import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { DomainError, ForbiddenError } from '../../../core/http/errors.js';
import type { CoreServices } from '../../../core/services.js';
import {
  actOnReport,
  addNote,
  agentQueue,
  assignReport,
  backlog,
  bulkAct,
  getReportForAgent,
  rateFix,
  reopenReport,
  transferReport,
} from '../reports.agent.service.js';
import {
  createReport,
  createUser,
  createWorld,
  events,
  follow,
  mailMark,
  sentMails,
  stateOf,
  viewerOf,
  type World,
} from './r2-fixtures.js';

const actor = systemActor;
let t: TestApp;
let core: CoreServices;
let world: World;

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
  world = await createWorld(core);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('access to a report of another service', () => {
  it('refuses an agent of another service and changes nothing', async () => {
    const report = await createReport(core, world, { serviceId: world.s1 });
    const outsider = await viewerOf(core, world.agent2);
    await expect(actOnReport(core, outsider, report.id, 'qualify', {}, actor)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(getReportForAgent(core, outsider, report.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      addNote(core, outsider, report.id, { text: 'x', public: false }, actor),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(transferReport(core, outsider, report.id, world.s2, 'mine', actor)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await stateOf(core, report.id)).state).toBe('new');
    expect((await stateOf(core, report.id)).service_id).toBe(world.s1);
    expect(await events(core, report.id)).toHaveLength(0);
  });

  it('shows triage reports (no service) to admins and managers only', async () => {
    const report = await createReport(core, world, { serviceId: null });
    await expect(
      getReportForAgent(core, await viewerOf(core, world.agent1), report.id),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getReportForAgent(core, await viewerOf(core, world.manager1), report.id))?.id).toBe(
      report.id,
    );
    expect((await getReportForAgent(core, await viewerOf(core, world.admin), report.id))?.id).toBe(report.id);
  });

  it('refuses a citizen', async () => {
    const citizen = await viewerOf(core, await createUser(core));
    await expect(agentQueue(core, citizen, { sort: 'age', page: 1, pageSize: 10 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(agentQueue(core, null, { sort: 'age', page: 1, pageSize: 10 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('the workflow', () => {
  it('goes new → to_process → scheduled → done and mails the reporter and the followers', async () => {
    const reporter = await createUser(core, { locale: 'en' });
    const reporterEmail = (
      await core.db
        .selectFrom('account_user')
        .select('email')
        .where('id', '=', reporter)
        .executeTakeFirstOrThrow()
    ).email;
    const follower = await createUser(core, { email: 'follower@example.test' });
    const quiet = await createUser(core, { email: 'quiet@example.test', notify: false });
    const report = await createReport(core, world, {
      reporterUserId: reporter,
      reporterEmail: reporterEmail ?? '',
    });
    await follow(core, report.id, follower);
    await follow(core, report.id, quiet);
    const agent = await viewerOf(core, world.agent1);
    const mark = mailMark(core);

    await actOnReport(core, agent, report.id, 'qualify', {}, actor);
    await actOnReport(
      core,
      agent,
      report.id,
      'schedule',
      { scheduledFor: new Date('2026-12-01T08:00:00Z') },
      actor,
    );
    await actOnReport(core, agent, report.id, 'mark_done', { note: 'Gravats enlevés' }, actor);

    const row = await stateOf(core, report.id);
    expect(row.state).toBe('done');
    expect(row.closed_at).not.toBeNull();
    const timeline = await events(core, report.id);
    expect(timeline.map((e) => [e.kind, e.public, e.data.to])).toEqual([
      ['status_changed', true, 'to_process'],
      ['status_changed', true, 'scheduled'],
      ['status_changed', true, 'done'],
    ]);
    const mails = sentMails(core, mark);
    expect(mails).toHaveLength(6);
    expect(mails.filter((m) => m.to === reporterEmail)).toHaveLength(3);
    expect(mails.filter((m) => m.to === 'follower@example.test')).toHaveLength(3);
    expect(mails.some((m) => m.to === 'quiet@example.test')).toBe(false);
    const doneToReporter = mails.filter((m) => m.to === reporterEmail).at(-1);
    expect(doneToReporter?.subject).toContain(report.reference);
    expect(doneToReporter?.subject).toContain('fixed'); // the reporter's account is in English
    expect(doneToReporter?.text).toContain('Gravats enlevés');
    expect(doneToReporter?.text).toContain('/signalements/desabonnement/');
    const doneToFollower = mails.filter((m) => m.to === 'follower@example.test').at(-1);
    expect(doneToFollower?.subject).toContain('résolu');
    const audits = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', report.id)
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'reports.workflow.qualify',
      'reports.workflow.schedule',
      'reports.workflow.mark_done',
    ]);
  });

  it('does not mail a registered reporter who turned mail off, and mails an anonymous reporter', async () => {
    const quietReporter = await createUser(core, { email: 'quiet-reporter@example.test', notify: false });
    const a = await createReport(core, world, {
      reporterUserId: quietReporter,
      reporterEmail: 'quiet-reporter@example.test',
    });
    const b = await createReport(core, world, { reporterEmail: 'Anonyme@Example.test' });
    const agent = await viewerOf(core, world.agent1);
    const mark = mailMark(core);
    await actOnReport(core, agent, a.id, 'qualify', {}, actor);
    await actOnReport(core, agent, b.id, 'qualify', {}, actor);
    expect(sentMails(core, mark).map((m) => m.to)).toEqual(['anonyme@example.test']);
  });

  it('needs a reason to reject, and tells it', async () => {
    const report = await createReport(core, world, { reporterEmail: 'r@example.test' });
    const agent = await viewerOf(core, world.agent1);
    expect(await codeOf(actOnReport(core, agent, report.id, 'reject', {}, actor))).toBe(
      'reports.workflow.reason_required',
    );
    expect((await stateOf(core, report.id)).state).toBe('new');
    expect(await events(core, report.id)).toHaveLength(0);
    const mark = mailMark(core);
    await actOnReport(core, agent, report.id, 'reject', { reasonCode: 'private_property' }, actor);
    const row = await stateOf(core, report.id);
    expect(row.state).toBe('rejected');
    expect(row.reason_code).toBe('private_property');
    const [event] = await events(core, report.id);
    expect(event?.public).toBe(true);
    expect(event?.data).toMatchObject({
      action: 'reject',
      reasonCode: 'private_property',
      reasonKind: 'not_responsible',
    });
    expect(sentMails(core, mark)[0]?.text).toContain('Domaine privé');
  });

  it('refuses a transition the state does not allow', async () => {
    const report = await createReport(core, world, { state: 'done', closedDaysAgo: 1 });
    const agent = await viewerOf(core, world.agent1);
    expect(await codeOf(actOnReport(core, agent, report.id, 'qualify', {}, actor))).toBe(
      'reports.workflow.transition_not_allowed',
    );
  });

  it('moves the followers and the reporter of a duplicate to the original', async () => {
    const reporter = await createUser(core);
    const f1 = await createUser(core);
    const f2 = await createUser(core);
    const original = await createReport(core, world);
    const duplicate = await createReport(core, world, { reporterUserId: reporter });
    await follow(core, duplicate.id, f1);
    await follow(core, duplicate.id, f2);
    await follow(core, original.id, f2);
    const agent = await viewerOf(core, world.agent1);
    expect(
      await codeOf(
        actOnReport(core, agent, duplicate.id, 'mark_duplicate', { duplicateOfId: duplicate.id }, actor),
      ),
    ).toBe('reports.workflow.duplicate_of_self');
    expect(
      await codeOf(
        actOnReport(
          core,
          agent,
          duplicate.id,
          'mark_duplicate',
          { duplicateOfId: '00000000-0000-4000-8000-000000000000' },
          actor,
        ),
      ),
    ).toBe('reports.agent.original_not_found');
    await actOnReport(core, agent, duplicate.id, 'mark_duplicate', { duplicateOfId: original.id }, actor);
    const followers = await core.db
      .selectFrom('report_follower')
      .select(['report_id', 'user_id'])
      .where('report_id', 'in', [original.id, duplicate.id])
      .execute();
    expect(followers.filter((f) => f.report_id === duplicate.id)).toHaveLength(0);
    expect(followers.map((f) => f.user_id).sort()).toEqual([f1, f2, reporter].sort());
    const row = await stateOf(core, duplicate.id);
    expect(row.state).toBe('duplicate');
    expect(row.duplicate_of).toBe(original.id);
    expect((await events(core, duplicate.id))[0]?.data).toMatchObject({
      duplicateOfReference: original.reference,
    });
  });

  it('reruns the routing on requalify with a new category', async () => {
    const other = `r2-other-${Date.now()}`;
    await core.db
      .insertInto('report_category')
      .values({
        id: other,
        parent_id: null,
        label: 'Voirie',
        default_service_id: world.s3,
        extra_questions: '[]',
      })
      .execute();
    const report = await createReport(core, world);
    const agent = await viewerOf(core, world.agent1);
    await actOnReport(core, agent, report.id, 'requalify', { categoryId: other }, actor);
    const row = await stateOf(core, report.id);
    expect(row.category_id).toBe(other);
    expect(row.service_id).toBe(world.s3);
    expect(row.routing).toMatchObject({ reason: 'default_service_citywide', service: 'Section voirie' });
  });

  it('acts in bulk: one failing report does not stop the others', async () => {
    const a = await createReport(core, world);
    const b = await createReport(core, world, { serviceId: world.s2 });
    const c = await createReport(core, world);
    const agent = await viewerOf(core, world.agent1);
    const result = await bulkAct(core, agent, [a.id, b.id, c.id], 'qualify', {}, actor);
    expect(result.done).toBe(2);
    expect(result.failed).toEqual([{ id: b.id, code: 'core.errors.forbidden' }]);
    expect((await stateOf(core, c.id)).state).toBe('to_process');
    expect((await stateOf(core, b.id)).state).toBe('new');
  });
});

describe('transfer, assignment, notes', () => {
  it('keeps every hop of a transfer in the timeline, across directorates', async () => {
    const report = await createReport(core, world, { reporterEmail: 'hops@example.test' });
    const agent1 = await viewerOf(core, world.agent1);
    const agent2 = await viewerOf(core, world.agent2);
    expect(await codeOf(transferReport(core, agent1, report.id, world.s2, '  ', actor))).toBe(
      'core.errors.validation',
    );
    expect(await codeOf(transferReport(core, agent1, report.id, world.s1, 'same', actor))).toBe(
      'core.errors.validation',
    );
    const mark = mailMark(core);
    await transferReport(core, agent1, report.id, world.s2, 'Hors secteur', actor);
    await transferReport(core, agent2, report.id, world.s3, 'Relève de la voirie', actor);
    expect((await stateOf(core, report.id)).service_id).toBe(world.s3);
    const timeline = await events(core, report.id);
    const hops = timeline.filter((e) => e.kind === 'transferred');
    expect(hops.map((e) => [e.public, e.data.fromServiceName, e.data.toServiceName])).toEqual([
      [true, 'Division propreté du 5e', 'Division propreté du 6e'],
      [true, 'Division propreté du 6e', 'Section voirie'],
    ]);
    expect(timeline.filter((e) => e.kind === 'note' && !e.public).map((e) => e.data.text)).toEqual([
      'Hors secteur',
      'Relève de la voirie',
    ]);
    expect(sentMails(core, mark).map((m) => m.subject)).toHaveLength(2);
    // the first service no longer handles it
    await expect(actOnReport(core, agent1, report.id, 'qualify', {}, actor)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('assigns only a member of the report’s service', async () => {
    const report = await createReport(core, world);
    const agent = await viewerOf(core, world.agent1);
    expect(await codeOf(assignReport(core, agent, report.id, world.agent2, actor))).toBe(
      'core.errors.validation',
    );
    await assignReport(core, agent, report.id, world.agent1, actor);
    expect((await stateOf(core, report.id)).assigned_agent_id).toBe(world.agent1);
    const detail = await getReportForAgent(core, agent, report.id);
    expect(detail?.assignedAgentName).toBe('Agent Un');
    expect(detail?.serviceAgents.map((a) => a.id).sort()).toEqual([world.agent1, world.manager1].sort());
  });

  it('keeps internal notes out of the public timeline and mails public messages', async () => {
    const report = await createReport(core, world, { reporterEmail: 'notes@example.test' });
    const agent = await viewerOf(core, world.agent1);
    const mark = mailMark(core);
    await addNote(core, agent, report.id, { text: 'Le riverain est pénible', public: false }, actor);
    await addNote(core, agent, report.id, { text: 'Nous passons jeudi', public: true }, actor);
    expect(await codeOf(addNote(core, agent, report.id, { text: ' ', public: true }, actor))).toBe(
      'core.errors.validation',
    );
    const publicEvents = await core.db
      .selectFrom('report_event')
      .select(['kind', 'data'])
      .where('report_id', '=', report.id)
      .where('public', '=', true)
      .execute();
    expect(JSON.stringify(publicEvents)).not.toContain('pénible');
    expect(publicEvents).toEqual([{ kind: 'message', data: { text: 'Nous passons jeudi' } }]);
    const mails = sentMails(core, mark);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('Nous passons jeudi');
    const detail = await getReportForAgent(core, agent, report.id);
    expect(detail?.timeline.map((e) => [e.kind, e.public])).toEqual([
      ['note', false],
      ['message', true],
    ]);
    expect(detail?.reporter.email).toBe('notes@example.test');
  });
});

describe('the reporter after the fix', () => {
  it('reopens within 30 days to the same service, not after 31 days, not by someone else', async () => {
    const reporter = await createUser(core);
    const someone = await createUser(core);
    const recent = await createReport(core, world, {
      state: 'done',
      closedDaysAgo: 10,
      reporterUserId: reporter,
      serviceId: world.s2,
    });
    const old = await createReport(core, world, {
      state: 'done',
      closedDaysAgo: 31,
      reporterUserId: reporter,
    });
    const me = await viewerOf(core, reporter);
    expect(
      await codeOf(reopenReport(core, await viewerOf(core, someone), recent.id, 'Toujours là', actor)),
    ).toBe('reports.workflow.reopen_reporter_only');
    expect(await codeOf(reopenReport(core, me, old.id, 'Toujours là', actor))).toBe(
      'reports.workflow.reopen_window_passed',
    );
    expect(await codeOf(reopenReport(core, me, recent.id, '   ', actor))).toBe('core.errors.validation');
    expect((await stateOf(core, old.id)).state).toBe('done');

    await reopenReport(core, me, recent.id, 'Toujours là', actor);
    const row = await stateOf(core, recent.id);
    expect(row.state).toBe('to_process');
    expect(row.service_id).toBe(world.s2);
    expect(row.closed_at).toBeNull();
    const [event] = await events(core, recent.id);
    expect(event).toMatchObject({ kind: 'status_changed', public: true, actor_id: reporter });
    expect(event?.data).toMatchObject({ action: 'reopen', note: 'Toujours là' });
  });

  it('stores the satisfaction answer once, from the reporter, after the fix', async () => {
    const reporter = await createUser(core);
    const report = await createReport(core, world, {
      state: 'done',
      closedDaysAgo: 2,
      reporterUserId: reporter,
    });
    const open = await createReport(core, world, { reporterUserId: reporter });
    const me = await viewerOf(core, reporter);
    await expect(
      rateFix(core, await viewerOf(core, world.agent1), report.id, true, actor),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await codeOf(rateFix(core, me, open.id, true, actor))).toBe('reports.agent.rate_not_done');
    await rateFix(core, me, report.id, false, actor);
    expect((await stateOf(core, report.id)).satisfied).toBe(false);
    expect(await codeOf(rateFix(core, me, report.id, true, actor))).toBe('reports.agent.already_rated');
    expect((await stateOf(core, report.id)).satisfied).toBe(false);
  });
});

describe('queue and backlog', () => {
  it('lists only the viewer’s services, filters late reports and sorts by lateness', async () => {
    const fresh = await createWorld(core);
    const onTime = await createReport(core, fresh, { ageDays: 1 });
    const late3 = await createReport(core, fresh, { ageDays: 8 });
    const late10 = await createReport(core, fresh, { ageDays: 15 });
    const doneLate = await createReport(core, fresh, { ageDays: 30, state: 'done', closedDaysAgo: 1 });
    await createReport(core, fresh, { serviceId: fresh.s2, ageDays: 20 });
    const agent = await viewerOf(core, fresh.agent1);

    const byAge = await agentQueue(core, agent, { sort: 'age', page: 1, pageSize: 10 });
    expect(byAge.total).toBe(4);
    expect(byAge.items.map((r) => r.id)).toEqual([doneLate.id, late10.id, late3.id, onTime.id]);

    const late = await agentQueue(core, agent, { sort: 'lateness', late: true, page: 1, pageSize: 10 });
    expect(late.items.map((r) => r.id)).toEqual([late10.id, late3.id]);
    expect(late.items[0]).toMatchObject({
      late: true,
      lateDays: 10,
      categoryLabel: 'Propreté › Dépôt sauvage',
    });

    const open = await agentQueue(core, agent, { sort: 'lateness', states: ['new'], page: 2, pageSize: 2 });
    expect(open.total).toBe(3);
    expect(open.items.map((r) => r.id)).toEqual([onTime.id]);

    await expect(
      agentQueue(core, agent, { serviceId: fresh.s2, sort: 'age', page: 1, pageSize: 10 }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const rows = await backlog(core, agent);
    expect(rows).toEqual([{ serviceId: fresh.s1, serviceName: 'Division propreté du 5e', open: 3, late: 2 }]);
  });
});
