/**
 * The back office on the Paris demo: the demo administrator (whose password the server
 * prints at start) signs in and goes through every /admin page; axe finds nothing on any
 * of them. A citizen is kept out; a visitor is sent to sign in.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  closeBrowser,
  closePage,
  demoAccount,
  demoAccountsFrom,
  isDownload,
  linkInMail,
  newPage,
  type ServerProcess,
  signIn,
  startServer,
  waitForMail,
} from './harness.js';

let server: ServerProcess;

const ADMIN = 'admin@demo.ville-ouverte.fr';
const CITIZEN = 'citoyen@demo.ville-ouverte.fr';

/** The first link on the page whose path matches, as an absolute URL. */
async function firstLink(page: Page, pattern: RegExp): Promise<string | null> {
  const hrefs = await page
    .locator('main a[href]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h): h is string => !!h && pattern.test(h));
  return href ? new URL(href, server.url).toString() : null;
}

beforeAll(async () => {
  server = await startServer({ demo: true });
});

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

describe('back office, as the demo administrator', () => {
  it('prints the demo accounts at start', () => {
    expect(demoAccountsFrom(server.output()).map((a) => a.email)).toEqual(
      expect.arrayContaining([ADMIN, CITIZEN]),
    );
  });

  it('every /admin page passes axe', async () => {
    const page = await newPage();
    try {
      await signIn(page, server, demoAccount(server, ADMIN));
      const visit = async (url: string, name: string) => {
        const response = await page.goto(url.startsWith('http') ? url : `${server.url}${url}`);
        expect(response?.status(), `${name} (${url})`).toBe(200);
        expect(await page.locator('h1').count(), `one h1 on ${url}`).toBe(1);
        await auditPage(page, `backoffice-${name}`);
      };

      await visit('/admin', 'dashboard');
      await visit('/admin/directions', 'directorates');
      const directorate = await firstLink(page, /^\/admin\/directions\/[^/]+$/);
      expect(directorate, 'the demo has directorates').toBeTruthy();
      await visit(directorate as string, 'directorate');
      await visit('/admin/services', 'services');
      const service = await firstLink(page, /^\/admin\/services\/(?!nouveau)[^/]+$/);
      expect(service, 'the demo has services').toBeTruthy();
      await visit(service as string, 'service');
      await visit('/admin/services/nouveau', 'service-new');
      await visit('/admin/agents', 'agents');
      await visit('/admin/territoires', 'areas');
      await visit('/admin/audit', 'audit');
      await visit('/admin/permissions', 'permissions');
      await visit('/admin/courriels', 'outbox');
    } finally {
      await closePage(page);
    }
  });

  it('every link inside the back office leads to a page that passes axe', async () => {
    const page = await newPage();
    const queue = ['/admin'];
    // One page per shape of address: /admin/services/<id> is visited for one service, not all.
    const shape = (path: string) =>
      path
        .replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/|$)/gi, '/:id')
        .replace(/\/[^/]*\d[^/]*\.eml(?=\/|$)/g, '/:file')
        .replace(/\/\d+(?=\/|$)/g, '/:n')
        .replace(/\/[A-Z]+-\d{4}-\d+(?=\/|$)/g, '/:ref');
    const seen = new Set(queue.map(shape));
    const broken: string[] = [];
    let visited = 0;
    try {
      await signIn(page, server, demoAccount(server, ADMIN));
      while (queue.length > 0 && visited < 40) {
        const path = queue.shift() as string;
        visited++;
        const response = await page.goto(`${server.url}${path}`);
        if (!response || response.status() >= 400) {
          broken.push(`${path} → ${response?.status()}`);
          continue;
        }
        await auditPage(page, `backoffice-crawl${path.replace(/[^a-z0-9]+/gi, '-')}`);
        const hrefs = await page
          .locator('main a[href]')
          .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
        for (const href of hrefs) {
          const url = new URL(href, `${server.url}${path}`);
          // Back-office pages only, one visit per path; a mail's raw HTML part is not a page.
          if (url.origin !== new URL(server.url).origin || !url.pathname.startsWith('/admin')) continue;
          if (url.pathname.endsWith('/html') || seen.has(shape(url.pathname))) continue;
          seen.add(shape(url.pathname));
          // A file (a CSV export) is fetched with its query string, not opened as a page.
          if (isDownload(url.pathname)) {
            const file = await page.request.get(url.href);
            if (file.status() >= 400) broken.push(`${url.pathname}${url.search} → ${file.status()}`);
            continue;
          }
          queue.push(url.pathname);
        }
      }
    } finally {
      await closePage(page);
    }
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
    expect(visited).toBeGreaterThan(5);
    // Forty full-page screenshots and audits: minutes on a slow, shared CI machine.
  }, 240_000);

  it('a back-office form without JavaScript: a bad entry comes back with its errors (422), then saves', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await signIn(page, server, demoAccount(server, ADMIN));
      await page.goto(`${server.url}/admin/directions`);
      const form = page.locator('main form[action="/admin/directions"]');
      await expect(form.count()).resolves.toBe(1);
      const [invalid] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/admin/directions')),
        form.locator('button[type="submit"]').click(),
      ]);
      expect(invalid.status()).toBe(422);
      await page.waitForLoadState('load');
      await expect(page.locator('.error-summary a[href^="#field-"]').count()).resolves.toBeGreaterThan(0);
      await auditPage(page, 'backoffice-directorate-error');

      const code = `E2E${Date.now().toString(36).toUpperCase()}`.slice(0, 10);
      await page.fill('main form[action="/admin/directions"] input[name="code"]', code);
      await page.fill('main form[action="/admin/directions"] input[name="name"]', 'Direction des essais');
      const [saved] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/admin/directions')),
        page.locator('main form[action="/admin/directions"] button[type="submit"]').click(),
      ]);
      expect(saved.status()).toBe(303);
      await page.waitForLoadState('load');
      await expect(page.locator('main').textContent()).resolves.toContain('Direction des essais');

      // And the audit log says so.
      await page.goto(`${server.url}/admin/audit`);
      await expect(page.locator('main').textContent()).resolves.toContain(code);
    } finally {
      await closePage(page);
    }
  });
});

describe('back office, kept closed', () => {
  it('a visitor is sent to sign in', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await page.goto(`${server.url}/admin/directions`);
      expect(new URL(page.url()).pathname).toBe('/connexion');
    } finally {
      await closePage(page);
    }
  });

  it('a citizen gets an accessible 403 page', async () => {
    const page = await newPage();
    try {
      await signIn(page, server, demoAccount(server, CITIZEN));
      const response = await page.goto(`${server.url}/admin`);
      expect(response?.status()).toBe(403);
      await auditPage(page, 'backoffice-forbidden');
      const audit = await page.goto(`${server.url}/admin/audit`);
      expect(audit?.status()).toBe(403);
    } finally {
      await closePage(page);
    }
  });
});

describe('the outbox, open to everyone in demo mode', () => {
  it('a sign-in link asked for the demo citizen can be read there and used', async () => {
    const page = await newPage();
    try {
      await page.goto(`${server.url}/connexion/lien`);
      await page.fill('main input[name="email"]', CITIZEN);
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/connexion/lien')),
        page.locator('main form[action="/connexion/lien"] button[type="submit"]').click(),
      ]);
      const mail = await waitForMail(server.dataDir, CITIZEN);
      const link = linkInMail(mail, server.url, /^\/connexion\/lien\/./);

      await page.goto(`${server.url}/admin/courriels`);
      await auditPage(page, 'backoffice-outbox-with-mail');
      const message = await firstLink(page, /^\/admin\/courriels\/[^/]+$/);
      expect(message, 'the outbox lists the mail').toBeTruthy();
      const opened = await page.goto(message as string);
      expect(opened?.status()).toBe(200);
      await expect(page.locator('main').textContent()).resolves.toContain(new URL(link).pathname);
      await auditPage(page, 'backoffice-outbox-message');

      await page.goto(link);
      await Promise.all([
        page.waitForURL(/\/compte$/, { waitUntil: 'load' }),
        page.locator(`main form[action="${new URL(link).pathname}"] button[type="submit"]`).click(),
      ]);
      await expect(page.locator('.account-menu').textContent()).resolves.toContain('Jean Citoyen');
    } finally {
      await closePage(page);
    }
  });
});
