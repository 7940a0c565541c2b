/**
 * Issue 3's remaining gaps, at the service level: mail to a reporter without an account speaks
 * the language they used on the site (an account keeps its own language); the contractor of a
 * "transferred to a third party" report is stored, shown to agents, and kept out of public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { ValidationError } from '../../../core/http/errors.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../core/services.js';
import { seedReportCategories } from '../categories.service.js';
import { actOnReport, getReportForAgent } from '../reports.agent.service.js';
import { getPublicReport, type SubmitReportInput, submitReport } from '../reports.service.js';
import { createUser, mailMark, sentMails, viewerOf } from './r2-fixtures.js';

let t: TestApp;
let core: CoreServices;
let agent5 = '';

const MEGOTS = '3405'; // Propreté › Malpropreté du sol › Mégots (5e → Division propreté du 5e)
let spread = 0;

function input(reporter: SubmitReportInput['reporter']): SubmitReportInput {
  spread += 1;
  return {
    categoryId: MEGOTS,
    lat: 48.8462 + spread * 0.0002,
    lon: 2.3464,
    description: 'Des mégots',
    reporter,
    channel: 'web',
  };
}

async function localeColumn(id: string) {
  const row = await core.db
    .selectFrom('report_report')
    .select('reporter_locale')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.reporter_locale;
}

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
  await seedParisDemo(core.db);
  await seedReportCategories(core, systemActor);
  const service = await core.db
    .selectFrom('org_service')
    .select('id')
    .where('code', '=', 'DPE-PROP-05')
    .executeTakeFirstOrThrow();
  agent5 = await createUser(core, { name: 'Agent Cinq' });
  await core.db
    .insertInto('org_membership')
    .values({ user_id: agent5, service_id: service.id, role: 'agent' })
    .execute();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('the language of mail to the reporter', () => {
  it('an anonymous reporter who used the English site gets every mail in English', async () => {
    const mark = mailMark(core);
    const created = await submitReport(
      core,
      input({ email: 'visitor@example.test', locale: 'en' }),
      systemActor,
    );
    expect(await localeColumn(created.id)).toBe('en');
    const [ack] = sentMails(core, mark);
    expect(ack?.to).toBe('visitor@example.test');
    expect(ack?.subject).toBe(`Your report ${created.reference} has been received`);

    const next = mailMark(core);
    await actOnReport(core, await viewerOf(core, agent5), created.id, 'qualify', {}, systemActor);
    const [status] = sentMails(core, next);
    expect(status?.to).toBe('visitor@example.test');
    expect(status?.text).toContain(created.reference);
    expect(status?.subject).toMatch(new RegExp(`^Report ${created.reference}: `));
  });

  it('an anonymous reporter on the French site, or of unknown language, is mailed in French', async () => {
    for (const locale of ['fr', undefined] as const) {
      const mark = mailMark(core);
      const created = await submitReport(core, input({ email: 'anon@example.test', locale }), systemActor);
      expect(await localeColumn(created.id)).toBe(locale ?? null);
      const [ack] = sentMails(core, mark);
      expect(ack?.subject).toBe(`Votre signalement ${created.reference} est bien reçu`);
    }
  });

  it('a language that is not one of the site’s is not stored', async () => {
    const created = await submitReport(
      core,
      input({ email: 'x@example.test', locale: 'de' as unknown as 'en' }),
      systemActor,
    );
    expect(await localeColumn(created.id)).toBeNull();
  });

  it('a signed-in reporter keeps the language of their account, whatever page they used', async () => {
    const userId = await createUser(core, { email: 'compte@example.test', locale: 'fr' });
    const mark = mailMark(core);
    const created = await submitReport(
      core,
      input({ userId, email: 'compte@example.test', locale: 'en' }),
      systemActor,
    );
    const [ack] = sentMails(core, mark);
    expect(ack?.to).toBe('compte@example.test');
    expect(ack?.subject).toBe(`Votre signalement ${created.reference} est bien reçu`);
  });
});

describe('the contractor of a report handed to a third party', () => {
  async function row(id: string) {
    return core.db
      .selectFrom('report_report')
      .select(['state', 'third_party_id', 'third_party_name'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('is stored on the report, in the history and the audit, shown to agents and never in public', async () => {
    const agent = await viewerOf(core, agent5);
    const created = await submitReport(core, input({ email: 'x@example.test' }), systemActor);
    await actOnReport(
      core,
      agent,
      created.id,
      'transfer_third_party',
      { thirdPartyId: 'LUMIVILLE', thirdPartyName: 'Lumiville (éclairage public)' },
      { userId: agent5, label: 'Agent Cinq' },
    );
    expect(await row(created.id)).toEqual({
      state: 'transferred_third_party',
      third_party_id: 'LUMIVILLE',
      third_party_name: 'Lumiville (éclairage public)',
    });
    const seen = await getReportForAgent(core, agent, created.id);
    expect(seen?.thirdParty).toEqual({ id: 'LUMIVILLE', name: 'Lumiville (éclairage public)' });
    const hop = seen?.timeline.find((e) => e.kind === 'status_changed');
    expect(hop?.data).toMatchObject({
      action: 'transfer_third_party',
      thirdPartyId: 'LUMIVILLE',
      thirdPartyName: 'Lumiville (éclairage public)',
    });
    const audit = await core.db
      .selectFrom('audit_event')
      .selectAll()
      .where('object_id', '=', created.id)
      .where('action', '=', 'reports.workflow.transfer_third_party')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.details)).toContain('LUMIVILLE');

    const published = await getPublicReport(core, created.reference, null);
    expect(published?.state).toBe('transferred_third_party');
    expect(JSON.stringify(published)).not.toContain('LUMIVILLE');
    expect(JSON.stringify(published)).not.toContain('Lumiville');

    // Scheduled by the service afterwards: still the same contractor.
    await actOnReport(core, agent, created.id, 'schedule', { scheduledFor: new Date() }, systemActor);
    expect((await row(created.id)).third_party_id).toBe('LUMIVILLE');
    // Requalified: the report starts over, without a contractor.
    await actOnReport(core, agent, created.id, 'requalify', { categoryId: MEGOTS }, systemActor);
    expect(await row(created.id)).toMatchObject({
      state: 'new',
      third_party_id: null,
      third_party_name: null,
    });
  });

  it('a typed contractor is its own id; none, or one too long, changes nothing', async () => {
    const agent = await viewerOf(core, agent5);
    const created = await submitReport(core, input({}), systemActor);
    for (const bad of [{}, { thirdPartyId: '   ' }, { thirdPartyId: 'x'.repeat(201) }]) {
      const error = await actOnReport(
        core,
        agent,
        created.id,
        'transfer_third_party',
        bad,
        systemActor,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await row(created.id)).toEqual({ state: 'new', third_party_id: null, third_party_name: null });
    }
    const tooLong = await actOnReport(
      core,
      agent,
      created.id,
      'transfer_third_party',
      {
        thirdPartyId: 'x'.repeat(201),
      },
      systemActor,
    ).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ValidationError);

    await actOnReport(
      core,
      agent,
      created.id,
      'transfer_third_party',
      { thirdPartyId: 'Serrurerie Martin', thirdPartyName: 'Serrurerie Martin' },
      systemActor,
    );
    expect(await row(created.id)).toEqual({
      state: 'transferred_third_party',
      third_party_id: 'Serrurerie Martin',
      third_party_name: 'Serrurerie Martin',
    });
  });
});
