/**
 * Back office without JavaScript: the routing form of a campaign (one select per theme, 303,
 * 422 with the choices kept, 403 for others) and the CSV export of the study.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../../backoffice/test/helpers.js';
import { DEFAULT_THEME_DIRECTORATES, routeField, THEMES, UNROUTED } from '../campaign.domain.js';
import { listThemeRoutes } from '../campaigns.store.js';
import { proposeProject, setProposalSupport } from '../proposals.service.js';
import * as store from '../proposals.store.js';
import { decideProposal, putOnBallot } from '../study.service.js';
import { directorateId, makeCampaign, makeUser, proposalInput } from './fixtures.js';

let t: TestApp;
let campaign: Awaited<ReturnType<typeof makeCampaign>>;
let admin: Awaited<ReturnType<typeof signedInBrowser>>;
let citizen: Awaited<ReturnType<typeof signedInBrowser>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  campaign = await makeCampaign(t.core, 'study', { slug: 'etudiee' });
  admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
  citizen = await signedInBrowser(t.app, t.core);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const PAGE = '/admin/budget/campagnes/etudiee';

async function routingForm(changes: Record<string, string> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const theme of THEMES)
    out[routeField(theme)] = await directorateId(t.core, DEFAULT_THEME_DIRECTORATES[theme]);
  return { ...out, ...changes };
}

describe('routing form', () => {
  it('shows one select per theme with the campaign map selected', async () => {
    const page = await admin.browser.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="${PAGE}/orientation"`);
    for (const theme of THEMES) expect(page.body).toContain(`name="route-${theme}"`);
    const deve = await directorateId(t.core, 'DEVE');
    expect(page.body).toMatch(
      new RegExp(
        `<select[^>]*name="route-environnement"[^>]*>(?:(?!</select>).)*value="${deve}" selected`,
        's',
      ),
    );
    expect(page.body).toContain('restent à la direction qui les a reçues');
  });

  it('saves a map (303) and keeps the choices on a 422', async () => {
    const dvd = await directorateId(t.core, 'DVD');
    const bad = await admin.browser.post(
      `${PAGE}/orientation`,
      await routingForm({
        'route-environnement': dvd,
        'route-sport': '<script>alert(1)</script>',
        'route-culture': '',
      }),
      { csrfFrom: PAGE },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-route-sport"');
    expect(bad.body).toContain('href="#field-route-culture"');
    expect(bad.body).toContain('Cette direction n’existe pas');
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    // What was chosen is kept.
    expect(bad.body).toMatch(
      new RegExp(
        `<select[^>]*name="route-environnement"[^>]*>(?:(?!</select>).)*value="${dvd}" selected`,
        's',
      ),
    );
    expect((await listThemeRoutes(t.core.db, campaign.id)).get('environnement')).toBe(
      await directorateId(t.core, 'DEVE'),
    );

    const saved = await admin.browser.post(
      `${PAGE}/orientation`,
      await routingForm({ 'route-environnement': dvd, 'route-sport': UNROUTED }),
      { csrfFrom: PAGE },
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(PAGE);
    const routes = await listThemeRoutes(t.core.db, campaign.id);
    expect(routes.get('environnement')).toBe(dvd);
    expect(routes.has('sport')).toBe(false);
  });

  it('refuses a post without the CSRF token and people who do not manage campaigns', async () => {
    const noToken = await admin.browser.post(`${PAGE}/orientation`, await routingForm(), { csrf: false });
    expect(noToken.statusCode).toBe(403);
    const forbidden = await citizen.browser.post(`${PAGE}/orientation`, await routingForm(), {
      csrf: false,
    });
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('CSV export of the study', () => {
  const actor = { userId: null, label: 'test' };
  let slug = '';
  let hostile = '';
  let onBallot = '';
  let dvdAgent: Awaited<ReturnType<typeof signedInBrowser>>;

  beforeAll(async () => {
    const open = await makeCampaign(t.core, 'submission', { slug: 'export' });
    slug = open.slug;
    const author = await makeUser(t.core, { email: 'jeanne.secret@example.test' });
    const fan = await makeUser(t.core);
    const deve = await makeUser(t.core, { directorate: 'DEVE' });
    hostile = (
      await proposeProject(
        t.core,
        author,
        slug,
        proposalInput({ title: '=HYPERLINK("http://evil.test";"clic")', publicName: 'Jeanne Secret' }),
        [],
        actor,
      )
    ).reference;
    await decideProposal(
      t.core,
      deve,
      (await store.findProposalByReference(t.core.db, hostile))!.id,
      { decision: 'inadmissible', reason: '@SUM(1) ne relève pas de l’investissement', cost: '' },
      actor,
    );
    onBallot = (
      await proposeProject(
        t.core,
        author,
        slug,
        proposalInput({ title: 'Un jardin partagé; rue Mouffetard', publicName: 'Jeanne Secret' }),
        [],
        actor,
      )
    ).reference;
    await setProposalSupport(t.core, fan, slug, onBallot, true, actor);
    const id = (await store.findProposalByReference(t.core.db, onBallot))!.id;
    await decideProposal(t.core, deve, id, { decision: 'admissible', reason: '', cost: '' }, actor);
    await decideProposal(
      t.core,
      deve,
      id,
      { decision: 'feasible', reason: 'Faisable avec la DEVE', cost: '95 000' },
      actor,
    );
    await putOnBallot(
      t.core,
      deve,
      [id],
      { title: 'Un jardin partagé', summary: '', cost: '95000', envelope: open.byCode('5').id },
      actor,
    );
    dvdAgent = await signedInBrowser(t.app, t.core);
    const service = await t.core.db
      .selectFrom('org_service as s')
      .innerJoin('org_directorate as d', 'd.id', 's.directorate_id')
      .select('s.id')
      .where('d.code', '=', 'DVD')
      .executeTakeFirstOrThrow();
    await t.core.db
      .insertInto('org_membership')
      .values({ user_id: dvdAgent.userId, service_id: service.id, role: 'agent' })
      .execute();
  }, 120_000);

  it('is linked from the study queue', async () => {
    const page = await admin.browser.get(`/admin/budget/etude?campagne=${slug}`);
    expect(page.body).toContain(`href="/admin/budget/etude/propositions.csv?campagne=${slug}"`);
  });

  it('gives the proposals and their study, spreadsheet-safe, without personal data', async () => {
    const response = await admin.browser.get(`/admin/budget/etude/propositions.csv?campagne=${slug}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="propositions-export.csv"');
    const body = response.body;
    expect(body.startsWith('\uFEFF')).toBe(true);
    const lines = body.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Numéro;Titre;Thème;Arrondissement;Direction;État;Recevabilité;Motif public de recevabilité;Faisabilité;Motif public de faisabilité;Coût estimé par l’auteur (€);Coût estimé par la direction (€);Projet soumis au vote n°;Soutiens;Déposée le',
    );
    expect(lines).toHaveLength(4); // header, two proposals, the final CRLF
    const first = lines.find((l) => l.startsWith(hostile))!;
    expect(first).toContain(`;"'=HYPERLINK(""http://evil.test"";""clic"")";`);
    expect(first).toContain(";Non recevable;'@SUM(1) ne relève pas de l’investissement;;;120000;;;0;");
    const second = lines.find((l) => l.startsWith(onBallot))!;
    expect(second).toContain(
      ';"Un jardin partagé; rue Mouffetard";Environnement et nature en ville;5;Direction des Espaces Verts',
    );
    expect(second).toContain(';Soumise au vote;Recevable;;Faisable;Faisable avec la DEVE;120000;95000;1;1;');
    expect(second).toMatch(/;\d{4}-\d{2}-\d{2}$/);
    expect(body).not.toContain('Jeanne');
    expect(body).not.toContain('@example.test');
  });

  it('gives an agent the proposals of their directorates only, and refuses citizens', async () => {
    const dvd = await dvdAgent.browser.get(`/admin/budget/etude/propositions.csv?campagne=${slug}`);
    expect(dvd.statusCode).toBe(200);
    expect(dvd.body.slice(1).split('\r\n')).toHaveLength(2);
    const refused = await citizen.browser.get(`/admin/budget/etude/propositions.csv?campagne=${slug}`);
    expect(refused.statusCode).toBe(403);
    const unknown = await admin.browser.get('/admin/budget/etude/propositions.csv?campagne=nulle-part');
    expect(unknown.statusCode).toBe(404);
  });
});
