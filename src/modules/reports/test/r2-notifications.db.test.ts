import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import type { CoreServices } from '../../../core/services.js';
import {
  DAILY_DIGEST_JOB,
  ESCALATE_LATE_JOB,
  notifyReportChange,
  notifyReportCreated,
  registerReportJobs,
  runDailyDigest,
  runEscalation,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from '../notifications.js';
import { addAfterFixPhoto, reviewPhoto } from '../reports.agent.service.js';
import { optOut } from '../reports.agent.store.js';
import {
  createReport,
  createUser,
  createWorld,
  events,
  follow,
  mailMark,
  sentMails,
  viewerOf,
  type World,
} from './r2-fixtures.js';

let t: TestApp;
let core: CoreServices;

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('unsubscribe tokens', () => {
  const id = '3f2b8c1e-8a4d-4c5e-9f00-112233445566';
  it('round-trips a report id and an e-mail and refuses a forged one', () => {
    const token = unsubscribeToken(core.config.sessionSecret, id, 'Someone@Example.test');
    expect(verifyUnsubscribeToken(core.config.sessionSecret, token)).toEqual({
      reportId: id,
      email: 'someone@example.test',
    });
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(`${id}other@example.test`).toString('base64url')}.${mac}`;
    expect(verifyUnsubscribeToken(core.config.sessionSecret, forged)).toBeNull();
    expect(verifyUnsubscribeToken('another secret of at least thirty-two chars', token)).toBeNull();
    expect(verifyUnsubscribeToken(core.config.sessionSecret, 'nonsense')).toBeNull();
    expect(verifyUnsubscribeToken(core.config.sessionSecret, `${token}.x`)).toBeNull();
  });
});

describe('mail to the reporter and followers', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(core);
  });

  it('acknowledges a submission to the reporter with the reference and link', async () => {
    const report = await createReport(core, world, { reporterEmail: 'ack@example.test' });
    const mark = mailMark(core);
    await notifyReportCreated(core, report.id);
    const [mail] = sentMails(core, mark);
    expect(mail?.to).toBe('ack@example.test');
    expect(mail?.subject).toContain(report.reference);
    expect(mail?.text).toContain(`${core.config.publicUrl}/signalements/${report.reference}`);
    expect(mail?.headers?.['List-Unsubscribe']).toContain('/signalements/desabonnement/');
  });

  it('stops mailing an address that unsubscribed, and removes its follow', async () => {
    const follower = await createUser(core, { email: 'leaving@example.test' });
    const report = await createReport(core, world, { reporterEmail: 'anon@example.test' });
    await follow(core, report.id, follower);
    const mark = mailMark(core);
    expect(await notifyReportChange(core, report.id, { kind: 'message', text: 'Bonjour' })).toBe(2);
    await optOut(core.db, report.id, 'leaving@example.test');
    await optOut(core.db, report.id, 'anon@example.test');
    expect(await notifyReportChange(core, report.id, { kind: 'message', text: 'Encore' })).toBe(0);
    expect(sentMails(core, mark)).toHaveLength(2);
    const follows = await core.db
      .selectFrom('report_follower')
      .select('user_id')
      .where('report_id', '=', report.id)
      .execute();
    expect(follows).toHaveLength(0);
  });
});

describe('photos', () => {
  it('adds an after-fix photo (public, re-encoded), mails it, and reviews a citizen photo', async () => {
    const world = await createWorld(core);
    const report = await createReport(core, world, { reporterEmail: 'photo@example.test' });
    const agent = await viewerOf(core, world.agent1);
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const mark = mailMark(core);
    const photoId = await addAfterFixPhoto(
      core,
      agent,
      report.id,
      { filename: 'apres.png', mimetype: 'image/png', data: png },
      systemActor,
    );
    const photo = await core.db
      .selectFrom('report_photo')
      .selectAll()
      .where('id', '=', photoId)
      .executeTakeFirstOrThrow();
    expect(photo).toMatchObject({ kind: 'after_fix', status: 'accepted', width: 40, height: 30 });
    expect((await events(core, report.id)).map((e) => [e.kind, e.public])).toEqual([
      ['after_fix_photo', true],
    ]);
    expect(sentMails(core, mark).map((m) => m.to)).toEqual(['photo@example.test']);

    await expect(
      addAfterFixPhoto(
        core,
        agent,
        report.id,
        { filename: 'x.jpg', mimetype: 'image/jpeg', data: Buffer.from('<svg/>') },
        systemActor,
      ),
    ).rejects.toMatchObject({ code: 'reports.photos.not_image' });

    const citizen = await core.db
      .insertInto('report_photo')
      .values({
        report_id: report.id,
        kind: 'initial',
        status: 'pending',
        storage_key: 'none.jpg',
        width: 1,
        height: 1,
        bytes: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      reviewPhoto(core, await viewerOf(core, world.agent2), citizen.id, 'accepted', systemActor),
    ).rejects.toMatchObject({
      status: 403,
    });
    await reviewPhoto(core, agent, citizen.id, 'refused', systemActor);
    const reviewed = await core.db
      .selectFrom('report_photo')
      .select('status')
      .where('id', '=', citizen.id)
      .executeTakeFirstOrThrow();
    expect(reviewed.status).toBe('refused');
  });
});

describe('late reports', () => {
  it('sends one digest per service and day listing its late reports', async () => {
    const world = await createWorld(core);
    const late = await createReport(core, world, { ageDays: 9 });
    const late2 = await createReport(core, world, { ageDays: 12, serviceId: world.s2 });
    const onTime = await createReport(core, world, { ageDays: 2 });
    const now = new Date();
    const mark = mailMark(core);
    await runDailyDigest(core, now);
    const mails = sentMails(core, mark);
    const toS1 = mails.filter((m) => m.to === 'prop05@ville.test');
    expect(toS1).toHaveLength(1);
    expect(toS1[0]?.text).toContain(late.reference);
    expect(toS1[0]?.text).not.toContain(onTime.reference);
    expect(toS1[0]?.text).not.toContain(late2.reference);
    expect(mails.filter((m) => m.to === 'prop06@ville.test')[0]?.text).toContain(late2.reference);
    const again = mailMark(core);
    await runDailyDigest(core, now);
    expect(
      sentMails(core, again).filter((m) => m.to.endsWith('@ville.test') && m.to.startsWith('prop0')),
    ).toHaveLength(0);
  });

  it('escalates a late report to the service’s managers once', async () => {
    const world = await createWorld(core);
    const late = await createReport(core, world, { ageDays: 9 });
    await createReport(core, world, { ageDays: 1 });
    const managerEmail = (
      await core.db
        .selectFrom('account_user')
        .select('email')
        .where('id', '=', world.manager1)
        .executeTakeFirstOrThrow()
    ).email;
    const mark = mailMark(core);
    const first = await runEscalation(core);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    const mails = sentMails(core, mark).filter((m) => m.to === managerEmail);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain(late.reference);
    expect(mails[0]?.subject).toContain('late'); // the manager reads English
    expect((await events(core, late.id)).map((e) => [e.kind, e.public])).toEqual([['escalated', false]]);

    const again = mailMark(core);
    await runEscalation(core);
    expect(sentMails(core, again).filter((m) => m.to === managerEmail)).toHaveLength(0);
    expect((await events(core, late.id)).filter((e) => e.kind === 'escalated')).toHaveLength(1);
  });

  it('registers both jobs', async () => {
    registerReportJobs(core);
    await core.jobs.send(ESCALATE_LATE_JOB, {});
    await core.jobs.send(DAILY_DIGEST_JOB, {});
  });
});
