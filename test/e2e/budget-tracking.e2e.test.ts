/**
 * The winners being built, on the Paris demo (past campaign 2025), with JavaScript on and off:
 * the public map and list with a filter, a project's page, a citizen following it, and the
 * voirie agent adding a milestone with a photo, which the follower receives by mail, then
 * correcting a milestone (text, date, photos) and deleting it after a confirmation page. Axe finds
 * nothing on any page; each page is photographed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/database.js';
import { insertCampaign, insertEnvelope } from '../../src/modules/budget/proposals/campaigns.store.js';
import {
  auditPage,
  closeBrowser,
  closePage,
  demoAccount,
  newPage,
  type ServerProcess,
  signIn,
  startServer,
  waitForMail,
} from './harness.js';

let server: ServerProcess;

const AGENT = 'agent.voirie@demo.ville-ouverte.fr';
const CITIZEN = 'citoyen@demo.ville-ouverte.fr';

/**
 * The past campaign's winners come from the demo seeds of the proposals and vote parts. Should
 * the demo have none (a seed changed or missing), the test gives the stopped server's data
 * folder a small campaign "2025" with winners, so that the tracking seed runs at the next start.
 */
async function ensureWinners(dataDir: string): Promise<void> {
  const database = await openDatabase({ dataDir });
  const db = database.db;
  try {
    let campaign = await db
      .selectFrom('budget_campaign')
      .select('id')
      .where('slug', '=', '2025')
      .executeTakeFirst();
    if (!campaign) {
      const id = await insertCampaign(db, {
        slug: '2025',
        title: 'Budget participatif 2025',
        description: '',
        submissionStartsAt: new Date('2025-01-06T00:00:00Z'),
        submissionEndsAt: new Date('2025-02-01T00:00:00Z'),
        studyStartsAt: new Date('2025-02-02T00:00:00Z'),
        studyEndsAt: new Date('2025-06-30T00:00:00Z'),
        voteStartsAt: new Date('2025-09-05T00:00:00Z'),
        voteEndsAt: new Date('2025-09-30T00:00:00Z'),
        resultsAt: new Date('2025-10-15T00:00:00Z'),
        implementationStartsAt: new Date('2025-11-01T00:00:00Z'),
        votingMethod: 'approval',
        maxChoices: 5,
        minSpendPercent: 0,
        selectionRule: 'greedy',
        published: true,
      });
      campaign = { id };
    }
    const envelope =
      (
        await db
          .selectFrom('budget_envelope')
          .select('id')
          .where('campaign_id', '=', campaign.id)
          .executeTakeFirst()
      )?.id ??
      (await insertEnvelope(db, campaign.id, {
        kind: 'city',
        code: 'paris',
        label: 'Tout Paris',
        amountCents: 1e9,
      }));
    const directorate = await db
      .selectFrom('org_directorate')
      .select('id')
      .where('code', '=', 'DVD')
      .executeTakeFirstOrThrow();
    const last = await db
      .selectFrom('budget_project')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirst();
    const first = Number(last?.n ?? 0) + 1;
    const places: [string, number, number][] = [
      ['Une rue Mouffetard apaisée', 2.3499, 48.8432],
      ['Des bancs le long de la Bièvre', 2.3528, 48.835],
      ['Des pistes cyclables sur les quais', 2.34, 48.856],
      ['Éclairage des passages piétons', 2.356, 48.823],
      ['Une aire de jeux square Saint-Médard', 2.35, 48.8405],
    ];
    for (const [i, [title, lon, lat]] of places.entries()) {
      await db
        .insertInto('budget_project')
        .values({
          campaign_id: campaign.id,
          envelope_id: envelope,
          number: first + i,
          title,
          summary: `${title}.`,
          theme: 'cadre_de_vie',
          location: `(${lon},${lat})`,
          cost_cents: 300_000_00,
          directorate_id: directorate.id,
          selected: true,
        })
        .execute();
    }
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  // PGlite in a folder of our own, so that the fallback above can reach the data.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-e2e-budget-'));
  const start = () => startServer({ demo: true, readyTimeoutMs: 300_000, dataDir, postgres: false });
  server = await start();
  const list = await fetch(`${server.url}/budget/realisations?campagne=2025`).then((r) => r.text());
  if (!/<tbody>\s*<tr/.test(list)) {
    await server.stop();
    await ensureWinners(dataDir);
    server = await start();
  }
  const stop = server.stop.bind(server);
  server.stop = async () => {
    const code = await stop();
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
}, 720_000);

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

/** Today in Paris as the form reads it (dd/mm/yyyy). */
function todayText(): string {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' })
    .format(new Date())
    .split('-');
  return `${d}/${m}/${y}`;
}

/** Clicks the form's button and waits for the page the server answers (303 then GET, or 422). */
async function submit(page: Page, form: string): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.locator(`${form} button[type="submit"]`).first().click();
  await navigated;
  await page.waitForLoadState('load');
}

describe.each([
  { javaScript: true, label: 'js' },
  { javaScript: false, label: 'nojs' },
])('the winners with JavaScript $label', ({ javaScript, label }) => {
  it('shows every winner on the map and in the list, filters by status, and opens a project', async () => {
    const shot = (step: string) => `budget-tracking-${label}-${step}`;
    const page = await newPage({ javaScript });
    try {
      const list = await page.goto(`${server.url}/budget/realisations`);
      expect(list?.status()).toBe(200);
      expect(await page.locator('h1').count()).toBe(1);
      const rows = page.locator('main table tbody tr');
      expect(await rows.count(), 'the demo has winners of 2025').toBeGreaterThan(0);
      if (javaScript) {
        await page.waitForSelector('#realisations-map.map--ready path.leaflet-interactive');
        expect(await page.locator('#realisations-map path.leaflet-interactive').count()).toBeGreaterThan(0);
        await expect(page.locator('#realisations-map .map__fallback').isVisible()).resolves.toBe(false);
      } else {
        await expect(page.locator('#realisations-map .map__fallback').isVisible()).resolves.toBe(true);
      }
      await auditPage(page, shot('01-list'));

      await page.selectOption('select[name="statut"]', 'delivered');
      await submit(page, 'form.tracking-filters');
      expect(new URL(page.url()).searchParams.get('statut')).toBe('delivered');
      const tags = await page.locator('main table tbody tr .tag').allTextContents();
      expect(tags.length).toBeGreaterThan(0);
      expect(new Set(tags)).toEqual(new Set(['Livré']));
      await auditPage(page, shot('02-filtered'));

      await Promise.all([
        page.waitForLoadState('load'),
        page.locator('main table tbody tr a').first().click(),
      ]);
      expect(page.url()).toMatch(/\/budget\/2025\/projets\/\d+$/);
      await expect(page.locator('h2', { hasText: 'Suivi de la réalisation' }).count()).resolves.toBe(1);
      await expect(page.locator('.tracking-timeline__item').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('.tracking-photos img').count()).resolves.toBeGreaterThan(0);
      // No e-mail address of anyone on a public page.
      expect(await page.locator('main').textContent()).not.toMatch(/@[a-z0-9-]+\.[a-z]{2,}/i);
      await auditPage(page, shot('03-project'));
    } finally {
      await closePage(page);
    }
  }, 180_000);

  it('lets the voirie agent add a milestone with a photo, which a follower receives', async () => {
    const shot = (step: string) => `budget-tracking-${label}-${step}`;
    const agent = await newPage({ javaScript });
    const citizen = await newPage({ javaScript });
    try {
      await signIn(agent, server, demoAccount(server, AGENT));
      const list = await agent.goto(`${server.url}/admin/budget/realisations`);
      expect(list?.status()).toBe(200);
      await auditPage(agent, shot('04-admin-list'));
      // A winner still being built (not delivered nor abandoned).
      const row = agent.locator('main table tbody tr', { hasText: /En études|En travaux/ }).first();
      expect(await row.count(), 'the voirie directorate has a winner being built').toBe(1);
      const href = (await row.locator('a').first().getAttribute('href')) as string;
      const [, slug, number] = /\/admin\/budget\/realisations\/([^/]+)\/(\d+)$/.exec(href) ?? [];
      const publicUrl = `${server.url}/budget/${slug}/projets/${number}`;

      // The citizen follows it first.
      await signIn(citizen, server, demoAccount(server, CITIZEN));
      await citizen.goto(publicUrl);
      const followButton = citizen.locator('form[action$="/suivre"] button');
      if ((await followButton.textContent())?.includes('Suivre ce projet')) {
        await submit(citizen, 'form[action$="/suivre"]');
        await expect(citizen.locator('.flash').textContent()).resolves.toContain('Vous suivez ce projet');
      }
      await expect(followButton.textContent()).resolves.toContain('Ne plus suivre');
      await auditPage(citizen, shot('05-followed'));
      await citizen.goto(`${server.url}/compte/budget/suivis`);
      await expect(citizen.locator('main table').textContent()).resolves.toContain(`N° ${number}`);
      await auditPage(citizen, shot('06-my-follows'));

      await agent.goto(`${server.url}${href}`);
      await auditPage(agent, shot('07-admin-project'));
      const title = `Pose des bancs (${label})`;
      // A refused form first: no title; what was typed comes back.
      await agent.fill('input[name="date"]', todayText());
      await agent.fill('textarea[name="description"]', 'Texte gardé <script>alert(1)</script>');
      await submit(agent, 'form[action$="/etapes"]');
      await expect(agent.locator('.error-summary a[href="#field-title"]').count()).resolves.toBe(1);
      await expect(agent.locator('textarea[name="description"]').inputValue()).resolves.toBe(
        'Texte gardé <script>alert(1)</script>',
      );
      await auditPage(agent, shot('08-admin-refused'));

      await agent.fill('input[name="title"]', title);
      await agent.fill('textarea[name="description"]', 'Six bancs posés le long de la rue.');
      await agent.fill('input[name="date"]', todayText());
      const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2a9d8f' } })
        .jpeg()
        .toBuffer();
      await agent.setInputFiles('input[name="photos"]', {
        name: 'bancs.jpg',
        mimeType: 'image/jpeg',
        buffer: photo,
      });
      await submit(agent, 'form[action$="/etapes"]');
      await expect(agent.locator('.flash').textContent()).resolves.toContain('L’étape est publiée');
      await expect(agent.locator('main table').last().textContent()).resolves.toContain(title);

      const mail = await waitForMail(server.dataDir, CITIZEN, { matching: (m) => m.subject.includes(title) });
      expect(mail.text).toContain('Une nouvelle étape');
      expect(mail.links.some((l) => l.includes('/budget/realisations/desabonnement/'))).toBe(true);

      await citizen.goto(publicUrl);
      const item = citizen.locator('.tracking-timeline__item', { hasText: title });
      await expect(item.count()).resolves.toBe(1);
      await expect(item.locator('img').count()).resolves.toBe(1);
      await auditPage(citizen, shot('09-project-with-milestone'));
    } finally {
      await closePage(agent);
      await closePage(citizen);
    }
  }, 240_000);

  it('lets the voirie agent correct a milestone (text, date, photos) and delete it after a confirmation page', async () => {
    const shot = (step: string) => `budget-tracking-${label}-${step}`;
    const agent = await newPage({ javaScript });
    const visitor = await newPage({ javaScript });
    try {
      await signIn(agent, server, demoAccount(server, AGENT));
      await agent.goto(`${server.url}/admin/budget/realisations`);
      const row = agent.locator('main table tbody tr', { hasText: /En études|En travaux/ }).first();
      const href = (await row.locator('a').first().getAttribute('href')) as string;
      const [, slug, number] = /\/admin\/budget\/realisations\/([^/]+)\/(\d+)$/.exec(href) ?? [];
      const publicUrl = `${server.url}/budget/${slug}/projets/${number}`;
      const photo = (background: string) =>
        sharp({ create: { width: 640, height: 480, channels: 3, background } })
          .jpeg()
          .toBuffer();

      // A milestone to correct, with one photo.
      const title = `Marquage au sol (${label})`;
      await agent.goto(`${server.url}${href}`);
      await agent.fill('input[name="title"]', title);
      await agent.fill('input[name="date"]', todayText());
      await agent.setInputFiles('input[name="photos"]', {
        name: 'marquage.jpg',
        mimeType: 'image/jpeg',
        buffer: await photo('#e76f51'),
      });
      await submit(agent, 'form[action$="/etapes"]');
      await visitor.goto(publicUrl);
      const oldSrc = await visitor
        .locator('.tracking-timeline__item', { hasText: title })
        .locator('img')
        .getAttribute('src');

      // Edit: a refused form first (no title), what was typed comes back.
      const milestoneRow = agent.locator('main table tbody tr', { hasText: title });
      await Promise.all([
        agent.waitForLoadState('load'),
        milestoneRow.locator('a[href$="/modifier"]').click(),
      ]);
      expect(agent.url()).toMatch(/\/etapes\/[0-9a-f-]+\/modifier$/);
      await expect(agent.locator('input[name="title"]').inputValue()).resolves.toBe(title);
      await expect(agent.locator('input[name="removePhotos"]').count()).resolves.toBe(1);
      await auditPage(agent, shot('10-admin-edit'));
      await agent.fill('input[name="title"]', '');
      await agent.fill('textarea[name="description"]', 'Bandes blanches <b>refaites</b>');
      await agent.check('input[name="removePhotos"]');
      await submit(agent, 'form[action$="/modifier"]');
      await expect(agent.locator('.error-summary a[href="#field-title"]').count()).resolves.toBe(1);
      await expect(agent.locator('textarea[name="description"]').inputValue()).resolves.toBe(
        'Bandes blanches <b>refaites</b>',
      );
      await expect(agent.locator('input[name="removePhotos"]').isChecked()).resolves.toBe(true);
      await auditPage(agent, shot('11-admin-edit-refused'));

      // Then right: a new title, the old photo removed and a new one added.
      const corrected = `Marquage au sol refait (${label})`;
      await agent.fill('input[name="title"]', corrected);
      await agent.fill('input[name="date"]', todayText());
      await agent.setInputFiles('input[name="photos"]', {
        name: 'refait.jpg',
        mimeType: 'image/jpeg',
        buffer: await photo('#2a9d8f'),
      });
      await submit(agent, 'form[action$="/modifier"]');
      await expect(agent.locator('.flash').textContent()).resolves.toContain('L’étape est modifiée');
      await expect(agent.locator('main table').last().textContent()).resolves.toContain(corrected);

      await visitor.goto(publicUrl);
      const item = visitor.locator('.tracking-timeline__item', { hasText: corrected });
      await expect(item.count()).resolves.toBe(1);
      await expect(item.textContent()).resolves.toContain('Bandes blanches <b>refaites</b>');
      await expect(item.locator('img').count()).resolves.toBe(1);
      expect(await item.locator('img').getAttribute('src')).not.toBe(oldSrc);
      expect((await visitor.request.get(`${server.url}${oldSrc}`)).status()).toBe(404);
      await auditPage(visitor, shot('12-project-edited'));

      // Delete: a confirmation page, then the milestone is gone from both pages.
      const correctedRow = agent.locator('main table tbody tr', { hasText: corrected });
      await Promise.all([
        agent.waitForLoadState('load'),
        correctedRow.locator('a[href$="/supprimer"]').click(),
      ]);
      await expect(agent.locator('h1').textContent()).resolves.toContain(corrected);
      await auditPage(agent, shot('13-admin-delete-confirm'));
      await submit(agent, 'form[action$="/supprimer"]');
      await expect(agent.locator('.flash').textContent()).resolves.toContain('L’étape est supprimée');
      await expect(agent.locator('main table tbody tr', { hasText: corrected }).count()).resolves.toBe(0);
      await auditPage(agent, shot('14-admin-deleted'));
      await visitor.goto(publicUrl);
      await expect(visitor.locator('.tracking-timeline__item', { hasText: corrected }).count()).resolves.toBe(
        0,
      );
    } finally {
      await closePage(agent);
      await closePage(visitor);
    }
  }, 240_000);
});
