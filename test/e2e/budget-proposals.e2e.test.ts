/**
 * Participatory budget, proposals part, in Chromium on the Paris demo: the administrator opens
 * a campaign (dates, envelopes in one click, publish); a citizen proposes with JavaScript (a pin
 * on the map) and without (an arrondissement from the list); the cleanliness agent studies both
 * (admissible, feasible with a cost) and merges them into one project on the ballot, with
 * JavaScript on, then decides without it; moderation. Axe audits every page (RGAA 4 + WCAG 2.1
 * AA) and each page is photographed into test-results/screenshots/budget-proposals-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  closeBrowser,
  closePage,
  demoAccount,
  newPage,
  type ServerProcess,
  signIn,
  startServer,
} from './harness.js';

let server: ServerProcess;

const ADMIN = 'admin@demo.ville-ouverte.fr';
const CITIZEN = 'citoyen@demo.ville-ouverte.fr';
const AGENT = 'agent.proprete@demo.ville-ouverte.fr';
const shot = (name: string) => `budget-proposals-${name}`;

/** Paris day `n` days from now, as a date input wants it. */
function day(n: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + n * 86_400_000),
  );
}

/** Map tiles come from outside: refused, the arrondissement outlines still draw. */
async function offline(page: Page) {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
}

async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).click()]);
}

const references: string[] = [];

beforeAll(async () => {
  server = await startServer({ demo: true, readyTimeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

describe('the public pages of the demo', () => {
  it('shows the campaigns, the 2026 campaign in its vote, its proposals with a map (JS on and off)', async () => {
    for (const javaScript of [true, false]) {
      const page = await newPage({ javaScript });
      const suffix = javaScript ? '' : '-nojs';
      try {
        await offline(page);
        expect((await page.goto(`${server.url}/budget`))?.status()).toBe(200);
        await expect(page.locator('h1').textContent()).resolves.toBe('Budget participatif');
        await auditPage(page, shot(`01-home${suffix}`));
        await page.goto(`${server.url}/budget/2026`);
        await expect(page.locator('.bp-timeline__item--current').textContent()).resolves.toContain('Vote');
        await auditPage(page, shot(`02-campaign${suffix}`));
        await page.goto(`${server.url}/budget/2026/propositions?q=jardin`);
        if (javaScript) {
          await page.waitForSelector('[data-budget-map] .leaflet-container');
          await page.waitForSelector('[data-budget-map] path.leaflet-interactive');
        }
        await auditPage(page, shot(`03-list${suffix}`));
        const first = page.locator('.bp-list__title a').first();
        await Promise.all([page.waitForNavigation(), first.click()]);
        await auditPage(page, shot(`04-proposal${suffix}`));
      } finally {
        await closePage(page);
      }
    }
  }, 300_000);
});

describe('a campaign from set-up to the ballot', () => {
  it('the administrator opens a campaign: dates, envelopes, publication', async () => {
    const page = await newPage({ javaScript: true });
    try {
      await offline(page);
      await signIn(page, server, demoAccount(server, ADMIN));
      await page.goto(`${server.url}/admin/budget`);
      await auditPage(page, shot('10-admin'));
      await page.goto(`${server.url}/admin/budget/campagnes/nouvelle`);
      await page.fill('#field-title', 'Budget participatif des tests');
      await page.fill('#field-slug', 'essai');
      // A phase that overlaps the previous one is refused, the form comes back filled.
      const dates: [string, number][] = [
        ['submissionStart', -1],
        ['submissionEnd', 10],
        ['studyStart', 5],
        ['studyEnd', 40],
        ['voteStart', 41],
        ['voteEnd', 60],
        ['resultsDay', 62],
        ['implementationStart', 70],
      ];
      for (const [field, n] of dates) await page.fill(`#field-${field}`, day(n));
      await submit(page, 'main form button[type="submit"]');
      await expect(page.locator('.error-summary').textContent()).resolves.toContain(
        'Cette phase doit commencer après la fin de la phase précédente',
      );
      expect(await page.inputValue('#field-title')).toBe('Budget participatif des tests');
      await auditPage(page, shot('11-campaign-refused'));
      await page.fill('#field-studyStart', day(11));
      await submit(page, 'main form button[type="submit"]');
      expect(new URL(page.url()).pathname).toBe('/admin/budget/campagnes/essai');
      await page.fill('#field-label', 'Tout Paris');
      await page.check('input[name="kind"][value="city"]');
      await page.fill('#field-code', 'paris');
      await page.fill('#field-amount', '5 000 000');
      await submit(page, 'form[action$="/enveloppes"] button[type="submit"]');
      await page.fill('#field-arrondissementAmount', '1 000 000');
      await submit(page, 'form[action$="/arrondissements"] button[type="submit"]');
      await expect(page.locator('main table tbody tr').count()).resolves.toBe(21);
      await submit(page, 'form[action$="/publication"] button[type="submit"]');
      await expect(page.locator('.flash').textContent()).resolves.toContain('La campagne est publiée');
      await auditPage(page, shot('12-campaign-edit'));
    } finally {
      await closePage(page);
    }
  }, 240_000);

  it('the administrator routes the themes to directorates without JavaScript', async () => {
    const page = await newPage({ javaScript: false });
    const campaignPage = `${server.url}/admin/budget/campagnes/essai`;
    try {
      await offline(page);
      await signIn(page, server, demoAccount(server, ADMIN));
      await page.goto(campaignPage);
      // New campaigns start from the default map: cleanliness goes to the DPE.
      await expect(page.locator('#field-route-proprete option[selected]').textContent()).resolves.toMatch(
        /^DPE — /,
      );
      await page.locator('#routing-title').scrollIntoViewIfNeeded();
      await auditPage(page, shot('13-routing-nojs'));
      // A directorate that is not in the list (as a stale form would send) is refused, with the
      // choices made kept.
      await page.selectOption('#field-route-numerique', {
        label: 'DVD — Direction de la Voirie et des Déplacements',
      });
      await page.route(`${campaignPage}/orientation`, (route) =>
        route.continue({
          postData: (route.request().postData() ?? '').replace(/route-sport=[^&]*/, 'route-sport=inconnue'),
        }),
      );
      await submit(page, 'form[action$="/orientation"] button[type="submit"]');
      await expect(page.locator('.error-summary').textContent()).resolves.toContain(
        'Cette direction n’existe pas',
      );
      await expect(page.locator('#field-route-numerique option[selected]').textContent()).resolves.toMatch(
        /^DVD — /,
      );
      await auditPage(page, shot('14-routing-refused-nojs'));
      await page.unroute(`${campaignPage}/orientation`);
      await page.selectOption('#field-route-sport', 'none');
      await submit(page, 'form[action$="/orientation"] button[type="submit"]');
      expect(page.url()).toBe(campaignPage);
      await expect(page.locator('.flash').textContent()).resolves.toContain(
        'L’orientation des propositions est enregistrée',
      );
      await expect(page.locator('#field-route-numerique option[selected]').textContent()).resolves.toMatch(
        /^DVD — /,
      );
      await expect(page.locator('#field-route-sport option[selected]').getAttribute('value')).resolves.toBe(
        'none',
      );
    } finally {
      await closePage(page);
    }
  }, 240_000);

  it('a citizen proposes with JavaScript: a pin on the map fills the coordinates', async () => {
    const page = await newPage({ javaScript: true });
    try {
      await offline(page);
      await signIn(page, server, demoAccount(server, CITIZEN));
      await page.goto(`${server.url}/budget/essai`);
      await auditPage(page, shot('20-campaign-open'));
      await submit(page, 'main a[href="/budget/essai/propositions/nouvelle"]');
      await page.waitForSelector('.bp-picker__canvas.leaflet-container');
      await page.fill('#field-title', 'Des composteurs au square Saint-Médard');
      await page.fill('#field-description', 'Trois bacs de compost partagés, gérés par les habitants.');
      await page.selectOption('#field-theme', 'proprete');
      // Zoom in, then click the middle of the map (the Panthéon is near the centre of Paris).
      const canvas = page.locator('.bp-picker__canvas');
      await canvas.scrollIntoViewIfNeeded();
      for (let i = 0; i < 2; i++) await page.locator('.leaflet-control-zoom-in').click();
      const box = (await canvas.boundingBox())!;
      await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } });
      await page.waitForFunction(
        () => (document.querySelector('#field-lat') as HTMLInputElement).value !== '',
      );
      await expect(page.locator('[data-picker-status]').textContent()).resolves.toContain('Projet placé');
      await page.fill('#field-estimatedCost', '15 000');
      await page.fill('#field-publicName', 'Les composteurs de Saint-Médard');
      await auditPage(page, shot('21-form-js'));
      await submit(page, 'main form.bp-form button[type="submit"]');
      const reference = /\/propositions\/(BP-\d{4}-\d+)$/.exec(page.url())?.[1];
      expect(reference).toBeTruthy();
      references.push(reference!);
      await expect(page.locator('h1').textContent()).resolves.toBe('Des composteurs au square Saint-Médard');
      await expect(page.locator('.bp-history').textContent()).resolves.toContain('Direction de la Propreté');
      await auditPage(page, shot('22-proposal-js'));
      await page.goto(`${server.url}/compte/budget`);
      await expect(page.locator('main').textContent()).resolves.toContain(reference!);
      await auditPage(page, shot('23-mine'));
    } finally {
      await closePage(page);
    }
  }, 240_000);

  it('a citizen proposes without JavaScript: a refused form comes back filled, then an arrondissement', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, CITIZEN));
      await page.goto(`${server.url}/budget/essai/propositions/nouvelle`);
      await page.fill('#field-title', 'Des corbeilles de tri rue Mouffetard <script>alert(1)</script>');
      await page.selectOption('#field-theme', 'proprete');
      await submit(page, 'main form.bp-form button[type="submit"]');
      await expect(page.locator('.error-summary a').allTextContents()).resolves.toEqual(
        expect.arrayContaining(['Décrivez le projet.']),
      );
      expect(await page.inputValue('#field-title')).toContain('<script>');
      await auditPage(page, shot('24-form-refused-nojs'));
      await page.fill('#field-description', 'Des corbeilles à deux flux le long de la rue.');
      await page.selectOption('#field-arrondissement', '5');
      await submit(page, 'main form.bp-form button[type="submit"]');
      const reference = /\/propositions\/(BP-\d{4}-\d+)$/.exec(page.url())?.[1];
      expect(reference).toBeTruthy();
      references.push(reference!);
      await expect(page.locator('h1').textContent()).resolves.toContain('<script>alert(1)</script>');
      await auditPage(page, shot('25-proposal-nojs'));
    } finally {
      await closePage(page);
    }
  }, 240_000);

  it('the cleanliness agent studies both and merges them into one project (JavaScript on)', async () => {
    const page = await newPage({ javaScript: true });
    try {
      await offline(page);
      await signIn(page, server, demoAccount(server, AGENT));
      await page.goto(`${server.url}/admin/budget/etude?campagne=essai`);
      for (const reference of references)
        await expect(page.locator('main').textContent()).resolves.toContain(reference);
      await auditPage(page, shot('30-queue'));
      for (const [i, reference] of references.entries()) {
        await page.goto(`${server.url}/admin/budget/etude/${reference}`);
        await page.check('input[name="decision"][value="admissible"]');
        await submit(page, 'form[action$="/decision"] button[type="submit"]');
        await page.check('input[name="decision"][value="feasible"]');
        await page.fill('#field-cost', '');
        if (i === 0) {
          await submit(page, 'form[action$="/decision"] button[type="submit"]');
          await expect(page.locator('.error-summary').textContent()).resolves.toContain(
            'Indiquez le coût estimé',
          );
          await auditPage(page, shot('31-decision-refused'));
          await page.check('input[name="decision"][value="feasible"]');
        }
        await page.fill('#field-cost', '20 000');
        await page.fill('#field-reason', 'Emplacement validé avec la section de propreté.');
        await submit(page, 'form[action$="/decision"] button[type="submit"]');
        await expect(page.locator('.flash').textContent()).resolves.toContain('La décision est enregistrée');
      }
      await auditPage(page, shot('32-study-proposal'));
      await page.goto(`${server.url}/admin/budget/etude?campagne=essai`);
      for (const reference of references) {
        const row = page.locator('main tr', { hasText: reference });
        await row.locator('input[name="p"]').check();
      }
      await submit(page, 'main form.bp-queue button[type="submit"]');
      await page.fill('#field-title', 'Tri et compost rue Mouffetard et square Saint-Médard');
      expect(await page.inputValue('#field-cost')).toBe('40000');
      await auditPage(page, shot('33-project-form'));
      await submit(page, 'main form button[type="submit"]');
      await expect(page.locator('.flash').textContent()).resolves.toContain(
        'Le projet est ajouté au bulletin',
      );
      await page.goto(`${server.url}/budget/essai/propositions/${references[0]}`);
      await expect(page.locator('.bp-history').textContent()).resolves.toContain(
        `Regroupée dans le projet n° 1, soumis au vote, avec ${references[1]}`,
      );
      await auditPage(page, shot('34-merged'));
      await page.goto(`${server.url}/budget/essai`);
      await expect(page.locator('main').textContent()).resolves.toContain('Tri et compost rue Mouffetard');
    } finally {
      await closePage(page);
    }
  }, 240_000);

  it('without JavaScript the agent decides and moderates', async () => {
    const citizen = await newPage({ javaScript: false });
    let reference = '';
    try {
      await signIn(citizen, server, demoAccount(server, CITIZEN));
      await citizen.goto(`${server.url}/budget/essai/propositions/nouvelle`);
      await citizen.fill('#field-title', 'Des cendriers devant le lycée');
      await citizen.fill('#field-description', 'Les mégots jonchent le trottoir.');
      await citizen.selectOption('#field-theme', 'proprete');
      await citizen.selectOption('#field-arrondissement', '5');
      await submit(citizen, 'main form.bp-form button[type="submit"]');
      reference = /\/propositions\/(BP-\d{4}-\d+)$/.exec(citizen.url())?.[1] ?? '';
      await citizen.fill('#field-body', 'Un commentaire à masquer');
      await submit(citizen, 'form[action$="/commentaires"] button[type="submit"]');
    } finally {
      await closePage(citizen);
    }
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, AGENT));
      await page.goto(`${server.url}/admin/budget/etude/${reference}`);
      await page.check('input[name="decision"][value="inadmissible"]');
      await submit(page, 'form[action$="/decision"] button[type="submit"]');
      await expect(page.locator('.error-summary').textContent()).resolves.toContain('Indiquez le motif');
      await auditPage(page, shot('40-decision-refused-nojs'));
      await page.check('input[name="decision"][value="inadmissible"]');
      await page.fill('#field-reason', 'Relève du fonctionnement.');
      await submit(page, 'form[action$="/decision"] button[type="submit"]');
      await expect(page.locator('.tag').first().textContent()).resolves.toBe('Non recevable');
      await page.goto(`${server.url}/admin/budget/moderation?statut=visible`);
      const item = page.locator('.bp-comment', { hasText: 'Un commentaire à masquer' });
      await auditPage(page, shot('41-moderation-nojs'));
      await item.locator('input[type="text"]').fill('Hors sujet');
      await Promise.all([page.waitForNavigation(), item.locator('button[type="submit"]').click()]);
      await page.goto(`${server.url}/budget/essai/propositions/${reference}`);
      await expect(page.locator('.bp-comments').textContent()).resolves.toContain('Motif : Hors sujet');
      await expect(page.locator('main').textContent()).resolves.toContain('Relève du fonctionnement.');
      await auditPage(page, shot('42-proposal-after-nojs'));
    } finally {
      await closePage(page);
    }
  }, 240_000);
});
