/**
 * Issue 3's remaining gaps, through the pages as a browser without JavaScript uses them:
 * the public timeline names the service a report was transferred to (never the agent); the
 * answers to a category's questions (choices and numbers in public, everything for agents);
 * and the other items' forms (contractor, dates, photo position, queue map).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { addMembership } from '../../../core/org/org.service.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';
import { saveCategory, seedReportCategories } from '../categories.service.js';
import { submitReport } from '../reports.service.js';
import '../reports.tables.js';
import { mailMark, sentMails, viewerOf } from './r2-fixtures.js';

let t: TestApp;
type Signed = Awaited<ReturnType<typeof signedInBrowser>>;
let agent5: Signed;
let service5 = '';
let service13 = '';

/** Panthéon (5e). */
const IN_5E = { lat: 48.8462, lon: 2.3464 };
/** Propreté › Malpropreté du sol › Mégots: routed to the 5e's cleanliness division. */
const MEGOTS = '3405';

/** A browser that chose this language with the site's switch (the `vo_lang` cookie). */
function browserIn(locale: 'fr' | 'en'): Browser {
  const browser = new Browser(t.app);
  (browser as unknown as { cookies: Map<string, string> }).cookies.set('vo_lang', locale);
  return browser;
}

let spread = 0;
/** Points in the 5e a few metres apart, so that no test meets another's duplicates by surprise. */
function near5e(): { lat: number; lon: number } {
  spread += 1;
  return { lat: IN_5E.lat + spread * 0.0001, lon: IN_5E.lon };
}

async function report(
  options: { categoryId?: string; attributes?: Record<string, string | string[]>; email?: string } = {},
) {
  return submitReport(
    t.core,
    {
      categoryId: options.categoryId ?? MEGOTS,
      ...near5e(),
      description: 'Des mégots partout',
      attributes: options.attributes,
      reporter: { name: 'Zoé Habitante', email: options.email ?? 'zoe@example.test', phone: '0612345678' },
      channel: 'web',
    },
    systemActor,
  );
}

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  await seedReportCategories(t.core, systemActor);
  const services = await t.core.db.selectFrom('org_service').select(['id', 'code']).execute();
  service5 = services.find((s) => s.code === 'DPE-PROP-05')?.id ?? '';
  service13 = services.find((s) => s.code === 'DPE-PROP-13')?.id ?? '';
  agent5 = await signedInBrowser(t.app, t.core, { displayName: 'Agent Cinq' });
  await addMembership(t.core.db, { userId: agent5.userId, serviceId: service5, role: 'agent' }, systemActor);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('a transfer on the public timeline', () => {
  it('names the new service, not the agent, and keeps the reason internal', async () => {
    const r = await report();
    const detail = `/admin/signalements/${r.reference}`;
    const moved = await agent5.browser.post(
      `${detail}/transfert`,
      { toServiceId: service13, transferReason: 'Côté 13e <script>alert(1)</script> de la rue' },
      { csrfFrom: detail },
    );
    expect(moved.statusCode).toBe(303);

    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Transféré au service : Division propreté du 13e arrondissement');
    expect(page.body).not.toContain('Transféré à un autre service');
    expect(page.body).not.toContain('Agent Cinq');
    expect(page.body).not.toContain('Côté 13e');

    const english = await new Browser(t.app).get(`/signalements/${r.reference}`, {
      cookie: 'vo_lang=en',
    });
    expect(english.body).toContain('Transferred to the service: Division propreté du 13e arrondissement');
  });
});

describe('the language of an anonymous reporter', () => {
  it('is the page’s language when the form is sent, and their mail speaks it', async () => {
    for (const locale of ['en', 'fr'] as const) {
      const browser = browserIn(locale);
      const point = near5e();
      const mark = mailMark(t.core);
      const sent = await browser.post('/signalements/nouveau', {
        idempotencyKey: randomUUID(),
        categoryId: MEGOTS,
        lat: point.lat.toFixed(6),
        lon: point.lon.toFixed(6),
        description: 'Mégots',
        email: `anon-${locale}@example.test`,
        action: 'submit',
        confirmed: '1',
      });
      expect(sent.statusCode).toBe(303);
      const reference = /DMR-\d{4}-\d+/.exec(String(sent.headers.location))?.[0] ?? '';
      const row = await t.core.db
        .selectFrom('report_report')
        .select(['reporter_locale', 'reporter_user_id'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ reporter_locale: locale, reporter_user_id: null });
      const [ack] = sentMails(t.core, mark);
      expect(ack?.subject).toBe(
        locale === 'en'
          ? `Your report ${reference} has been received`
          : `Votre signalement ${reference} est bien reçu`,
      );
    }
  });
});

describe('answers to the category’s questions', () => {
  let categoryId = '';
  beforeAll(async () => {
    const admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
    const saved = await saveCategory(
      t.core,
      await viewerOf(t.core, admin.userId),
      {
        label: 'Mégots en tas',
        parentId: '3400',
        defaultServiceId: null,
        targetDays: null,
        active: true,
        extraQuestions: [
          {
            code: 'kind',
            datatype: 'singlevaluelist',
            required: false,
            order: 1,
            description: 'Comment sont-ils ?',
            values: [
              { key: 'pile', name: 'En tas' },
              { key: 'scattered', name: 'Éparpillés' },
            ],
          },
          { code: 'count', datatype: 'number', required: false, order: 2, description: 'Combien environ ?' },
          {
            code: 'where',
            datatype: 'multivaluelist',
            required: false,
            order: 3,
            description: 'Où ?',
            values: [
              { key: 'bench', name: 'Au pied d’un banc' },
              { key: 'tree', name: 'Au pied d’un arbre' },
            ],
          },
          { code: 'remark', datatype: 'string', required: false, order: 4, description: 'Remarque' },
          { code: 'details', datatype: 'text', required: false, order: 5, description: 'Détails' },
        ],
      },
      systemActor,
    );
    categoryId = saved.id;
  });

  it('shows choices and numbers in public, never free text; agents see every answer', async () => {
    const r = await report({
      categoryId,
      attributes: {
        kind: 'pile',
        count: '120',
        where: ['bench', 'tree'],
        remark: 'Appelez Jean Dupont au 0601020304',
        details: '<script>alert(1)</script> devant chez moi',
      },
    });
    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>Précisions</h2>');
    expect(page.body).toContain('Comment sont-ils ?');
    expect(page.body).toContain('En tas');
    expect(page.body).toContain('Combien environ ?');
    expect(page.body).toContain('120');
    expect(page.body).toContain('Au pied d’un banc, Au pied d’un arbre');
    expect(page.body).not.toContain('Remarque');
    expect(page.body).not.toContain('Jean Dupont');
    expect(page.body).not.toContain('0601020304');
    expect(page.body).not.toContain('alert(1)');
    // Keys are not what people read.
    expect(page.body).not.toContain('>pile<');

    const agent = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(agent.statusCode).toBe(200);
    expect(agent.body).toContain('Réponses aux questions de la catégorie');
    expect(agent.body).toContain('En tas');
    expect(agent.body).toContain('Au pied d’un banc, Au pied d’un arbre');
    expect(agent.body).toContain('Appelez Jean Dupont au 0601020304');
    // Preact escapes `<`: the text is shown, never run.
    expect(agent.body).toContain('&lt;script>alert(1)&lt;/script> devant chez moi');
    expect(agent.body).not.toContain('<script>alert(1)');
  });

  it('shows no answers section when nothing was answered', async () => {
    const r = await report({ categoryId });
    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.body).not.toContain('Précisions');
    const agent = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(agent.body).not.toContain('Réponses aux questions de la catégorie');
  });
});

describe('handing a report to a contractor, without JavaScript', () => {
  async function contractorOf(reference: string) {
    return t.core.db
      .selectFrom('report_report')
      .select(['state', 'third_party_id', 'third_party_name'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
  }
  const act = (reference: string, fields: Record<string, string>) =>
    agent5.browser.post(
      `/admin/signalements/${reference}/action`,
      { action: 'transfer_third_party', ...fields },
      { csrfFrom: `/admin/signalements/${reference}` },
    );

  it('offers the city’s contractors and shows the one chosen to agents, with its id in the history', async () => {
    const r = await report();
    const form = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(form.body).toContain('<legend class="fieldset__legend">Prestataire qui interviendra</legend>');
    expect(form.body).toContain('<option value="LUMIVILLE">Lumiville (éclairage public)</option>');
    expect(form.body).toContain('name="thirdPartyOther"');

    const done = await act(r.reference, { thirdParty: 'LUMIVILLE', thirdPartyOther: '' });
    expect(done.statusCode).toBe(303);
    expect(await contractorOf(r.reference)).toEqual({
      state: 'transferred_third_party',
      third_party_id: 'LUMIVILLE',
      third_party_name: 'Lumiville (éclairage public)',
    });
    const detail = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(detail.body).toContain('Lumiville (éclairage public) (identifiant : LUMIVILLE)');
    expect(detail.body).toContain('Prestataire : Lumiville (éclairage public) (identifiant : LUMIVILLE)');

    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.body).toContain('Confié à un prestataire');
    expect(page.body).not.toContain('Lumiville');
    expect(page.body).not.toContain('LUMIVILLE');
  });

  it('takes a contractor typed by hand, shown as text', async () => {
    const r = await report();
    const typed = 'Serrurerie <script>alert(1)</script>   Martin';
    expect((await act(r.reference, { thirdParty: '', thirdPartyOther: typed })).statusCode).toBe(303);
    expect(await contractorOf(r.reference)).toMatchObject({
      third_party_id: 'Serrurerie <script>alert(1)</script> Martin',
      third_party_name: 'Serrurerie <script>alert(1)</script> Martin',
    });
    const detail = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(detail.body).toContain('Serrurerie &lt;script>alert(1)&lt;/script> Martin');
    expect(detail.body).not.toContain('<script>alert(1)');
  });

  it('refuses none, both, an unknown one or a huge one: 422, the form again with what was typed, nothing changed', async () => {
    const r = await report();
    const cases: [Record<string, string>, string, string][] = [
      [{ thirdParty: '', thirdPartyOther: '  ' }, 'thirdParty', 'Indiquez le prestataire.'],
      [
        { thirdParty: 'LUMIVILLE', thirdPartyOther: 'Autre SARL' },
        'thirdParty',
        'Choisissez un prestataire dans la liste ou saisissez-en un autre, pas les deux.',
      ],
      [
        { thirdParty: 'INCONNU', thirdPartyOther: '' },
        'thirdParty',
        'Ce prestataire n’est pas dans la liste',
      ],
      [{ thirdParty: '', thirdPartyOther: 'x'.repeat(5000) }, 'thirdPartyOther', 'trop long'],
    ];
    for (const [fields, field, message] of cases) {
      const refused = await act(r.reference, fields);
      expect(refused.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(422);
      expect(refused.body).toContain(`href="#field-${field}"`);
      expect(refused.body).toContain(message);
      if (fields.thirdPartyOther?.trim() === 'Autre SARL')
        expect(refused.body).toContain('value="Autre SARL"');
      expect(await contractorOf(r.reference)).toEqual({
        state: 'new',
        third_party_id: null,
        third_party_name: null,
      });
    }
  });
});
