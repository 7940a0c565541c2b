/**
 * The agent's day on the Paris demo, with JavaScript on and off: the demo agent of the 5e
 * cleanliness division (whose password the server prints at start) signs in, opens the queue,
 * opens a report and marks it "Service fait". Axe finds nothing on any page; each is photographed.
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

const AGENT = 'agent.proprete@demo.ville-ouverte.fr';
const ADMIN = 'admin@demo.ville-ouverte.fr';

/** Map tiles come from outside: refused, the arrondissement outlines still draw. */
async function offline(page: Page) {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
}

/** Opens the disclosure holding the form of `action` and sends it, after `fill`. */
async function act(page: Page, url: string, action: string, fill: () => Promise<void>) {
  const disclosure = page.locator('details', {
    has: page.locator(`input[name="action"][value="${action}"]`),
  });
  await disclosure.locator('summary').click();
  await fill();
  await Promise.all([
    page.waitForURL((u) => u.toString() === url, { waitUntil: 'load' }),
    disclosure.locator('button[type="submit"]').click(),
  ]);
}

/** The first report of the queue in one of these states, as an absolute URL. */
async function firstReport(page: Page, states: string[]): Promise<string | null> {
  for (const state of states) {
    await page.goto(`${server.url}/admin/signalements?etat=${state}`);
    const href = await page
      .locator('main table a[href^="/admin/signalements/"]')
      .first()
      .getAttribute('href')
      .catch(() => null);
    if (href) return new URL(href, server.url).toString();
  }
  return null;
}

beforeAll(async () => {
  server = await startServer({ demo: true, readyTimeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

describe.each([
  { javaScript: true, label: 'js' },
  { javaScript: false, label: 'nojs' },
])('the agent with JavaScript $label', ({ javaScript, label }) => {
  it('opens the queue, a report, and marks it "Service fait"', async () => {
    const shot = (step: string) => `reports-agent-${label}-${step}`;
    const page = await newPage({ javaScript });
    try {
      await signIn(page, server, demoAccount(server, AGENT));
      const queue = await page.goto(`${server.url}/admin/signalements`);
      expect(queue?.status()).toBe(200);
      expect(await page.locator('h1').count()).toBe(1);
      await auditPage(page, shot('01-queue'));

      const url = await firstReport(page, ['new', 'to_process', 'scheduled']);
      expect(url, 'the demo has open reports in the 5e').toBeTruthy();
      const detail = await page.goto(url as string);
      expect(detail?.status()).toBe(200);
      await auditPage(page, shot('02-report'));

      // The "Service fait" form sits in a disclosure: open it, then confirm.
      const disclosure = page.locator('details', {
        has: page.locator('input[name="action"][value="mark_done"]'),
      });
      await disclosure.locator('summary').click();
      await auditPage(page, shot('03-mark-done-form'));
      await Promise.all([
        page.waitForURL((u) => u.toString() === url, { waitUntil: 'load' }),
        disclosure.locator('button[type="submit"]').click(),
      ]);
      await expect(page.locator('.flash').textContent()).resolves.toContain(
        'Le signalement a été mis à jour.',
      );
      await expect(page.locator('main .tag').first().textContent()).resolves.toBe('Service fait');
      await auditPage(page, shot('04-done'));
    } finally {
      await closePage(page);
    }
  });
});

describe('the administrator', () => {
  it('sees the category tree, a category form and the API keys, axe-clean', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, ADMIN));
      for (const [path, name] of [
        ['/admin/signalements/categories', 'categories'],
        ['/admin/signalements/categories/3405', 'category'],
        ['/admin/cles-api', 'api-keys'],
      ] as const) {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.status(), path).toBe(200);
        await auditPage(page, `reports-admin-${name}`);
      }
      // A new key: shown once, on the answer to the form.
      await page.fill('input[name="name"]', 'Application de test');
      await Promise.all([
        page.waitForLoadState('load'),
        page.locator('main form[action="/admin/cles-api"] button[type="submit"]').click(),
      ]);
      await expect(page.locator('code[data-api-key]').textContent()).resolves.toMatch(/\S{20,}/);
      await auditPage(page, 'reports-admin-api-key-created');
    } finally {
      await closePage(page);
    }
  });
});

describe('the queue on a map, contractors, dates and transfers', () => {
  it.each([
    { javaScript: true, label: 'js' },
    { javaScript: false, label: 'nojs' },
  ])('shows the queue on a map with JavaScript $label, the table under it', async ({ javaScript, label }) => {
    const page = await newPage({ javaScript });
    try {
      await offline(page);
      await signIn(page, server, demoAccount(server, AGENT));
      await page.goto(`${server.url}/admin/signalements`);
      await Promise.all([
        page.waitForURL(/vue=carte/, { waitUntil: 'load' }),
        page.locator('main a', { hasText: 'Carte' }).first().click(),
      ]);
      await expect(
        page.locator('main table a[href^="/admin/signalements/DMR-"]').count(),
      ).resolves.toBeGreaterThan(0);
      if (javaScript) {
        await page.waitForSelector('.leaflet-marker-icon.queue-pin');
        const pins = await page.locator('.leaflet-marker-icon.queue-pin').count();
        const rows = await page.locator('main table a[href^="/admin/signalements/DMR-"]').count();
        expect(pins).toBe(rows);
        await expect(page.locator('.queue-map__legend').isVisible()).resolves.toBe(true);
      } else {
        await expect(page.locator('.queue-map .map__canvas').isVisible()).resolves.toBe(false);
        await expect(page.locator('.queue-map').textContent()).resolves.toContain('elle demande JavaScript');
      }
      await auditPage(page, `reports-agent-${label}-05-queue-map`);
    } finally {
      await closePage(page);
    }
  });

  it('hands a report to a city contractor, schedules it day first, and shows neither in public', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, AGENT));
      const url = await firstReport(page, ['new', 'to_process']);
      expect(url).toBeTruthy();
      await page.goto(url as string);
      await act(page, url as string, 'transfer_third_party', () =>
        page.selectOption('#field-thirdParty', 'NET-PROPRE').then(() => undefined),
      );
      await expect(page.locator('main').textContent()).resolves.toContain(
        'Net Propre (nettoyage, enlèvement) (identifiant : NET-PROPRE)',
      );
      await act(page, url as string, 'schedule', () => page.fill('#field-scheduledFor', '14/07/2027'));
      await expect(page.locator('main').textContent()).resolves.toContain('14 juillet 2027');
      await auditPage(page, 'reports-agent-nojs-06-contractor-scheduled');

      const reference = new URL(url as string).pathname.split('/').pop() ?? '';
      await page.goto(`${server.url}/signalements/${reference}`);
      await expect(page.locator('main').textContent()).resolves.not.toContain('Net Propre');
      await auditPage(page, 'reports-agent-nojs-07-contractor-public');
    } finally {
      await closePage(page);
    }
  });

  it('transfers a report to another service: the public timeline names the service, not the agent', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, AGENT));
      const url = await firstReport(page, ['new', 'to_process']);
      expect(url).toBeTruthy();
      await page.goto(url as string);
      const disclosure = page.locator('details', { has: page.locator('#field-toServiceId') });
      await disclosure.locator('summary').click();
      await page.selectOption('#field-toServiceId', { label: 'Division propreté du 13e arrondissement' });
      await page.fill('#field-transferReason', 'Le dépôt est de l’autre côté du boulevard.');
      await Promise.all([
        page.waitForURL(/\/admin\/signalements$/, { waitUntil: 'load' }),
        disclosure.locator('button[type="submit"]').click(),
      ]);
      const reference = new URL(url as string).pathname.split('/').pop() ?? '';
      await page.goto(`${server.url}/signalements/${reference}`);
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('Transféré au service : Division propreté du 13e arrondissement');
      expect(main).not.toContain('Samir');
      expect(main).not.toContain('autre côté du boulevard');
      await auditPage(page, 'reports-agent-nojs-08-transfer-public');
    } finally {
      await closePage(page);
    }
  });
});
