/**
 * A citizen opens an account, with JavaScript on and with JavaScript off: sign-up, the
 * confirmation mail, the link, confirmation, the account page, sign-out. Axe audits every
 * page of the way (RGAA 4 + WCAG 2.1 AA) and each page is photographed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  closeBrowser,
  closePage,
  linkInMail,
  newPage,
  type ServerProcess,
  startServer,
  waitForMail,
} from './harness.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ demo: false });
});

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

describe.each([
  { javaScript: true, label: 'js' },
  { javaScript: false, label: 'nojs' },
])('accounts with JavaScript $label', ({ javaScript, label }) => {
  it('sign up, confirm by mail, see the account, sign out', async () => {
    const email = `camille.${label}.${Date.now()}@example.org`;
    const password = 'Un-mot-de-passe-bien-long-2026';
    const shot = (step: string) => `accounts-${label}-${step}`;
    const page = await newPage({ javaScript });
    try {
      // Sign-up page.
      const signUp = await page.goto(`${server.url}/inscription`);
      expect(signUp?.status()).toBe(200);
      await auditPage(page, shot('01-signup'));

      // A mistake first: the form comes back with an error summary linked to the field.
      await page.fill('input[name="display_name"]', 'Camille Martin');
      await page.fill('input[name="email"]', 'pas-une-adresse');
      await page.fill('input[name="password"]', password);
      const [invalid] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/inscription')),
        page.locator('main form[action="/inscription"] button[type="submit"]').click(),
      ]);
      expect(invalid.status()).toBe(422);
      await page.waitForLoadState('load');
      expect(await page.inputValue('input[name="display_name"]')).toBe('Camille Martin');
      expect(await page.inputValue('input[name="password"]')).toBe('');
      await expect(page.locator('a[href="#field-email"]').count()).resolves.toBeGreaterThan(0);
      await auditPage(page, shot('02-signup-error'));

      // Then right.
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      const [accepted] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/inscription')),
        page.locator('main form[action="/inscription"] button[type="submit"]').click(),
      ]);
      expect(accepted.status()).toBeLessThan(400);
      await page.waitForLoadState('load');
      await expect(page.locator('h1').textContent()).resolves.toBeTruthy();
      await expect(page.locator('.error-summary, [role="alert"]').count()).resolves.toBe(0);
      await auditPage(page, shot('03-check-mail'));

      // The confirmation mail, in the outbox.
      const mail = await waitForMail(server.dataDir, email);
      const link = linkInMail(mail, server.url, /^\/inscription\/confirmer\//);

      // The link opens a page with a button: mail scanners that follow links confirm nothing.
      const confirmPage = await page.goto(link);
      expect(confirmPage?.status()).toBe(200);
      await auditPage(page, shot('04-confirm'));
      await Promise.all([
        page.waitForURL(/\/compte$/, { waitUntil: 'load' }),
        page.locator(`main form[action="${new URL(link).pathname}"] button[type="submit"]`).click(),
      ]);

      // Signed in, on the account page.
      await expect(page.locator('.account-menu').textContent()).resolves.toContain('Camille Martin');
      expect(await page.inputValue('input[name="display_name"]')).toBe('Camille Martin');
      await auditPage(page, shot('05-account'));

      // Sign out, from the header.
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/', { waitUntil: 'load' }),
        page.locator('form[action="/deconnexion"] button[type="submit"]').first().click(),
      ]);
      await expect(page.locator('form[action="/deconnexion"]').count()).resolves.toBe(0);
      await auditPage(page, shot('06-signed-out'));

      // The account page now asks to sign in.
      await page.goto(`${server.url}/compte`);
      expect(new URL(page.url()).pathname).toBe('/connexion');
      await auditPage(page, shot('07-signin'));

      // And signing in with the password works.
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      await Promise.all([
        page.waitForURL(/\/compte$/, { waitUntil: 'load' }),
        page.locator('main form[action="/connexion"] button[type="submit"]').click(),
      ]);
      await expect(page.locator('.account-menu').textContent()).resolves.toContain('Camille Martin');
    } finally {
      await closePage(page);
    }
  });
});

describe('forgotten password, without JavaScript', () => {
  it('asks for a link, sets a new password, is signed in; the link then no longer works', async () => {
    const email = `dominique.reset.${Date.now()}@example.org`;
    const page = await newPage({ javaScript: false });
    try {
      // An account to forget the password of: signed up and confirmed.
      await page.goto(`${server.url}/inscription`);
      await page.fill('input[name="display_name"]', 'Dominique Oubli');
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', 'Le-premier-mot-de-passe-1');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/inscription')),
        page.locator('main form[action="/inscription"] button[type="submit"]').click(),
      ]);
      const confirmLink = linkInMail(
        await waitForMail(server.dataDir, email),
        server.url,
        /^\/inscription\/confirmer\//,
      );
      await page.goto(confirmLink);
      await Promise.all([
        page.waitForURL(/\/compte$/, { waitUntil: 'load' }),
        page.locator(`main form[action="${new URL(confirmLink).pathname}"] button[type="submit"]`).click(),
      ]);
      await page.context().clearCookies();

      // The request.
      await page.goto(`${server.url}/mot-de-passe-oublie`);
      await auditPage(page, 'accounts-reset-01-request');
      await page.fill('main input[name="email"]', email);
      await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/mot-de-passe-oublie'),
        ),
        page.locator('main form[action="/mot-de-passe-oublie"] button[type="submit"]').click(),
      ]);
      const mail = await waitForMail(server.dataDir, email, {
        matching: (m) => m.links.some((l) => l.includes('/mot-de-passe-oublie/')),
      });
      const link = linkInMail(mail, server.url, /^\/mot-de-passe-oublie\/./);

      // The new password: too short first, then right.
      await page.goto(link);
      await auditPage(page, 'accounts-reset-02-new-password');
      const form = `main form[action="${new URL(link).pathname}"]`;
      await page.fill(`${form} input[name="password"]`, 'court');
      const [invalid] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === link),
        page.locator(`${form} button[type="submit"]`).click(),
      ]);
      expect(invalid.status()).toBe(422);
      await page.waitForLoadState('load');
      await auditPage(page, 'accounts-reset-03-error');
      await page.fill(`${form} input[name="password"]`, 'Le-nouveau-mot-de-passe-2');
      await Promise.all([
        page.waitForURL(/\/compte$/, { waitUntil: 'load' }),
        page.locator(`${form} button[type="submit"]`).click(),
      ]);
      await expect(page.locator('.account-menu').textContent()).resolves.toContain('Dominique Oubli');

      // Used once: the link now says it is no longer valid.
      const reused = await page.goto(link);
      expect(reused?.status()).toBe(410);
      await auditPage(page, 'accounts-reset-04-link-used');
    } finally {
      await closePage(page);
    }
  });
});
