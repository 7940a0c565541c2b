/**
 * Voting in a real browser, with each method, JavaScript on and off: declaration, the
 * arrondissement de cœur, baskets (majority judgment radios, approval and knapsack boxes with
 * the running total when JavaScript runs), save and confirm, the confirmation page and mail;
 * then the participation counter, the published results with their charts and tables, and
 * the back office (booth ballots, results). Axe (RGAA 4 + WCAG 2.1 AA) audits every page, each
 * photographed in test-results/screenshots (1280 px, and 375 px for the ballot).
 *
 * The data folder is prepared before the server starts (campaigns in their vote phase, a
 * past campaign with booth ballots and published results, accounts with sessions), on the
 * embedded database, which the server then opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/config.js';
import { createCore } from '../../src/core/core.js';
import { ImmediateJobQueue } from '../../src/core/jobs/jobs.js';
import { publishStoredResults, storeResults } from '../../src/modules/budget/vote/results.service.js';
import { createCampaign, createUser } from '../../src/modules/budget/vote/test/fixtures.js';
import { castPaperBallot, loadVoteCampaign } from '../../src/modules/budget/vote/vote.service.js';
import {
  auditPage,
  closeBrowser,
  closePage,
  newPage,
  type ServerProcess,
  screenshot,
  startServer,
  waitForMail,
} from './harness.js';

let server: ServerProcess;
let dataDir: string;
const sessions: Record<string, string> = {};
const emails: Record<string, string> = {};
/** Each flow is a dozen pages with an axe audit each: slow on a busy machine. */
const SLOW = 240_000;
const VOTERS = ['mjOff', 'mjOn', 'approvalOn', 'approvalOff', 'knapsackOn', 'knapsackOff'] as const;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vo-e2e-vote-'));
  const opened = await createCore(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, DEMO: 'false' }), {
    jobs: new ImmediateJobQueue(),
  });
  const { core } = opened;
  try {
    await createCampaign(core.db, { slug: 'e2e-mj', method: 'majority_judgment', maxChoices: null });
    await createCampaign(core.db, { slug: 'e2e-approval', method: 'approval', maxChoices: 3 });
    await createCampaign(core.db, {
      slug: 'e2e-knapsack',
      method: 'knapsack',
      maxChoices: null,
      minSpendPercent: 30,
    });
    // A campaign whose vote closed: booth ballots entered while it was open, results published.
    const past = await createCampaign(core.db, {
      slug: 'e2e-past',
      method: 'majority_judgment',
      maxChoices: null,
      phase: 'closed',
    });
    const agent = await createUser(core.db, { admin: true });
    const vc = await loadVoteCampaign(core, past.slug, null, { fresh: true });
    const during = new Date(vc.campaign.voteStartsAt.getTime() + 3_600_000);
    const grades = ['adore', 'aime_bien', 'pourquoi_pas', 'pas_convaincu'];
    for (let i = 0; i < 24; i++) {
      const city: Record<string, string> = {};
      for (let n = 1; n <= 6; n++) city[String(n)] = grades[(i * n + n) % 4]!;
      await castPaperBallot(
        core,
        vc,
        agent,
        {
          lastName: `Urne${'a'.repeat(i + 1)}`,
          firstName: 'Votant',
          birthDate: '1970-01-01',
          arrondissementEnvelopeId: i % 2 === 0 ? past.envelopes.arr5 : past.envelopes.arr11,
          baskets: {
            [past.envelopes.city]: { kind: 'grades', grades: city },
            ...(i % 2 === 0
              ? {
                  [past.envelopes.arr5]: {
                    kind: 'grades' as const,
                    grades: { '9': grades[i % 4]!, '10': 'adore' },
                  },
                }
              : { [past.envelopes.arr11]: { kind: 'grades' as const, grades: { '12': grades[i % 3]! } } }),
          },
        },
        { userId: agent.id, label: 'e2e' },
        during,
      );
    }
    await storeResults(core, vc, agent.id, { userId: agent.id, label: 'e2e' });
    await publishStoredResults(core, vc, agent.id, { userId: agent.id, label: 'e2e' });
    for (const name of VOTERS) {
      const user = await createUser(core.db);
      emails[name] = user.email!;
      sessions[name] = await core.sessions.create(user.id);
    }
    sessions.admin = await core.sessions.create(agent.id);
    await sql`checkpoint`.execute(core.db);
  } finally {
    await opened.close();
  }
  server = await startServer({ demo: false, dataDir, postgres: false });
}, 180_000);

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function pageAs(who: string, options: { javaScript: boolean; width?: number }): Promise<Page> {
  const page = await newPage(options);
  await page.context().addCookies([{ name: 'vo_session', value: sessions[who]!, url: server.url }]);
  return page;
}

/** Clicks a submit button and waits for the page it leads to. */
async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).click()]);
}

async function declare(page: Page, slug: string, shot: (step: string) => string, lastName: string) {
  const response = await page.goto(`${server.url}/budget/${slug}/vote`);
  expect(response?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toContain("Déclaration sur l'honneur");
  await auditPage(page, shot('01-declaration'));
  await submit(page, 'main form button[type="submit"]');
  await expect(page.locator('.error-summary').count()).resolves.toBe(1);
  await auditPage(page, shot('02-declaration-errors'));
  await page.check('#field-declaration');
  await page.fill('#field-lastName', lastName);
  await page.fill('#field-firstName', 'Camille');
  await page.fill('#field-birthDate', '17/05/1990');
  await page.check('#field-sworn');
  await submit(page, 'main form button[type="submit"]');
  await expect(page.locator('h1').textContent()).resolves.toContain('arrondissement de cœur');
  await auditPage(page, shot('03-arrondissement'));
  await page.selectOption('#field-arrondissement', '5');
  await submit(page, 'main form button[type="submit"]');
  await expect(page.locator('h1').textContent()).resolves.toContain('Voter');
  await auditPage(page, shot('04-overview'));
}

describe('voting with each method', () => {
  for (const javaScript of [false, true]) {
    it(
      `majority judgment, JavaScript ${javaScript ? 'on' : 'off'}`,
      async () => {
        const mode = javaScript ? 'js' : 'nojs';
        const shot = (step: string) => `budget-vote-mj-${mode}-${step}`;
        const page = await pageAs(javaScript ? 'mjOn' : 'mjOff', { javaScript });
        try {
          await declare(page, 'e2e-mj', shot, javaScript ? 'Lemoine' : 'Perrin');
          await Promise.all([
            page.waitForNavigation(),
            page.locator('main a[href$="/enveloppe/paris"]').click(),
          ]);
          await expect(page.locator('input[name="grade-1"]').count()).resolves.toBe(5);
          await page.check('input[name="grade-1"][value="adore"]');
          await page.check('input[name="grade-2"][value="aime_bien"]');
          await page.check('input[name="grade-3"][value="pas_convaincu"]');
          await auditPage(page, shot('05-basket'));
          await submit(page, 'button[name="action"][value="save"]');
          await expect(page.locator('.flash').textContent()).resolves.toContain(
            'Votre panier est enregistré',
          );
          await expect(page.locator('main').textContent()).resolves.toContain('3 projet(s) noté(s) sur 6');
          await auditPage(page, shot('06-overview-draft'));
          await Promise.all([page.waitForNavigation(), page.locator('main a[href$="/enveloppe/5"]').click()]);
          await page.check('input[name="grade-9"][value="pourquoi_pas"]');
          await submit(page, 'button[name="action"][value="confirm"]');
          await expect(page.locator('h1').textContent()).resolves.toContain('Votre vote est confirmé');
          await expect(page.locator('main').textContent()).resolves.toContain("J'adore");
          await auditPage(page, shot('07-confirmation'));
        } finally {
          await closePage(page);
        }
        // The summary mail, written when it is sent: the grades given, nothing else.
        const mail = await waitForMail(server.dataDir, emails[javaScript ? 'mjOn' : 'mjOff']!, {
          matching: (m) => m.subject.includes('est confirmé'),
        });
        expect(mail.text).toContain("n° 1 — Projet 1 : J'adore");
        expect(mail.text).toContain('n° 9 — Projet 9 : Pourquoi pas');
        expect(mail.text).not.toContain('Projet 4');
      },
      SLOW,
    );
  }

  it(
    'majority judgment ballot on a phone (375 px)',
    async () => {
      const page = await pageAs('mjOn', { javaScript: true, width: 375 });
      try {
        await page.goto(`${server.url}/budget/e2e-mj/vote/enveloppe/paris`);
        await auditPage(page, 'budget-vote-mj-375-basket');
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );

  it(
    'approval with JavaScript: the count of ticked projects is kept live',
    async () => {
      const shot = (step: string) => `budget-vote-approval-js-${step}`;
      const page = await pageAs('approvalOn', { javaScript: true });
      try {
        await declare(page, 'e2e-approval', shot, 'Giraud');
        await Promise.all([
          page.waitForNavigation(),
          page.locator('main a[href$="/enveloppe/paris"]').click(),
        ]);
        const total = page.locator('.vote-total__text');
        await expect(total.textContent()).resolves.toContain('0 projet(s) choisi(s), 3 au plus');
        for (const n of ['1', '2', '3', '4']) await page.check(`input[name="projects"][value="${n}"]`);
        await expect(total.textContent()).resolves.toContain(
          "4 projets choisis : c'est plus que les 3 permis",
        );
        await expect(page.locator('.vote-total--over').count()).resolves.toBe(1);
        await auditPage(page, shot('05-basket-over'));
        await page.uncheck('input[name="projects"][value="4"]');
        await expect(total.textContent()).resolves.toContain('3 projet(s) choisi(s), 3 au plus');
        await submit(page, 'button[name="action"][value="confirm"]');
        await expect(page.locator('h1').textContent()).resolves.toContain('Votre vote est confirmé');
        await auditPage(page, shot('06-confirmation'));
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );

  it(
    'approval without JavaScript: too many projects come back refused, ticked as sent',
    async () => {
      const shot = (step: string) => `budget-vote-approval-nojs-${step}`;
      const page = await pageAs('approvalOff', { javaScript: false });
      try {
        await declare(page, 'e2e-approval', shot, 'Colin');
        await page.goto(`${server.url}/budget/e2e-approval/vote/enveloppe/paris`);
        for (const n of ['1', '2', '5', '6']) await page.check(`input[name="projects"][value="${n}"]`);
        await submit(page, 'button[name="action"][value="save"]');
        await expect(page.locator('.error-summary').textContent()).resolves.toContain(
          'vous pouvez en choisir 3 au plus',
        );
        await expect(page.locator('input[name="projects"]:checked').count()).resolves.toBe(4);
        await auditPage(page, shot('05-basket-refused'));
        await page.uncheck('input[name="projects"][value="6"]');
        await submit(page, 'button[name="action"][value="save"]');
        await Promise.all([
          page.waitForNavigation(),
          page.locator('main button:has-text("Confirmer mon vote")').click(),
        ]);
        await expect(page.locator('h1').textContent()).resolves.toContain('Votre vote est confirmé');
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );

  it(
    'knapsack with JavaScript: the running total in euros, over the envelope in red',
    async () => {
      const shot = (step: string) => `budget-vote-knapsack-js-${step}`;
      const page = await pageAs('knapsackOn', { javaScript: true });
      try {
        await declare(page, 'e2e-knapsack', shot, 'Marchand');
        await page.goto(`${server.url}/budget/e2e-knapsack/vote/enveloppe/paris`);
        const total = page.locator('.vote-total__text');
        await page.check('input[name="projects"][value="1"]');
        await page.check('input[name="projects"][value="2"]');
        await expect(total.textContent()).resolves.toMatch(
          /Total de votre panier : 70\s000\s€ sur 100\s000\s€/,
        );
        await page.check('input[name="projects"][value="6"]');
        await expect(total.textContent()).resolves.toMatch(/dépassement de 30\s000\s€/);
        await auditPage(page, shot('05-basket-over'));
        await page.uncheck('input[name="projects"][value="6"]');
        await submit(page, 'button[name="action"][value="confirm"]');
        await expect(page.locator('h1').textContent()).resolves.toContain('Votre vote est confirmé');
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );

  it(
    'knapsack without JavaScript: an overspent basket is refused with its totals',
    async () => {
      const shot = (step: string) => `budget-vote-knapsack-nojs-${step}`;
      const page = await pageAs('knapsackOff', { javaScript: false });
      try {
        await declare(page, 'e2e-knapsack', shot, 'Robin');
        await page.goto(`${server.url}/budget/e2e-knapsack/vote/enveloppe/paris`);
        for (const n of ['1', '2', '6']) await page.check(`input[name="projects"][value="${n}"]`);
        await submit(page, 'button[name="action"][value="save"]');
        await expect(page.locator('.error-summary').textContent()).resolves.toMatch(/coûte 130\s000\s€/);
        await expect(page.locator('.vote-total--over').count()).resolves.toBe(1);
        await auditPage(page, shot('05-basket-refused'));
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );
});

describe('participation, results and back office', () => {
  it(
    'the participation counter and the published results pass axe',
    async () => {
      const page = await newPage({ javaScript: true });
      try {
        await page.goto(`${server.url}/budget/e2e-mj/participation`);
        await expect(page.locator('.vote-figure__value').first().textContent()).resolves.toMatch(/\d/);
        await auditPage(page, 'budget-vote-participation');
        const json = await (await page.request.get(`${server.url}/budget/e2e-mj/participation.json`)).json();
        expect(json.campaign).toBe('e2e-mj');
        await page.goto(`${server.url}/budget/e2e-past/resultats`);
        await expect(page.locator('caption').first().textContent()).resolves.toContain('Projets retenus');
        await auditPage(page, 'budget-results-overview');
        await page.goto(`${server.url}/budget/e2e-past/resultats/paris`);
        await expect(page.locator('.vote-bar--stacked').count()).resolves.toBe(6);
        await expect(page.locator('caption').textContent()).resolves.toContain('Mentions reçues par projet');
        await auditPage(page, 'budget-results-envelope');
        const pb = await page.request.get(`${server.url}/budget/e2e-past/resultats/paris.pb`);
        expect(pb.status()).toBe(200);
        expect(await pb.text()).toContain('vote_type;scoring');
      } finally {
        await closePage(page);
      }
      const phone = await newPage({ javaScript: false, width: 375 });
      try {
        await phone.goto(`${server.url}/budget/e2e-past/resultats/paris`);
        await auditPage(phone, 'budget-results-envelope-375-nojs');
      } finally {
        await closePage(phone);
      }
    },
    SLOW,
  );

  it(
    'an agent enters a booth ballot; the admin pages pass axe',
    async () => {
      const page = await pageAs('admin', { javaScript: false });
      try {
        await page.goto(`${server.url}/admin/budget/vote`);
        await auditPage(page, 'budget-vote-admin-index');
        await page.goto(`${server.url}/admin/budget/e2e-mj/urne`);
        await auditPage(page, 'budget-paper-01-choose');
        await page.selectOption('#field-arrondissement', '11');
        await submit(page, 'main form[method="get"] button');
        await page.fill('#field-lastName', 'Fontaine');
        await page.fill('#field-firstName', 'Jeanne');
        await page.fill('#field-birthDate', '30/11/1955');
        await page.check('input[name="paris.grade-1"][value="adore"]');
        await page.check('input[name="11.grade-12"][value="aime_bien"]');
        await auditPage(page, 'budget-paper-02-ballot');
        await submit(page, 'main form[method="post"] button[type="submit"]');
        await expect(page.locator('.flash').textContent()).resolves.toContain('Bulletin enregistré');
        // The same person again: refused with a clear message, the form kept.
        await page.fill('#field-lastName', 'FONTAINE');
        await page.fill('#field-firstName', 'Jeanne');
        await page.fill('#field-birthDate', '30/11/1955');
        await page.check('input[name="paris.grade-2"][value="adore"]');
        await submit(page, 'main form[method="post"] button[type="submit"]');
        await expect(page.locator('.banner--error').textContent()).resolves.toContain(
          'Un bulletin a déjà été saisi pour cette personne',
        );
        await auditPage(page, 'budget-paper-03-refused');
        await page.goto(`${server.url}/admin/budget/e2e-past/resultats`);
        await auditPage(page, 'budget-results-admin');
        await page.goto(`${server.url}/admin/budget/e2e-mj/resultats`);
        await expect(page.locator('main').textContent()).resolves.toContain("Le vote n'est pas encore clos");
        await screenshot(page, 'budget-results-admin-open');
      } finally {
        await closePage(page);
      }
    },
    SLOW,
  );
});
