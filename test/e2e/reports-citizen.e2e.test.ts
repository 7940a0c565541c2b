/**
 * A citizen reports a problem in a real browser, with JavaScript on (position from the
 * browser, live category filter) and off (address + arrondissement, server-side search):
 * form → (duplicates step when the demo has one nearby) → confirmation → report page.
 * Axe audits every page (RGAA 4 + WCAG 2.1 AA); each page is photographed at 1280 and 375 px.
 * Map tiles come from outside: they are refused, the arrondissement outlines still draw.
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditPage, closeBrowser, closePage, newPage, type ServerProcess, startServer } from './harness.js';

const MEGOTS = '3405'; // Propreté › Malpropreté du sol › Mégots (no extra question)
const MEUBLES = '1002'; // Objets abandonnés › Meubles… (a choice question: the volume)

/** A phone photo taken place de la Contrescarpe (5e): its EXIF says where. */
async function photoWithPosition() {
  const buffer = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a8c5a' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestPhone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 50/1 3905/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 20/1 5809/100',
      },
    })
    .toBuffer();
  return { name: 'IMG_0042.JPG', mimeType: 'image/jpeg', buffer };
}

let server: ServerProcess;

// Each test goes through several pages, each photographed and audited: on a busy machine that
// takes more than the default minute.
vi.setConfig({ testTimeout: 180_000 });

beforeAll(async () => {
  // The demo seeds 3,000 reports first: on a busy machine that takes more than the default wait.
  server = await startServer({ readyTimeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

async function offline(page: Page) {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
}

/** Sends the form; goes through the duplicates step if the demo has an open report close by. */
async function send(page: Page, shot: (step: string) => string): Promise<string> {
  await Promise.all([
    page.waitForURL(/\/signalements\/(merci\/|nouveau)/, { waitUntil: 'load' }),
    page.locator('main form.report-form button[name="action"][value="submit"]').click(),
  ]);
  if (new URL(page.url()).pathname === '/signalements/nouveau') {
    await expect(page.locator('h1').textContent()).resolves.toContain('Déjà signalé');
    await auditPage(page, shot('02-duplicates'));
    await Promise.all([
      page.waitForURL(/\/signalements\/merci\//, { waitUntil: 'load' }),
      page.locator('main button[name="action"][value="submit"]').click(),
    ]);
  }
  const reference = /\/signalements\/merci\/(DMR-\d{4}-\d+)$/.exec(page.url())?.[1];
  expect(reference).toBeTruthy();
  return reference ?? '';
}

describe('reporting a problem', () => {
  it('with JavaScript: my position, live category filter, confirmation, report page', async () => {
    const shot = (step: string) => `reports-js-${step}`;
    const page = await newPage({ javaScript: true });
    try {
      await offline(page);
      await page.context().grantPermissions(['geolocation'], { origin: server.url });
      await page.context().setGeolocation({ latitude: 48.84453, longitude: 2.35623 });
      const form = await page.goto(`${server.url}/signalements/nouveau`);
      expect(form?.status()).toBe(200);
      await expect(page.locator('.report-picker__canvas.leaflet-container').count()).resolves.toBe(1);
      await page.locator('button[data-locate]').click();
      await page.waitForFunction(
        () => (document.querySelector('#field-lat') as HTMLInputElement).value !== '',
      );
      expect(await page.inputValue('#field-lat')).toBe('48.844530');
      expect(await page.inputValue('#field-lon')).toBe('2.356230');

      // The live filter: typing narrows the tree without sending the form.
      await page.fill('#field-q', 'megots');
      await page.waitForFunction(
        (id) =>
          document.querySelector<HTMLElement>(`input[value="${id}"]`)?.closest<HTMLElement>('[data-search]')
            ?.hidden === false,
        MEGOTS,
      );
      await expect(page.locator('input[name="categoryId"][value="1006"]').isVisible()).resolves.toBe(false);
      await page.check(`input[name="categoryId"][value="${MEGOTS}"]`);
      await page.fill('#field-description', 'Des centaines de mégots devant l’entrée du métro.');
      await page.fill('#field-email', `camille.${Date.now()}@example.org`);
      await auditPage(page, shot('01-form'));

      const reference = await send(page, shot);
      await expect(page.locator('.panel__reference').textContent()).resolves.toBe(reference);
      await auditPage(page, shot('03-thanks'));

      await Promise.all([
        page.waitForURL(new RegExp(`/signalements/${reference}$`), { waitUntil: 'load' }),
        page.locator(`main a[href="/signalements/${reference}"]`).first().click(),
      ]);
      await expect(page.locator('h1').textContent()).resolves.toContain(reference);
      await expect(page.locator('main').textContent()).resolves.toContain('Mégots');
      await expect(page.locator('main').textContent()).resolves.not.toContain('camille.');
      await auditPage(page, shot('04-report'));

      // The map of reports draws clusters from the API.
      await page.goto(`${server.url}/signalements/carte`);
      await page.waitForSelector('.report-cluster, .leaflet-interactive', { timeout: 15_000 });
      await auditPage(page, shot('05-map'));
    } finally {
      await closePage(page);
    }
  });

  it('without JavaScript: address and arrondissement, server-side search, confirmation, report page', async () => {
    const shot = (step: string) => `reports-nojs-${step}`;
    const page = await newPage({ javaScript: false });
    try {
      // The search box works as a plain link too.
      const form = await page.goto(`${server.url}/signalements/nouveau?q=megots`);
      expect(form?.status()).toBe(200);
      await expect(page.locator('.report-picker__canvas').isVisible()).resolves.toBe(false);
      await page.fill('#field-address', '4 place du Panthéon');
      await page.selectOption('#field-arrondissement', '5');
      await page.fill('#field-description', 'Mégots <b>partout</b> autour des bancs.');
      // A mistake first: no category chosen; the form comes back with everything typed.
      const [refused] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/signalements/nouveau'),
        ),
        page.locator('main form.report-form button[name="action"][value="submit"]').click(),
      ]);
      expect(refused.status()).toBe(422);
      await page.waitForLoadState('load');
      expect(await page.inputValue('#field-address')).toBe('4 place du Panthéon');
      expect(await page.inputValue('#field-arrondissement')).toBe('5');
      expect(await page.inputValue('#field-description')).toBe('Mégots <b>partout</b> autour des bancs.');
      await expect(page.locator('a[href="#field-categoryId"]').count()).resolves.toBe(1);
      await auditPage(page, shot('01-form-error'));

      await page.check(`input[name="categoryId"][value="${MEGOTS}"]`);
      const reference = await send(page, shot);
      await auditPage(page, shot('03-thanks'));
      await page.goto(`${server.url}/signalements/${reference}`);
      await expect(page.locator('main').textContent()).resolves.toContain('Mégots <b>partout</b>');
      await expect(page.locator('main').textContent()).resolves.toContain('4 place du Panthéon');
      await auditPage(page, shot('04-report'));

      await page.goto(`${server.url}/signalements?arrondissement=5`);
      await expect(page.locator('main').textContent()).resolves.toContain(reference);
      await auditPage(page, shot('05-list'));
      await page.goto(`${server.url}/signalements/carte?arrondissement=5`);
      await auditPage(page, shot('06-map-fallback'));
    } finally {
      await closePage(page);
    }
  });

  it('looks right on a phone (375 px), with and without JavaScript', async () => {
    for (const javaScript of [true, false]) {
      const page = await newPage({ javaScript, width: 375, height: 800 });
      try {
        await offline(page);
        const label = javaScript ? 'js' : 'nojs';
        await page.goto(`${server.url}/signalements/nouveau?q=megots`);
        await auditPage(page, `reports-375-${label}-form`);
        await page.goto(`${server.url}/signalements`);
        await auditPage(page, `reports-375-${label}-list`);
        const first = await page
          .locator('main table a[href^="/signalements/DMR-"]')
          .first()
          .getAttribute('href');
        expect(first).toBeTruthy();
        await page.goto(`${server.url}${first}`);
        await auditPage(page, `reports-375-${label}-report`);
      } finally {
        await closePage(page);
      }
    }
  });
});

describe('the photo’s position, the answers, day-first dates', () => {
  it('with JavaScript: a photo that knows where it was taken offers its position on the map', async () => {
    const page = await newPage({ javaScript: true });
    try {
      await offline(page);
      await page.goto(`${server.url}/signalements/nouveau?q=megots`);
      await expect(page.locator('[data-photo-position-offer]').isVisible()).resolves.toBe(false);
      await page.setInputFiles('input[type="file"][name="photos"]', await photoWithPosition());
      const button = page.locator('button[data-use-photo-position]');
      await button.waitFor({ state: 'visible' });
      await expect(button.textContent()).resolves.toBe(
        'Utiliser la position de la photo (48.84418, 2.34947)',
      );
      await auditPage(page, 'reports-js-06-photo-offer');
      await button.click();
      await expect(page.inputValue('#field-lat')).resolves.toBe('48.844181');
      await expect(page.inputValue('#field-lon')).resolves.toBe('2.349469');
      await expect(page.locator('[data-picker-status]').textContent()).resolves.toContain('48.844181');
      await auditPage(page, 'reports-js-07-photo-placed');
    } finally {
      await closePage(page);
    }
  });

  it('without JavaScript: the form asks about the photo’s position; the report shows the answer to its question', async () => {
    const shot = (step: string) => `reports-nojs-photo-${step}`;
    const page = await newPage({ javaScript: false });
    try {
      await page.goto(`${server.url}/signalements/nouveau?categoryId=${MEUBLES}`);
      await page.check('input[name="attr_volume"][value="medium"]');
      await page.fill('#field-description', 'Une armoire et deux chaises sur le trottoir.');
      await page.setInputFiles('input[type="file"][name="photos"]', await photoWithPosition());
      const [offered] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/signalements/nouveau'),
        ),
        page.locator('main form.report-form button[name="action"][value="submit"]').click(),
      ]);
      expect(offered.status()).toBe(200);
      await page.waitForLoadState('load');
      await expect(page.locator('main').textContent()).resolves.toContain('Votre photo indique un lieu');
      expect(await page.isChecked('input[name="attr_volume"][value="medium"]')).toBe(true);
      await auditPage(page, shot('01-offer'));
      await page.check('input[name="usePhotoPosition"][value="1"]');
      const reference = await send(page, shot);
      await page.goto(`${server.url}/signalements/${reference}`);
      await expect(page.locator('main').textContent()).resolves.toContain('Précisions');
      await expect(page.locator('main').textContent()).resolves.toContain('De 1 à 3 m³ (plusieurs meubles)');
      await expect(page.locator('main').textContent()).resolves.toContain('Panthéon ·');
      await auditPage(page, shot('03-report'));
    } finally {
      await closePage(page);
    }
  });

  it('filters the list with dates typed day first, even in an English browser', async () => {
    const page = await newPage({ javaScript: true, locale: 'en-US' });
    try {
      await offline(page);
      await page.goto(`${server.url}/signalements?from=01/01/2025&to=31/12/2030`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.getAttribute('#field-from', 'type')).toBe('text');
      expect(await page.inputValue('#field-to')).toBe('31/12/2030');
      await expect(page.locator('#field-from-hint').textContent()).resolves.toContain('dd/mm/yyyy');
      await expect(page.locator('.error-summary').count()).resolves.toBe(0);
      await auditPage(page, 'reports-js-08-list-dates');
      await page.fill('#field-to', '12/31/2030');
      await Promise.all([
        page.waitForURL(/to=12%2F31%2F2030/, { waitUntil: 'load' }),
        page.locator('form.report-filters button').click(),
      ]);
      await expect(page.locator('.error-summary a[href="#field-to"]').count()).resolves.toBe(1);
      await auditPage(page, 'reports-js-09-list-date-error');
    } finally {
      await closePage(page);
    }
  });
});
