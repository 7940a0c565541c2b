/**
 * The proposals pages as a browser without JavaScript uses them: every form posted
 * url-encoded (multipart for images), 303 on success, 422 with the error summary and the
 * values kept; hostile HTML shown as text; the wrong person gets a 403; the back office of
 * campaigns, the study and moderation.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../../backoffice/test/helpers.js';
import { findCampaignBySlug, listEnvelopes, listProjects } from '../campaigns.store.js';
import * as store from '../proposals.store.js';
import { makeCampaign } from './fixtures.js';

let t: TestApp;
let open: Awaited<ReturnType<typeof makeCampaign>>;
let author: Awaited<ReturnType<typeof signedInBrowser>>;
let other: Awaited<ReturnType<typeof signedInBrowser>>;
let admin: Awaited<ReturnType<typeof signedInBrowser>>;
let deveAgent: Awaited<ReturnType<typeof signedInBrowser>>;
let dvdAgent: Awaited<ReturnType<typeof signedInBrowser>>;

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

async function agentOf(code: string) {
  const who = await signedInBrowser(t.app, t.core);
  const service = await t.core.db
    .selectFrom('org_service as s')
    .innerJoin('org_directorate as d', 'd.id', 's.directorate_id')
    .select('s.id')
    .where('d.code', '=', code)
    .executeTakeFirstOrThrow();
  await t.core.db
    .insertInto('org_membership')
    .values({ user_id: who.userId, service_id: service.id, role: 'agent' })
    .execute();
  return who;
}

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  open = await makeCampaign(t.core, 'submission', { slug: 'ouverte' });
  author = await signedInBrowser(t.app, t.core, { email: 'auteur@example.test' });
  other = await signedInBrowser(t.app, t.core, { email: 'autre@example.test' });
  admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
  deveAgent = await agentOf('DEVE');
  dvdAgent = await agentOf('DVD');
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const NEW = '/budget/ouverte/propositions/nouvelle';

function form(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: `Des arbres rue Soufflot ${randomUUID().slice(0, 6)}`,
    description: 'Des arbres d’alignement pour rafraîchir la rue en été.',
    theme: 'environnement',
    envelope: 'auto',
    address: 'rue Soufflot',
    lat: '48.8466',
    lon: '2.3445',
    arrondissement: '',
    estimatedCost: '120000',
    publicName: 'Collectif Soufflot',
    coauthors: '',
    ...overrides,
  };
}

function referenceOf(response: LightMyRequestResponse): string {
  expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
  const match = /^\/budget\/ouverte\/propositions\/(BP-\d{4}-\d{4,})$/.exec(
    String(response.headers.location),
  );
  expect(match).not.toBeNull();
  return match?.[1] ?? '';
}

async function count(): Promise<number> {
  const row = await t.core.db
    .selectFrom('budget_proposal')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('public campaign pages', () => {
  it('lists published campaigns; an unpublished one is visible to administrators only', async () => {
    await makeCampaign(t.core, 'submission', { slug: 'secrete', published: false });
    const anonymous = new Browser(t.app);
    const home = await anonymous.get('/budget');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('/budget/ouverte');
    expect(home.body).not.toContain('/budget/secrete');
    expect((await anonymous.get('/budget/secrete')).statusCode).toBe(404);
    expect((await admin.browser.get('/budget/secrete')).statusCode).toBe(200);
    const page = await anonymous.get('/budget/ouverte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Dépôt des propositions');
    expect(page.body).toContain('aria-current="step"');
    expect(page.body).toContain(`${NEW}`);
    expect((await anonymous.get('/budget/nulle-part')).statusCode).toBe(404);
  });

  it('sends signed-out people to sign in before the form', async () => {
    const response = await new Browser(t.app).get(NEW);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/connexion?retour=${encodeURIComponent(NEW)}`);
  });
});

describe('proposing without JavaScript', () => {
  it('creates the proposal (303) and shows it with hostile text inert', async () => {
    const reference = referenceOf(
      await author.browser.post(
        NEW,
        form({
          title: `Fontaine ${HOSTILE}`,
          description: `Description ${HOSTILE}`,
          publicName: `Nom ${HOSTILE}`.slice(0, 80),
          address: `Adresse ${HOSTILE}`,
          lat: '',
          lon: '',
          arrondissement: '5',
        }),
      ),
    );
    const page = await author.browser.get(`/budget/ouverte/propositions/${reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Fontaine &lt;script>alert(&quot;x&quot;)&lt;/script>');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('Nom &lt;script>');
    expect(page.body).toContain('Adresse &lt;script>');
    // The author's e-mail is never shown publicly.
    const anonymous = await new Browser(t.app).get(`/budget/ouverte/propositions/${reference}`);
    expect(anonymous.body).not.toContain('auteur@example.test');
    expect(anonymous.body).toContain('Confiée pour étude à : Direction des Espaces Verts');
  });

  it('refuses an empty form (422) with links to each field, and keeps what was typed', async () => {
    const before = await count();
    const response = await author.browser.post(
      NEW,
      form({
        title: '',
        theme: '',
        lat: '',
        lon: '',
        address: '',
        publicName: 'Garde-moi',
        estimatedCost: 'beaucoup',
      }),
    );
    expect(response.statusCode).toBe(422);
    for (const field of ['title', 'theme', 'address', 'estimatedCost'])
      expect(response.body).toContain(`href="#field-${field}"`);
    expect(response.body).toContain('value="Garde-moi"');
    expect(response.body).toContain('value="beaucoup"');
    expect(response.body).toContain('Des arbres d’alignement pour rafraîchir la rue en été.');
    expect(await count()).toBe(before);
  });

  it('refuses a point outside the city and a wrong envelope for the place', async () => {
    const outside = await author.browser.post(NEW, form({ lat: '48.70', lon: '2.10' }));
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain('Ce point n’est pas dans la ville');
    const wrong = await author.browser.post(NEW, form({ envelope: open.byCode('13').id }));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('href="#field-envelope"');
    const tampered = await author.browser.post(NEW, form({ envelope: randomUUID() }));
    expect(tampered.statusCode).toBe(422);
  });

  it('takes images in a multipart form, re-encoded, and refuses a file that is not an image', async () => {
    const png = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#228833' } })
      .png()
      .toBuffer();
    const ok = await postMultipart(author.browser, NEW, form({ title: 'Avec image' }), [
      { filename: 'plan.png', type: 'image/png', content: png },
    ]);
    const reference = referenceOf(ok);
    const page = await new Browser(t.app).get(`/budget/ouverte/propositions/${reference}`);
    const src = /<img src="(\/budget\/images\/[0-9a-f-]{36})"/.exec(page.body)?.[1];
    expect(src).toBeTruthy();
    const image = await new Browser(t.app).get(src!);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    // A refused form keeps its images for the next try, which needs no file.
    const refused = await postMultipart(author.browser, NEW, form({ title: 'Gardée', description: '' }), [
      { filename: 'plan.png', type: 'image/png', content: png },
    ]);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('1 image(s) choisie(s) avant sont gardée(s)');
    const draft = /name="draft" value="([0-9a-f-]{36})"/.exec(refused.body)?.[1];
    expect(draft).toBeTruthy();
    const kept = referenceOf(await author.browser.post(NEW, form({ title: 'Gardée', draft: draft! })));
    const keptProposal = (await store.findProposalByReference(t.core.db, kept))!;
    expect(await store.listImages(t.core.db, keptProposal.id)).toHaveLength(1);
    const bad = await postMultipart(author.browser, NEW, form({ title: 'Faux' }), [
      { filename: 'photo.jpg', type: 'image/jpeg', content: Buffer.from('<html><script>x</script></html>') },
    ]);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-images"');
    expect(bad.body).toContain('value="Faux"');
  });

  it('refuses a proposal after the deadline', async () => {
    await makeCampaign(t.core, 'study', { slug: 'fermee' });
    const page = await author.browser.get('/budget/fermee/propositions/nouvelle');
    expect(page.statusCode).toBe(303);
    const before = await count();
    const posted = await author.browser.post('/budget/fermee/propositions/nouvelle', form(), {
      csrfFrom: '/budget/fermee',
    });
    expect(posted.statusCode).toBe(422);
    expect(posted.body).toContain('Le dépôt des propositions est fermé');
    expect(await count()).toBe(before);
  });
});

describe('editing, withdrawing, supporting, commenting', () => {
  let reference: string;

  beforeAll(async () => {
    reference = referenceOf(await author.browser.post(NEW, form({ title: 'Tables de pique-nique' })));
  });

  const here = () => `/budget/ouverte/propositions/${reference}`;

  it('lets the author edit (303), refuses another account (403)', async () => {
    const editPage = await author.browser.get(`${here()}/modifier`);
    expect(editPage.statusCode).toBe(200);
    expect(editPage.body).toContain('value="Tables de pique-nique"');
    const saved = await author.browser.post(
      `${here()}/modifier`,
      form({ title: 'Tables de pique-nique au square' }),
    );
    expect(saved.statusCode).toBe(303);
    expect((await store.findProposalByReference(t.core.db, reference))?.title).toBe(
      'Tables de pique-nique au square',
    );
    expect((await other.browser.get(`${here()}/modifier`)).statusCode).toBe(403);
    const forbidden = await other.browser.post(`${here()}/modifier`, form({ title: 'Piraté' }), {
      csrfFrom: here(),
    });
    expect(forbidden.statusCode).toBe(403);
    expect((await store.findProposalByReference(t.core.db, reference))?.title).toBe(
      'Tables de pique-nique au square',
    );
    const invalid = await author.browser.post(
      `${here()}/modifier`,
      form({ title: '', description: 'Gardé' }),
    );
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Gardé');
  });

  it('toggles a support, one per account', async () => {
    const on = await other.browser.post(`${here()}/soutien`, { support: '1' }, { csrfFrom: here() });
    expect(on.statusCode).toBe(303);
    await other.browser.post(`${here()}/soutien`, { support: '1' }, { csrfFrom: here() });
    expect((await store.findProposalByReference(t.core.db, reference))?.supportsCount).toBe(1);
    const page = await other.browser.get(here());
    expect(page.body).toContain('Retirer mon soutien');
    await other.browser.post(`${here()}/soutien`, { support: '0' }, { csrfFrom: here() });
    expect((await store.findProposalByReference(t.core.db, reference))?.supportsCount).toBe(0);
  });

  it('posts a comment (303), refuses an empty one (422 with the name kept), shows HTML as text', async () => {
    const empty = await other.browser.post(
      `${here()}/commentaires`,
      { body: ' ', commentName: 'Léa' },
      { csrfFrom: here() },
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-body"');
    expect(empty.body).toContain('value="Léa"');
    const ok = await other.browser.post(
      `${here()}/commentaires`,
      { body: `Bravo ${HOSTILE}`, commentName: 'Léa' },
      { csrfFrom: here() },
    );
    expect(ok.statusCode).toBe(303);
    const page = await new Browser(t.app).get(here());
    expect(page.body).toContain('Bravo &lt;script>');
    expect(page.body).not.toContain('<script>alert');
  });

  it('withdraws after a confirmation page, by the author only', async () => {
    expect((await other.browser.post(`${here()}/retirer`, {}, { csrfFrom: here() })).statusCode).toBe(403);
    const confirm = await author.browser.get(`${here()}/retirer`);
    expect(confirm.statusCode).toBe(200);
    const done = await author.browser.post(`${here()}/retirer`, {});
    expect(done.statusCode).toBe(303);
    expect((await store.findProposalByReference(t.core.db, reference))?.state).toBe('withdrawn');
  });

  it('lists the author’s proposals on the account page', async () => {
    const mine = await author.browser.get('/compte/budget');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(reference);
    expect((await other.browser.get('/compte/budget')).body).not.toContain(reference);
    expect((await author.browser.get('/compte')).body).toContain('/compte/budget');
  });
});

describe('the public list', () => {
  it('searches in French, filters by envelope, theme and state, and pages', async () => {
    for (let i = 0; i < 3; i++)
      referenceOf(
        await author.browser.post(NEW, form({ title: `Jardin partagé numéro ${i}`, theme: 'cadre_de_vie' })),
      );
    const browser = new Browser(t.app);
    const found = await browser.get('/budget/ouverte/propositions?q=jardins%20partag%C3%A9s');
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('Jardin partagé numéro 0');
    const none = await browser.get('/budget/ouverte/propositions?q=%22(%20%26%20%7C%20!');
    expect(none.statusCode).toBe(200);
    const byTheme = await browser.get('/budget/ouverte/propositions?theme=cadre_de_vie');
    expect(byTheme.body).toContain('3 proposition(s)');
    const byEnvelope = await browser.get(`/budget/ouverte/propositions?enveloppe=${open.byCode('paris').id}`);
    expect(byEnvelope.body).toContain('0 proposition(s)');
    const withdrawn = await browser.get('/budget/ouverte/propositions?etat=withdrawn');
    expect(withdrawn.body).toContain('1 proposition(s)');
    // The map gets its points as data; the list is there without JavaScript.
    expect(byTheme.body).toContain('data-markers=');
    const late = await browser.get('/budget/ouverte/propositions?page=999');
    expect(late.statusCode).toBe(200);
  });
});

describe('back office: campaigns and envelopes', () => {
  it('is closed to citizens and agents', async () => {
    expect((await other.browser.get('/admin/budget')).statusCode).toBe(403);
    expect((await deveAgent.browser.get('/admin/budget')).statusCode).toBe(403);
    const anonymous = await new Browser(t.app).get('/admin/budget');
    expect(anonymous.statusCode).toBe(303);
    // Agents find the study and moderation in the back-office navigation, not the campaigns.
    const study = await deveAgent.browser.get('/admin/budget/etude');
    expect(study.body).toContain('href="/admin/budget/moderation"');
    expect(study.body).not.toContain('href="/admin/budget"');
    expect((await admin.browser.get('/admin/budget/etude')).body).toContain('href="/admin/budget"');
  });

  const campaignForm = (overrides: Record<string, string> = {}) => ({
    title: 'Budget participatif 2030',
    slug: '2030',
    description: '',
    submissionStart: '2030-01-09',
    submissionEnd: '2030-01-29',
    studyStart: '2030-01-30',
    studyEnd: '2030-08-31',
    voteStart: '2030-09-01',
    voteEnd: '2030-09-30',
    resultsDay: '2030-10-05',
    implementationStart: '2030-11-01',
    votingMethod: 'approval',
    maxChoices: '5',
    minSpendPercent: '',
    selectionRule: 'greedy',
    ...overrides,
  });

  it('creates a campaign (303), refuses overlapping phases (422, values kept), adds envelopes, publishes', async () => {
    const bad = await admin.browser.post(
      '/admin/budget/campagnes/nouvelle',
      campaignForm({ title: `Titre ${HOSTILE}`, studyStart: '2030-01-20', maxChoices: '' }),
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-studyStart"');
    expect(bad.body).toContain('href="#field-maxChoices"');
    expect(bad.body).toContain('value="Titre &lt;script>');
    const created = await admin.browser.post('/admin/budget/campagnes/nouvelle', campaignForm());
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/admin/budget/campagnes/2030');
    const campaign = (await findCampaignBySlug(t.core.db, '2030'))!;
    expect(campaign).toMatchObject({ votingMethod: 'approval', maxChoices: 5, published: false });
    const taken = await admin.browser.post('/admin/budget/campagnes/nouvelle', campaignForm());
    expect(taken.statusCode).toBe(422);
    expect(taken.body).toContain('Une autre campagne a déjà cet identifiant');

    // Publishing needs an envelope.
    const early = await admin.browser.post(
      '/admin/budget/campagnes/2030/publication',
      { published: '1' },
      {
        csrfFrom: '/admin/budget/campagnes/2030',
      },
    );
    expect(early.statusCode).toBe(303);
    expect((await findCampaignBySlug(t.core.db, '2030'))?.published).toBe(false);

    const envelope = await admin.browser.post(
      '/admin/budget/campagnes/2030/enveloppes',
      { kind: 'city', code: 'paris', label: 'Tout Paris', amount: '10 000 000' },
      { csrfFrom: '/admin/budget/campagnes/2030' },
    );
    expect(envelope.statusCode).toBe(303);
    const second = await admin.browser.post(
      '/admin/budget/campagnes/2030/enveloppes',
      { kind: 'city', code: 'tout-paris', label: 'Encore', amount: 'zéro' },
      { csrfFrom: '/admin/budget/campagnes/2030' },
    );
    expect(second.statusCode).toBe(422);
    expect(second.body).toContain('href="#field-amount"');
    expect(second.body).toContain('value="zéro"');
    const arrondissements = await admin.browser.post(
      '/admin/budget/campagnes/2030/arrondissements',
      { arrondissementAmount: '2 000 000' },
      { csrfFrom: '/admin/budget/campagnes/2030' },
    );
    expect(arrondissements.statusCode).toBe(303);
    const envelopes = await listEnvelopes(t.core.db, campaign.id);
    expect(envelopes.filter((e) => e.kind === 'arrondissement')).toHaveLength(20);
    expect(envelopes.find((e) => e.code === '5')?.label).toBe('5e arrondissement — Panthéon');
    const published = await admin.browser.post(
      '/admin/budget/campagnes/2030/publication',
      { published: '1' },
      {
        csrfFrom: '/admin/budget/campagnes/2030',
      },
    );
    expect(published.statusCode).toBe(303);
    expect((await findCampaignBySlug(t.core.db, '2030'))?.published).toBe(true);
    const audit = await t.core.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'like', 'budget.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'budget.campaign.created',
        'budget.envelope.created',
        'budget.campaign.published',
      ]),
    );
  });

  it('edits an envelope; refuses changing the rules once locked, with a clear message', async () => {
    const campaign = (await findCampaignBySlug(t.core.db, '2030'))!;
    const paris = (await listEnvelopes(t.core.db, campaign.id)).find((e) => e.code === 'paris')!;
    const url = `/admin/budget/campagnes/2030/enveloppes/${paris.id}`;
    const bad = await admin.browser.post(url, { label: '', code: 'paris', amount: '12 000 000' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('value="12 000 000"');
    expect(
      (await admin.browser.post(url, { label: 'Tout Paris', code: 'paris', amount: '12 000 000' }))
        .statusCode,
    ).toBe(303);
    await t.core.db
      .updateTable('budget_campaign')
      .set({ rules_locked_at: new Date() })
      .where('id', '=', campaign.id)
      .execute();
    const locked = await admin.browser.post(
      '/admin/budget/campagnes/2030',
      campaignForm({ maxChoices: '3' }),
    );
    expect(locked.statusCode).toBe(422);
    expect(locked.body).toContain('Un premier bulletin a été déposé');
    expect((await findCampaignBySlug(t.core.db, '2030'))?.maxChoices).toBe(5);
    // The title is not a rule.
    const renamed = await admin.browser.post(
      '/admin/budget/campagnes/2030',
      campaignForm({ title: 'BP 2030' }),
    );
    expect(renamed.statusCode).toBe(303);
    const envelopeLocked = await admin.browser.post(url, { label: 'Tout Paris', code: 'paris', amount: '1' });
    expect(envelopeLocked.statusCode).toBe(422);
  });
});

describe('back office: study and moderation', () => {
  it('lets the directorate’s agent decide, refuses another directorate (403), merges without JavaScript', async () => {
    const refs: string[] = [];
    for (const title of ['Ombre square Monge', 'Arbres square Monge'])
      refs.push(referenceOf(await author.browser.post(NEW, form({ title }))));
    const queue = await deveAgent.browser.get('/admin/budget/etude?campagne=ouverte');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(refs[0]);
    expect((await dvdAgent.browser.get('/admin/budget/etude?campagne=ouverte')).body).not.toContain(refs[0]);
    expect((await dvdAgent.browser.get(`/admin/budget/etude/${refs[0]}`)).statusCode).toBe(403);
    const wrong = await dvdAgent.browser.post(
      `/admin/budget/etude/${refs[0]}/decision`,
      { decision: 'admissible', reason: '', cost: '' },
      { csrfFrom: '/admin/budget/etude' },
    );
    expect(wrong.statusCode).toBe(403);
    expect((await store.findProposalByReference(t.core.db, refs[0]!))?.state).toBe('submitted');

    for (const reference of refs) {
      const url = `/admin/budget/etude/${reference}`;
      expect(
        (
          await deveAgent.browser.post(
            `${url}/decision`,
            { decision: 'admissible', reason: '', cost: '' },
            { csrfFrom: url },
          )
        ).statusCode,
      ).toBe(303);
      const noReason = await deveAgent.browser.post(
        `${url}/decision`,
        { decision: 'unfeasible', reason: '', cost: '' },
        { csrfFrom: url },
      );
      expect(noReason.statusCode).toBe(422);
      expect(noReason.body).toContain('href="#field-reason"');
      expect(
        (
          await deveAgent.browser.post(
            `${url}/decision`,
            { decision: 'feasible', reason: `Vu ${HOSTILE}`, cost: '90 000' },
            { csrfFrom: url },
          )
        ).statusCode,
      ).toBe(303);
    }
    const publicPage = await new Browser(t.app).get(`/budget/ouverte/propositions/${refs[0]}`);
    expect(publicPage.body).toContain('Vu &lt;script>');

    const ids = await Promise.all(
      refs.map(async (r) => (await store.findProposalByReference(t.core.db, r))!.id),
    );
    const projectForm = await deveAgent.browser.get(`/admin/budget/etude/projet?p=${ids[0]}&p=${ids[1]}`);
    expect(projectForm.statusCode).toBe(200);
    expect(projectForm.body).toContain('value="180000"');
    const bad = await deveAgent.browser.post(
      '/admin/budget/etude/projet',
      { p: ids, title: '', summary: 'Résumé gardé', cost: '180000', envelope: open.byCode('5').id },
      { csrfFrom: '/admin/budget/etude' },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Résumé gardé');
    const merged = await deveAgent.browser.post(
      '/admin/budget/etude/projet',
      {
        p: ids,
        title: 'Un square Monge ombragé',
        summary: 'Arbres et ombre',
        cost: '180000',
        envelope: open.byCode('5').id,
      },
      { csrfFrom: '/admin/budget/etude' },
    );
    expect(merged.statusCode).toBe(303);
    const projects = await listProjects(t.core.db, open.id);
    expect(projects.map((p) => p.title)).toContain('Un square Monge ombragé');
    const after = await new Browser(t.app).get(`/budget/ouverte/propositions/${refs[1]}`);
    expect(after.body).toContain('Regroupée dans le projet n° ');
  });

  it('hides a comment with a reason (422 without), shows the reason in place of the text', async () => {
    const reference = referenceOf(await author.browser.post(NEW, form({ title: 'À modérer' })));
    const page = `/budget/ouverte/propositions/${reference}`;
    await other.browser.post(
      `${page}/commentaires`,
      { body: 'Propos insultant', commentName: '' },
      { csrfFrom: page },
    );
    const comment = (
      await store.listComments(t.core.db, (await store.findProposalByReference(t.core.db, reference))!.id)
    )[0]!;
    expect((await other.browser.get('/admin/budget/moderation')).statusCode).toBe(403);
    const url = `/admin/budget/moderation/${comment.id}`;
    const noReason = await deveAgent.browser.post(
      url,
      { action: 'hide', [`reason-${comment.id}`]: '' },
      {
        csrfFrom: '/admin/budget/moderation',
      },
    );
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain(`href="#field-reason-${comment.id}"`);
    const hidden = await deveAgent.browser.post(
      url,
      { action: 'hide', [`reason-${comment.id}`]: 'Insulte' },
      {
        csrfFrom: '/admin/budget/moderation',
      },
    );
    expect(hidden.statusCode).toBe(303);
    const publicPage = await new Browser(t.app).get(page);
    expect(publicPage.body).not.toContain('Propos insultant');
    expect(publicPage.body).toContain('Motif : Insulte');
  });
});

async function postMultipart(
  browser: Browser,
  url: string,
  fields: Record<string, string>,
  files: { filename: string; type: string; content: Buffer }[],
): Promise<LightMyRequestResponse> {
  const page = await browser.get(url);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----bp${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields }))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  for (const file of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const jar = (browser as unknown as { cookies: Map<string, string> }).cookies;
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat(parts),
  });
}
