import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { unsubscribeToken } from '../notifications.js';
import { addNote } from '../reports.agent.service.js';
import {
  createReport,
  createUser,
  createWorld,
  follow,
  mailMark,
  sentMails,
  viewerOf,
} from './r2-fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the unsubscribe link of a report mail', () => {
  it('asks to confirm, then stops the mail to that address (follower and anonymous reporter)', async () => {
    const { core, app } = t;
    const world = await createWorld(core);
    const follower = await createUser(core, { email: 'suiveur@example.test' });
    const report = await createReport(core, world, { reporterEmail: 'anonyme@example.test' });
    await follow(core, report.id, follower);
    const agent = await viewerOf(core, world.agent1);

    const mark = mailMark(core);
    await addNote(core, agent, report.id, { text: 'Premier message', public: true }, systemActor);
    const mails = sentMails(core, mark);
    expect(mails.map((m) => m.to).sort()).toEqual(['anonyme@example.test', 'suiveur@example.test']);
    const link = /(\/signalements\/desabonnement\/[A-Za-z0-9_.-]+)/.exec(
      mails.find((m) => m.to === 'suiveur@example.test')?.text ?? '',
    )?.[1];
    expect(link).toBeDefined();
    const url = link as string;

    const browser = new Browser(app);
    const page = await browser.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(report.reference);
    expect(page.body).not.toContain('suiveur@example.test');

    const done = await browser.post(url, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/signalements/${report.reference}`);

    // the anonymous reporter's link works the same way, without an account
    const anonymous = new Browser(app);
    const anonymousUrl = `/signalements/desabonnement/${unsubscribeToken(core.config.sessionSecret, report.id, 'anonyme@example.test')}`;
    expect((await anonymous.post(anonymousUrl, {})).statusCode).toBe(303);

    const after = mailMark(core);
    await addNote(core, agent, report.id, { text: 'Second message', public: true }, systemActor);
    expect(sentMails(core, after)).toHaveLength(0);
    const follows = await core.db
      .selectFrom('report_follower')
      .select('user_id')
      .where('report_id', '=', report.id)
      .execute();
    expect(follows).toHaveLength(0);
    const audit = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', report.id)
      .where('action', '=', 'reports.unsubscribe')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('refuses a forged or damaged token with 404 and changes nothing', async () => {
    const { core, app } = t;
    const world = await createWorld(core);
    const report = await createReport(core, world, { reporterEmail: 'victime@example.test' });
    const genuine = unsubscribeToken(core.config.sessionSecret, report.id, 'victime@example.test');
    const forged = `${Buffer.from(`${report.id}victime@example.test`).toString('base64url')}.${Buffer.alloc(32).toString('base64url')}`;
    const browser = new Browser(app);
    expect((await browser.get(`/signalements/desabonnement/${forged}`)).statusCode).toBe(404);
    expect((await browser.get(`/signalements/desabonnement/${genuine}x`)).statusCode).toBe(404);
    const post = await browser.post(
      `/signalements/desabonnement/${forged}`,
      {},
      { csrfFrom: `/signalements/desabonnement/${genuine}` },
    );
    expect(post.statusCode).toBe(404);
    const optouts = await core.db
      .selectFrom('report_mail_optout')
      .select('email')
      .where('report_id', '=', report.id)
      .execute();
    expect(optouts).toHaveLength(0);
  });
});
