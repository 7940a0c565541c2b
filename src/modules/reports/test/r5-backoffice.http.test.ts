/**
 * The agents' back office for reports, through forms posted url-encoded as a browser without
 * JavaScript does: the queue is scoped to the agent's services, the workflow, refused forms
 * (422, values kept), bulk actions with a failure, internal notes never public, categories
 * (rename keeps an alias, questions without JS), API keys shown once and revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { addMembership } from '../../../core/org/org.service.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';
import { verifyApiKey } from '../api-keys.js';
import { getCategory, seedReportCategories } from '../categories.service.js';
import { getPublicReport, submitReport } from '../reports.service.js';

let t: TestApp;
type Signed = Awaited<ReturnType<typeof signedInBrowser>>;
let agent5: Signed;
let admin: Signed;
let service5 = '';
let service13 = '';

/** Panthéon (5e) and place d'Italie (13e). */
const IN_5E = { lat: 48.8462, lon: 2.3464 };
const IN_13E = { lat: 48.831, lon: 2.3555 };
/** Propreté › Malpropreté du sol › Mégots: DPE, narrowed to the arrondissement's division. */
const CATEGORY = '3405';

async function report(point: { lat: number; lon: number }, description = 'Des mégots partout') {
  const created = await submitReport(
    t.core,
    {
      categoryId: CATEGORY,
      ...point,
      description,
      reporter: { name: 'Zoé Habitante', email: 'zoe@example.test', phone: '0612345678' },
      channel: 'web',
    },
    systemActor,
  );
  return created;
}

async function stateOf(reference: string) {
  const row = await t.core.db
    .selectFrom('report_report')
    .select(['state', 'service_id', 'scheduled_for', 'reason_code'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  return row;
}

async function eventCount(reference: string): Promise<number> {
  const row = await t.core.db
    .selectFrom('report_event as e')
    .innerJoin('report_report as r', 'r.id', 'e.report_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.reference', '=', reference)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
  admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('the queue of an agent of the 5e cleanliness division', () => {
  it('shows the reports of its service only; another service’s report is a 403 and cannot be changed', async () => {
    const mine = await report(IN_5E);
    const other = await report(IN_13E);
    expect((await stateOf(mine.reference)).service_id).toBe(service5);
    expect((await stateOf(other.reference)).service_id).toBe(service13);

    const queue = await agent5.browser.get('/admin/signalements');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(mine.reference);
    expect(queue.body).not.toContain(other.reference);
    // The side navigation offers the queue, not the admin-only pages.
    expect(queue.body).toContain('href="/admin/signalements"');
    expect(queue.body).not.toContain('href="/admin/cles-api"');

    const detail = await agent5.browser.get(`/admin/signalements/${other.reference}`);
    expect(detail.statusCode).toBe(403);
    const before = await eventCount(other.reference);
    const note = await agent5.browser.post(
      `/admin/signalements/${other.reference}/note`,
      { noteText: 'pas à moi', noteVisibility: 'internal' },
      { csrfFrom: `/admin/signalements/${mine.reference}` },
    );
    expect(note.statusCode).toBe(403);
    const act = await agent5.browser.post(
      `/admin/signalements/${other.reference}/action`,
      { action: 'qualify' },
      { csrfFrom: `/admin/signalements/${mine.reference}` },
    );
    expect(act.statusCode).toBe(403);
    expect(await eventCount(other.reference)).toBe(before);
    expect((await stateOf(other.reference)).state).toBe('new');
  });

  it('filters by late only and sorts by lateness without error', async () => {
    const response = await agent5.browser.get('/admin/signalements?retard=1&tri=lateness&etat=new');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Aucun signalement ne correspond');
  });

  it('sends signed-out people to sign in and keeps citizens out', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/admin/signalements' });
    expect(anonymous.statusCode).toBe(303);
    const citizen = await signedInBrowser(t.app, t.core);
    expect((await citizen.browser.get('/admin/signalements')).statusCode).toBe(403);
  });
});

describe('one report, through its forms', () => {
  it('shows the reporter’s contact and the routing explanation to the service', async () => {
    const r = await report(IN_5E);
    const page = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('zoe@example.test');
    expect(page.body).toContain('0612345678');
    expect(page.body).toContain('Division propreté du 5e arrondissement');
  });

  it('names an escalation in the timeline instead of showing its code', async () => {
    const r = await report(IN_5E);
    await t.core.db
      .insertInto('report_event')
      .values({ report_id: r.id, kind: 'escalated', public: false, actor_id: null, data: '{}' })
      .execute();
    const page = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(page.body).toContain('Signalé en retard aux responsables du service');
    expect(page.body).not.toMatch(/<strong>escalated<\/strong>|>escalated</);
  });

  it('qualifies, schedules and marks done (303 each), with a flash', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const qualify = await agent5.browser.post(`${url}/action`, { action: 'qualify' }, { csrfFrom: url });
    expect(qualify.statusCode).toBe(303);
    expect(qualify.headers.location).toBe(url);
    expect((await agent5.browser.get(url)).body).toContain('Le signalement a été mis à jour.');
    expect((await stateOf(r.reference)).state).toBe('to_process');

    const schedule = await agent5.browser.post(
      `${url}/action`,
      { action: 'schedule', scheduledFor: '2030-05-04' },
      { csrfFrom: url },
    );
    expect(schedule.statusCode).toBe(303);
    const scheduled = await stateOf(r.reference);
    expect(scheduled.state).toBe('scheduled');
    expect(new Date(scheduled.scheduled_for as Date).toISOString().slice(0, 10)).toBe('2030-05-04');

    const done = await agent5.browser.post(`${url}/action`, { action: 'mark_done' }, { csrfFrom: url });
    expect(done.statusCode).toBe(303);
    expect((await stateOf(r.reference)).state).toBe('done');
    const page = await agent5.browser.get(url);
    expect(page.body).toContain('Service fait');
    // The queue shows the work to do by default; closed reports on demand.
    expect((await agent5.browser.get('/admin/signalements')).body).not.toContain(r.reference);
    expect((await agent5.browser.get('/admin/signalements?etat=tous')).body).toContain(r.reference);
    expect((await agent5.browser.get('/admin/signalements?etat=done')).body).toContain(r.reference);
  });

  it('refuses a reject without reason and a bad date with 422, keeps the values, changes nothing', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const before = await eventCount(r.reference);
    const reject = await agent5.browser.post(
      `${url}/action`,
      { action: 'reject', reasonCode: '' },
      { csrfFrom: url },
    );
    expect(reject.statusCode).toBe(422);
    expect(reject.body).toContain('href="#field-reasonCode"');
    expect(reject.body).toContain('Choisissez un motif de rejet.');
    // The refused form comes back open.
    expect(reject.body).toMatch(
      /<details class="details" open[^>]*><summary class="details__summary">Rejeter</,
    );

    const schedule = await agent5.browser.post(
      `${url}/action`,
      { action: 'schedule', scheduledFor: '31/02/2026' },
      { csrfFrom: url },
    );
    expect(schedule.statusCode).toBe(422);
    expect(schedule.body).toContain('href="#field-scheduledFor"');
    expect(schedule.body).toContain('value="31/02/2026"');

    const transfer = await agent5.browser.post(
      `${url}/transfert`,
      { toServiceId: service13, transferReason: '' },
      { csrfFrom: url },
    );
    expect(transfer.statusCode).toBe(422);
    expect(transfer.body).toContain('href="#field-transferReason"');
    expect(transfer.body).toMatch(new RegExp(`value="${service13}"[^>]*selected`));

    expect((await stateOf(r.reference)).state).toBe('new');
    expect(await eventCount(r.reference)).toBe(before);
  });

  it('rejects with a reason from the list', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const page = await agent5.browser.get(url);
    const reason = /name="reasonCode"[\s\S]*?<option value="([a-z_]+)"/.exec(page.body)?.[1];
    expect(reason).toBeTruthy();
    const reject = await agent5.browser.post(
      `${url}/action`,
      { action: 'reject', reasonCode: reason as string },
      { csrfFrom: url },
    );
    expect(reject.statusCode).toBe(303);
    const after = await stateOf(r.reference);
    expect(after.state).toBe('rejected');
    expect(after.reason_code).toBe(reason);
  });

  it('transfers to another service with a reason: the report leaves the agent’s queue', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const transfer = await agent5.browser.post(
      `${url}/transfert`,
      { toServiceId: service13, transferReason: 'Côté 13e de la rue' },
      { csrfFrom: url },
    );
    expect(transfer.statusCode).toBe(303);
    expect(transfer.headers.location).toBe('/admin/signalements');
    expect((await stateOf(r.reference)).service_id).toBe(service13);
    expect((await agent5.browser.get(url)).statusCode).toBe(403);
    const adminView = await admin.browser.get(url);
    expect(adminView.body).toContain('Côté 13e de la rue');
  });

  it('keeps internal notes in the back office, out of the public page; HTML stays text', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const secret = 'Voisin connu des services <script>alert(1)</script><b>gras</b>';
    const note = await agent5.browser.post(
      `${url}/note`,
      { noteText: secret, noteVisibility: 'internal' },
      { csrfFrom: url },
    );
    expect(note.statusCode).toBe(303);
    const message = await agent5.browser.post(
      `${url}/note`,
      { noteText: 'Intervention prévue cette semaine.', noteVisibility: 'public' },
      { csrfFrom: url },
    );
    expect(message.statusCode).toBe(303);

    const page = await agent5.browser.get(url);
    expect(page.body).toContain('Voisin connu des services &lt;script>alert(1)&lt;/script>&lt;b>gras&lt;/b>');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<b>gras</b>');
    expect(page.body).toContain('Intervention prévue cette semaine.');

    const publicReport = await getPublicReport(t.core, r.reference, null);
    expect(JSON.stringify(publicReport)).not.toContain('Voisin connu');
    expect(JSON.stringify(publicReport)).toContain('Intervention prévue cette semaine.');
    const publicPage = await t.app.inject({ method: 'GET', url: `/signalements/${r.reference}` });
    if (publicPage.statusCode === 200) {
      expect(publicPage.body).not.toContain('Voisin connu');
      expect(publicPage.body).not.toContain('zoe@example.test');
    }
  });

  it('refuses an empty note with 422', async () => {
    const r = await report(IN_5E);
    const url = `/admin/signalements/${r.reference}`;
    const empty = await agent5.browser.post(
      `${url}/note`,
      { noteText: '   ', noteVisibility: 'public' },
      { csrfFrom: url },
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-noteText"');
    expect(empty.body).toMatch(/value="public"[^>]*checked/);
  });
});

describe('bulk actions', () => {
  it('applies an action to the ticked reports and reports the one that failed, with its reason', async () => {
    const a = await report(IN_5E, 'premier');
    const b = await report(IN_5E, 'deuxième');
    const closed = await report(IN_5E, 'déjà clos');
    const closedUrl = `/admin/signalements/${closed.reference}`;
    await agent5.browser.post(`${closedUrl}/action`, { action: 'mark_done' }, { csrfFrom: closedUrl });
    const ids = await t.core.db
      .selectFrom('report_report')
      .select(['id', 'reference'])
      .where('reference', 'in', [a.reference, b.reference, closed.reference])
      .execute();

    const none = await agent5.browser.post(
      '/admin/signalements/lot',
      { bulkAction: 'qualify', retour: '' },
      { csrfFrom: '/admin/signalements' },
    );
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('href="#field-ids"');

    const noReason = await agent5.browser.post(
      '/admin/signalements/lot',
      { ids: ids.map((r) => r.id), bulkAction: 'reject', bulkReason: '', retour: '' },
      { csrfFrom: '/admin/signalements' },
    );
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('href="#field-bulkReason"');
    // The ticked boxes stay ticked.
    expect(noReason.body).toMatch(
      new RegExp(`value="${ids[0]?.id}"[^>]*checked|checked[^>]*value="${ids[0]?.id}"`),
    );

    const response = await agent5.browser.post(
      '/admin/signalements/lot',
      { ids: ids.map((r) => r.id), bulkAction: 'qualify', retour: 'tri=age' },
      { csrfFrom: '/admin/signalements' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('2 signalement(s) mis à jour.');
    expect(response.body).toContain('1 signalement(s) non modifié(s)');
    expect(response.body).toContain(closed.reference);
    expect((await stateOf(a.reference)).state).toBe('to_process');
    expect((await stateOf(b.reference)).state).toBe('to_process');
    expect((await stateOf(closed.reference)).state).toBe('done');
  });
});

describe('categories', () => {
  it('are managed by administrators only', async () => {
    expect((await agent5.browser.get('/admin/signalements/categories')).statusCode).toBe(403);
    const page = await admin.browser.get('/admin/signalements/categories');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mégots');
  });

  it('renames a node and keeps the former label as an alias', async () => {
    const url = `/admin/signalements/categories/${CATEGORY}`;
    const form = await admin.browser.get(url);
    expect(form.statusCode).toBe(200);
    const response = await admin.browser.post(
      url,
      {
        label: 'Mégots de cigarette',
        parentId: '3400',
        defaultServiceId: '',
        targetDays: '5',
        active: '1',
        questionCount: '1',
      },
      { csrfFrom: url },
    );
    expect(response.statusCode).toBe(303);
    const saved = await getCategory(t.core, CATEGORY);
    expect(saved?.label).toBe('Mégots de cigarette');
    expect(saved?.aliases).toContain('Mégots');
    expect(saved?.targetDays).toBe(5);
    const page = await admin.browser.get(url);
    expect(page.body).toContain('Anciens noms');
    expect(page.body).toMatch(/<strong class="tag tag--grey">Mégots<\/strong>/);
  });

  it('adds a question without JavaScript: one more row, nothing saved until "Save"', async () => {
    const url = '/admin/signalements/categories/3404';
    const fields = {
      label: 'Urine',
      parentId: '3400',
      defaultServiceId: '',
      targetDays: '',
      active: '1',
      questionCount: '1',
      q0_code: 'lieu',
      q0_label: 'Où exactement ?',
      q0_datatype: 'singlevaluelist',
      q0_options: 'Trottoir\nMur\nPorche',
      q0_required: '1',
    };
    const more = await admin.browser.post(url, { ...fields, addQuestion: '1' }, { csrfFrom: url });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('name="q1_code"');
    expect(more.body).toContain('value="lieu"');
    expect((await getCategory(t.core, '3404'))?.extraQuestions).toHaveLength(0);

    const bad = await admin.browser.post(url, { ...fields, q0_options: '' }, { csrfFrom: url });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-q0_options"');

    const saved = await admin.browser.post(url, fields, { csrfFrom: url });
    expect(saved.statusCode).toBe(303);
    const questions = (await getCategory(t.core, '3404'))?.extraQuestions ?? [];
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ code: 'lieu', required: true, datatype: 'singlevaluelist' });
    expect(questions[0]?.values?.map((v) => v.name)).toEqual(['Trottoir', 'Mur', 'Porche']);
  });

  it('refuses an empty label with 422 and keeps what was typed', async () => {
    const url = `/admin/signalements/categories/${CATEGORY}`;
    const response = await admin.browser.post(
      url,
      { label: ' ', parentId: '3400', targetDays: 'abc', active: '1', questionCount: '0' },
      { csrfFrom: url },
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('href="#field-label"');
    expect(response.body).toContain('href="#field-targetDays"');
    expect(response.body).toContain('value="abc"');
  });

  it('creates a node under a parent', async () => {
    const response = await admin.browser.post(
      '/admin/signalements/categories',
      { label: 'Chewing-gum', parentId: '3400', active: '1', questionCount: '0' },
      { csrfFrom: '/admin/signalements/categories/nouvelle' },
    );
    expect(response.statusCode).toBe(303);
    const page = await admin.browser.get('/admin/signalements/categories');
    expect(page.body).toContain('Chewing-gum');
  });
});

describe('API keys', () => {
  it('shows a new key once, then revokes it after a confirmation', async () => {
    expect((await agent5.browser.get('/admin/cles-api')).statusCode).toBe(403);
    const empty = await admin.browser.post('/admin/cles-api', { name: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-name"');

    const created = await admin.browser.post('/admin/cles-api', { name: 'Appli <i>mobile</i>' });
    expect(created.statusCode).toBe(200);
    const secret = /<code data-api-key[^>]*>([^<]+)<\/code>/.exec(created.body)?.[1] ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(created.body).toContain('Appli &lt;i>mobile&lt;/i>');
    expect(await verifyApiKey(t.core, secret)).not.toBeNull();

    const list = await admin.browser.get('/admin/cles-api');
    expect(list.body).not.toContain(secret);
    const revokeUrl = /href="(\/admin\/cles-api\/[^"]+\/revoquer)"/.exec(list.body)?.[1] ?? '';
    expect(revokeUrl).not.toBe('');
    const confirm = await admin.browser.get(revokeUrl);
    expect(confirm.statusCode).toBe(200);
    const revoked = await admin.browser.post(revokeUrl, {});
    expect(revoked.statusCode).toBe(303);
    expect(await verifyApiKey(t.core, secret)).toBeNull();
    const after = await admin.browser.get('/admin/cles-api');
    expect(after.body).toContain('La clé a été révoquée.');
    expect(after.body).toContain('Révoquée le');
  });
});
