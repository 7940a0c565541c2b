/**
 * The vote pages as a browser without JavaScript uses them: every form posted url-encoded,
 * 303 on success, 422 with the error summary and the form as sent, user text inert. Then the
 * participation counter, booth ballots, results computed then published, and the exports.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { signedInBrowser } from '../../../backoffice/test/helpers.js';
import { parsePabulib } from '../../pabulib.js';
import { recountPabulib } from '../exports.js';
import { forgetCachedCampaigns } from '../vote.service.js';
import { type CampaignFixture, createCampaign } from './fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

async function campaign(options: Parameters<typeof createCampaign>[1] = {}): Promise<CampaignFixture> {
  const fx = await createCampaign(t.core.db, options);
  forgetCachedCampaigns();
  return fx;
}

const person = (lastName: string) => ({
  declaration: 'live',
  lastName,
  firstName: 'Camille',
  birthDate: '1988-03-14',
  sworn: '1',
});

/** Signed in, declared, arrondissement chosen: at the overview. */
async function readyVoter(fx: CampaignFixture, lastName: string): Promise<Browser> {
  const { browser } = await signedInBrowser(t.app, t.core);
  const vote = `/budget/${fx.slug}/vote`;
  const declared = await browser.post(`${vote}/declaration`, person(lastName), { csrfFrom: vote });
  expect(declared.statusCode).toBe(303);
  const chosen = await browser.post(`${vote}/arrondissement`, { arrondissement: '5' }, { csrfFrom: vote });
  expect(chosen.statusCode).toBe(303);
  return browser;
}

function revisionOf(body: string): string {
  return /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '';
}

async function lines(fx: CampaignFixture): Promise<number> {
  const row = await t.core.db
    .selectFrom('budget_ballot_line')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', fx.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('voting without JavaScript', () => {
  it('asks to sign in, then takes the declaration, refusing bad fields with the form kept and text inert', async () => {
    const fx = await campaign();
    const vote = `/budget/${fx.slug}/vote`;
    const { app } = t;
    const anonymous = await app.inject({ method: 'GET', url: vote });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toContain(`/connexion?retour=${encodeURIComponent(vote)}`);

    const { browser } = await signedInBrowser(t.app, t.core);
    const form = await browser.get(vote);
    expect(form.body).toContain(`action="${vote}/declaration"`);
    const refused = await browser.post(
      `${vote}/declaration`,
      {
        declaration: 'live',
        lastName: '<script>alert("x")</script>',
        firstName: '',
        birthDate: '31/02/1990',
      },
      { csrfFrom: vote },
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('class="error-summary"');
    for (const name of ['lastName', 'firstName', 'birthDate', 'sworn'])
      expect(refused.body).toContain(`href="#field-${name}"`);
    expect(refused.body).not.toContain('<script>alert');
    expect(refused.body).toContain('&lt;script>alert');
    expect(refused.body).toMatch(/value="live"[^>]*checked|checked[^>]*value="live"/);
    const voters = await t.core.db
      .selectFrom('budget_voter')
      .select('person_key')
      .where('campaign_id', '=', fx.id)
      .execute();
    expect(voters).toHaveLength(0);

    const accepted = await browser.post(`${vote}/declaration`, person('Moreau'), { csrfFrom: vote });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(vote);
    const next = await browser.get(vote);
    expect(next.body).toContain(`action="${vote}/arrondissement"`);
    const bad = await browser.post(
      `${vote}/arrondissement`,
      { arrondissement: '<b>99</b>' },
      { csrfFrom: vote },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-arrondissement"');
    expect(bad.body).not.toContain('<b>99</b>');
    expect(
      (await browser.post(`${vote}/arrondissement`, { arrondissement: '5' }, { csrfFrom: vote })).statusCode,
    ).toBe(303);
    // A second arrondissement: refused with a clear message.
    const second = await browser.post(`${vote}/arrondissement`, { arrondissement: '11' }, { csrfFrom: vote });
    expect(second.statusCode).toBe(422);
    expect(second.body).toContain('arrondissement de cœur pour cette campagne : il ne peut plus changer');
  });

  it('the same person from a second account is refused', async () => {
    const fx = await campaign();
    await readyVoter(fx, 'Bonnet');
    const { browser } = await signedInBrowser(t.app, t.core);
    const vote = `/budget/${fx.slug}/vote`;
    const again = await browser.post(`${vote}/declaration`, person('BONNET'), { csrfFrom: vote });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('a déjà voté depuis un autre compte');
  });

  it('approval: a basket per envelope, bad input refused and kept, then confirmed', async () => {
    const fx = await campaign({ method: 'approval', maxChoices: 2 });
    const browser = await readyVoter(fx, 'Garnier');
    const city = `/budget/${fx.slug}/vote/enveloppe/paris`;
    const page = await browser.get(city);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="projects"');
    expect(page.body).toContain('data-basket-total');
    const revision = revisionOf(page.body);

    const tooMany = await browser.post(city, { envelope: 'paris', revision, projects: ['1', '2', '3'] });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.body).toContain('href="#field-projects"');
    expect(tooMany.body).toContain('vous pouvez en choisir 2 au plus');
    expect(tooMany.body.match(/checked=""/g)?.length ?? tooMany.body.match(/ checked/g)?.length).toBe(3);
    for (const [fields, message] of [
      [{ envelope: 'paris', revision, projects: '9' }, 'ne figure pas sur le bulletin'], // another envelope's project
      [
        { envelope: 'paris', revision, projects: '<img src=x onerror=alert(1)>' },
        'ne figure pas sur le bulletin',
      ],
      [{ envelope: 'ecoles', revision, projects: '1' }, "n'est pas celui de cette page"], // tampered hidden field
      [{ envelope: 'paris', revision: 'abc', projects: '1' }, "n'est pas celui de cette page"],
    ] as const) {
      const response = await browser.post(city, fields as Record<string, string>);
      expect(response.statusCode).toBe(422);
      expect(response.body).toContain(message);
      expect(response.body).not.toContain('<img src=x');
    }
    expect(await lines(fx)).toBe(0);
    // The other arrondissement's basket is not the voter's.
    const other = await browser.get(`/budget/${fx.slug}/vote/enveloppe/11`);
    expect(other.statusCode).toBe(303);
    const foreign = await browser.post(
      `/budget/${fx.slug}/vote/enveloppe/11`,
      { envelope: '11', revision, projects: '12' },
      { csrfFrom: city },
    );
    expect(foreign.statusCode).toBe(422);
    expect(foreign.body).toContain('Vous votez dans votre arrondissement de cœur seulement');
    expect(await lines(fx)).toBe(0);

    const saved = await browser.post(city, { envelope: 'paris', revision, projects: ['1', '3'] });
    expect(saved.statusCode).toBe(303);
    // The same page sent again (stale revision): refused, not merged.
    const stale = await browser.post(city, { envelope: 'paris', revision, projects: ['2'] });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Votre vote a changé depuis');
    const overview = await browser.get(`/budget/${fx.slug}/vote`);
    expect(overview.body).toContain("Votre vote n'est pas encore confirmé");
    expect(overview.body).toContain('2 projet(s) choisi(s)');
    const confirmed = await browser.post(
      `/budget/${fx.slug}/vote/confirmer`,
      { revision: revisionOf(overview.body) },
      { csrfFrom: `/budget/${fx.slug}/vote` },
    );
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(`/budget/${fx.slug}/vote/confirmation`);
    const summary = await browser.get(`/budget/${fx.slug}/vote/confirmation`);
    expect(summary.body).toContain('Votre vote est confirmé');
    expect(summary.body).toContain('Projet 1');
    expect(summary.body).toContain('Projet 3');
  });

  it('knapsack: an overspent basket is refused with the totals in euros', async () => {
    const fx = await campaign({ method: 'knapsack', maxChoices: null });
    const browser = await readyVoter(fx, 'Faure');
    const city = `/budget/${fx.slug}/vote/enveloppe/paris`;
    const revision = revisionOf((await browser.get(city)).body);
    const over = await browser.post(city, { envelope: 'paris', revision, projects: ['1', '2', '6'] });
    expect(over.statusCode).toBe(422);
    expect(over.body).toMatch(/Votre panier coûte 130\s000\s€, plus que l'enveloppe de 100\s000\s€/);
    expect(over.body).toContain('vote-total--over');
    expect((await browser.post(city, { envelope: 'paris', revision, projects: ['1', '2'] })).statusCode).toBe(
      303,
    );
  });

  it('majority judgment: a radio group per project; an unknown grade is refused on its field', async () => {
    const fx = await campaign({ method: 'majority_judgment', maxChoices: null });
    const browser = await readyVoter(fx, 'Lambert');
    const city = `/budget/${fx.slug}/vote/enveloppe/paris`;
    const page = await browser.get(city);
    expect(page.body).toContain('name="grade-1"');
    expect(page.body).toContain("J'adore");
    expect(page.body).toContain('Pas convaincu·e');
    const revision = revisionOf(page.body);
    const bad = await browser.post(city, {
      envelope: 'paris',
      revision,
      'grade-1': 'adore',
      'grade-2': 'super<script>',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-grade-2"');
    expect(bad.body).not.toContain('super<script>');
    const foreign = await browser.post(city, { envelope: 'paris', revision, 'grade-12': 'adore' });
    expect(foreign.statusCode).toBe(422);
    const ok = await browser.post(city, {
      envelope: 'paris',
      revision,
      'grade-1': 'adore',
      'grade-2': 'pourquoi_pas',
      'grade-3': '',
    });
    expect(ok.statusCode).toBe(303);
    const again = await browser.get(city);
    expect(again.body).toMatch(
      /id="field-grade-1"[^>]*value="adore"[^>]*checked|value="adore"[^>]*checked[^>]*/,
    );
    // "Save and confirm" in one step, from the last basket.
    const arr = `/budget/${fx.slug}/vote/enveloppe/5`;
    const done = await browser.post(arr, {
      envelope: '5',
      revision: revisionOf((await browser.get(arr)).body),
      'grade-9': 'aime_bien',
      action: 'confirm',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/budget/${fx.slug}/vote/confirmation`);
    const summary = await browser.get(`/budget/${fx.slug}/vote/confirmation`);
    expect(summary.body).toContain("J'aime bien");
    expect(summary.body).toContain("J'adore");
  });

  it('outside the vote phase, and for an account that may not vote', async () => {
    const closed = await campaign({ phase: 'closed' });
    const { browser } = await signedInBrowser(t.app, t.core);
    const vote = `/budget/${closed.slug}/vote`;
    const page = await browser.get(vote);
    expect(page.body).toContain("Le vote s'est terminé");
    const late = await browser.post(`${vote}/declaration`, person('Tardif'), { csrfFrom: vote });
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain('Le vote est clos');

    const fx = await campaign();
    const unverified = await t.core.db
      .insertInto('account_user')
      .values({
        email: `u-${Date.now()}@example.test`,
        email_verified_at: null,
        password_hash: null,
        deleted_at: null,
        is_admin: false,
        display_name: 'U',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await t.core.sessions.create(unverified.id);
    const response = await t.app.inject({
      method: 'GET',
      url: `/budget/${fx.slug}/vote`,
      headers: { cookie: `vo_session=${token}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain("Confirmez d'abord votre adresse");

    const hidden = await campaign({ published: false });
    expect((await browser.get(`/budget/${hidden.slug}/vote`)).statusCode).toBe(404);
    expect((await browser.get(`/budget/${hidden.slug}/participation.json`)).statusCode).toBe(404);
  });
});

describe('participation, booth ballots and results', () => {
  it('counts confirmed ballots only, in HTML and JSON', async () => {
    const fx = await campaign();
    const browser = await readyVoter(fx, 'Chevalier');
    const city = `/budget/${fx.slug}/vote/enveloppe/paris`;
    await browser.post(city, {
      envelope: 'paris',
      revision: revisionOf((await browser.get(city)).body),
      projects: '1',
    });
    forgetCachedCampaigns();
    const before = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/participation.json` });
    expect(before.json()).toMatchObject({ ballots: 0, online: 0, booth: 0 });
    const overview = await browser.get(`/budget/${fx.slug}/vote`);
    await browser.post(
      `/budget/${fx.slug}/vote/confirmer`,
      { revision: revisionOf(overview.body) },
      { csrfFrom: `/budget/${fx.slug}/vote` },
    );
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // the counter is kept 5 s
    const after = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/participation.json` });
    expect(after.json()).toMatchObject({ ballots: 1, online: 1, booth: 0 });
    expect(after.json().envelopes.find((e: { code: string }) => e.code === 'paris').ballots).toBe(1);
    const html = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/participation` });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('bulletins confirmés');
    expect(html.body).not.toContain('Projet 1');
  });

  it('booth ballots: agents only, one per person, online voters refused, the form kept on refusal', async () => {
    const fx = await campaign();
    const urne = `/admin/budget/${fx.slug}/urne`;
    const citizen = await signedInBrowser(t.app, t.core);
    expect((await citizen.browser.get(urne)).statusCode).toBe(403);
    expect((await citizen.browser.get('/admin/budget/vote')).statusCode).toBe(403);
    const { browser } = await signedInBrowser(t.app, t.core, { isAdmin: true });
    const index = await browser.get('/admin/budget/vote');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain(`href="${urne}"`);
    expect(index.body).toContain(`href="/admin/budget/${fx.slug}/resultats"`);
    const step1 = await browser.get(urne);
    expect(step1.statusCode).toBe(200);
    expect(step1.body).not.toContain('name="lastName"');
    const form = await browser.get(`${urne}?arrondissement=5`);
    expect(form.body).toContain('name="lastName"');
    expect(form.body).toContain('name="paris.projects"');
    expect(form.body).toContain('name="5.projects"');
    expect(form.body).not.toContain('name="11.projects"');
    const ballot = {
      arrondissement: '5',
      lastName: 'Roussel',
      firstName: 'Inès',
      birthDate: '1979-09-09',
      'paris.projects': ['1', '2'],
      '5.projects': '9',
    };
    const saved = await browser.post(urne, ballot, { csrfFrom: `${urne}?arrondissement=5` });
    expect(saved.statusCode).toBe(303);
    const twice = await browser.post(
      urne,
      { ...ballot, lastName: 'ROUSSEL' },
      { csrfFrom: `${urne}?arrondissement=5` },
    );
    expect(twice.statusCode).toBe(422);
    expect(twice.body).toContain('Un bulletin a déjà été saisi pour cette personne');
    await readyVoter(fx, 'Mercier');
    const online = await browser.post(
      urne,
      { ...ballot, lastName: 'Mercier', firstName: 'Camille', birthDate: '1988-03-14' },
      { csrfFrom: `${urne}?arrondissement=5` },
    );
    expect(online.statusCode).toBe(422);
    expect(online.body).toContain('a déjà voté (ou commencé à voter) en ligne');
    expect(online.body).toContain('value="Mercier"');
    const bad = await browser.post(
      urne,
      { ...ballot, lastName: '<i>x</i>', '11.projects': '12' },
      { csrfFrom: `${urne}?arrondissement=5` },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).not.toContain('<i>x</i>');
    const booth = await t.core.db
      .selectFrom('budget_ballot')
      .select('state')
      .where('campaign_id', '=', fx.id)
      .where('channel', '=', 'booth')
      .execute();
    expect(booth).toEqual([{ state: 'confirmed' }]);
  });

  it('results: computed after the vote, published in a second step, then public with exports that count again to the same winners', async () => {
    const fx = await campaign({ method: 'approval', maxChoices: 3 });
    // Three online voters and one booth ballot.
    for (const [name, picks] of [
      ['Aubert', ['1', '2']],
      ['Benoit', ['1', '5']],
      ['Carpentier', ['2', '3', '5']],
    ] as const) {
      const browser = await readyVoter(fx, name);
      const city = `/budget/${fx.slug}/vote/enveloppe/paris`;
      await browser.post(city, {
        envelope: 'paris',
        revision: revisionOf((await browser.get(city)).body),
        projects: [...picks],
      });
      const overview = await browser.get(`/budget/${fx.slug}/vote`);
      await browser.post(
        `/budget/${fx.slug}/vote/confirmer`,
        { revision: revisionOf(overview.body) },
        { csrfFrom: `/budget/${fx.slug}/vote` },
      );
    }
    const { browser: admin } = await signedInBrowser(t.app, t.core, { isAdmin: true });
    const urne = `/admin/budget/${fx.slug}/urne?arrondissement=5`;
    await admin.post(
      `/admin/budget/${fx.slug}/urne`,
      {
        arrondissement: '5',
        lastName: 'Dumas',
        firstName: 'Ali',
        birthDate: '1960-06-06',
        'paris.projects': ['1', '4'],
      },
      { csrfFrom: urne },
    );

    const manage = `/admin/budget/${fx.slug}/resultats`;
    const early = await admin.post(`${manage}/calculer`, {}, { csrfFrom: manage });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain("Le vote n'est pas encore clos");
    // The vote closes (the lock trigger allows the end to move; the rules stay).
    await sql`update budget_campaign set vote_ends_at = now() - interval '1 hour', results_at = now() - interval '30 minutes' where id = ${fx.id}`.execute(
      t.core.db,
    );
    forgetCachedCampaigns();
    const citizen = await signedInBrowser(t.app, t.core);
    expect((await citizen.browser.get(manage)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats` })).body).toContain(
      'Les résultats seront publiés',
    );
    expect(
      (await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats/paris.pb` })).statusCode,
    ).toBe(404);

    expect((await admin.post(`${manage}/calculer`, {}, { csrfFrom: manage })).statusCode).toBe(303);
    const computed = await admin.get(manage);
    expect(computed.body).toContain('pas encore publiés');
    const unconfirmed = await admin.post(`${manage}/publier`, {}, { csrfFrom: manage });
    expect(unconfirmed.statusCode).toBe(422);
    expect(unconfirmed.body).toContain('Cochez la case de confirmation');
    expect((await admin.post(`${manage}/publier`, { confirm: '1' }, { csrfFrom: manage })).statusCode).toBe(
      303,
    );
    const again = await admin.post(`${manage}/calculer`, {}, { csrfFrom: manage });
    expect(again.statusCode).toBe(422);

    // Votes: 1 → 3, 2 → 2, 5 → 2, 3 → 1, 4 → 1. Budget 100 000: 1 (40 000), then 5 (10 000,
    // cheaper than 2 at equal votes), then 2 (30 000); 3 (25 000) no longer fits, 4 (20 000) does.
    const selected = await t.core.db
      .selectFrom('budget_project')
      .select(['number', 'selected'])
      .where('campaign_id', '=', fx.id)
      .orderBy('number')
      .execute();
    expect(selected.filter((p) => p.selected).map((p) => p.number)).toEqual([1, 2, 4, 5]);
    expect(selected.every((p) => p.selected !== null)).toBe(true);

    const page = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats` });
    expect(page.body).toContain('Projets retenus — Tout Paris');
    const detail = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats/paris` });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('<caption>Voix reçues par projet — Tout Paris</caption>');
    expect(detail.body).toContain('vote-w-75'); // 3 of 4 ballots
    const pb = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats/paris.pb` });
    expect(pb.statusCode).toBe(200);
    const instance = parsePabulib(pb.body);
    expect(instance.votes.map((v) => v.voterId).sort()).toEqual(['1', '2', '3', '4']);
    expect(instance.votes.filter((v) => v.extra.voting_method === 'paper')).toHaveLength(1);
    expect(recountPabulib(instance).winners.sort()).toEqual(['1', '2', '4', '5']);
    expect(pb.body).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no key, no id
    const csv = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats/paris.csv` });
    expect(csv.body.split('\r\n')[0]).toBe('bulletin,enveloppe,projet,note,canal');
    expect(csv.body.trim().split('\r\n')).toHaveLength(1 + 2 + 2 + 3 + 2);
    const schema = await t.app.inject({ method: 'GET', url: `/budget/${fx.slug}/resultats/schema.json` });
    expect(schema.json().fields.map((f: { name: string }) => f.name)).toEqual([
      'bulletin',
      'enveloppe',
      'projet',
      'note',
      'canal',
    ]);

    // Frozen: a booth ballot after publication is refused, by the service and the database.
    const late = await admin.post(
      `/admin/budget/${fx.slug}/urne`,
      {
        arrondissement: '5',
        lastName: 'Tard',
        firstName: 'Léo',
        birthDate: '1990-01-01',
        'paris.projects': '3',
      },
      { csrfFrom: urne },
    );
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain('Les résultats sont publiés');
    const audit = await t.core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', fx.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['budget.results.computed', 'budget.results.published']),
    );
  });
});
