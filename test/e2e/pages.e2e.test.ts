/**
 * The public pages every city has: axe finds nothing on them at a phone's width and at a
 * desktop's, in French and in English; the language switch works without JavaScript; the
 * skip link comes first; the small-screen menu opens with JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  closeBrowser,
  closePage,
  isDownload,
  newPage,
  type ServerProcess,
  startServer,
} from './harness.js';

const pages = [
  { name: 'home', path: '/', status: 200 },
  { name: 'design', path: '/design', status: 200 },
  { name: 'accessibility', path: '/accessibilite', status: 200 },
  { name: 'legal', path: '/mentions-legales', status: 200 },
  { name: 'personal-data', path: '/donnees-personnelles', status: 200 },
  { name: 'sitemap', path: '/plan-du-site', status: 200 },
  { name: 'not-found', path: '/cette-page-n-existe-pas', status: 404 },
];

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ demo: true });
});

afterAll(async () => {
  await closeBrowser();
  await server?.stop();
});

describe.each([375, 1280])('public pages at %ipx', (width) => {
  it.each(pages)('$name: one h1, French, zero axe violations', async ({ name, path, status }) => {
    const page = await newPage({ width });
    try {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status()).toBe(status);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('h1').count()).toBe(1);
      await expect(page.title()).resolves.toContain('Ville de Paris');
      await auditPage(page, `pages-${name}-${width}`);
    } finally {
      await closePage(page);
    }
  });
});

describe('language', () => {
  it('switches to English and back without JavaScript, and the choice sticks', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await page.goto(`${server.url}/accessibilite`);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      const frenchTitle = await page.locator('h1').textContent();

      await Promise.all([
        page.waitForURL((url) => url.pathname === '/accessibilite', { waitUntil: 'load' }),
        page.locator('.lang-switch a[hreflang="en"]').click(),
      ]);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('h1').textContent()).not.toBe(frenchTitle);
      await auditPage(page, 'pages-accessibility-en-nojs');

      // Another page: still English, from the cookie.
      await page.goto(`${server.url}/`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await auditPage(page, 'pages-home-en-nojs');
      await page.goto(`${server.url}/design`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await auditPage(page, 'pages-design-en-nojs');

      await Promise.all([
        page.waitForURL((url) => url.pathname === '/design', { waitUntil: 'load' }),
        page.locator('.lang-switch a[hreflang="fr"]').click(),
      ]);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
    } finally {
      await closePage(page);
    }
  });

  it('a return address elsewhere is not followed (no open redirect)', async () => {
    const response = await fetch(
      `${server.url}/langue/en?retour=${encodeURIComponent('https://evil.example/')}`,
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    const location = new URL(response.headers.get('location') ?? '', server.url);
    expect(location.origin).toBe(server.url);
  });
});

describe('keyboard and small screens', () => {
  it('the first Tab reaches the skip link, which leads to the main content', async () => {
    const page = await newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLAnchorElement | null;
        return { tag: element?.tagName, href: element?.getAttribute('href') };
      });
      expect(focused.tag).toBe('A');
      const target = focused.href ?? '';
      expect(target.startsWith('#')).toBe(true);
      expect(await page.locator(target).count()).toBe(1);
      expect(await page.locator(`main${target}, ${target} main, main ${target}`).count()).toBeGreaterThan(0);
    } finally {
      await closePage(page);
    }
  });

  it('at 375px with JavaScript, the menu button opens the navigation', async () => {
    const page = await newPage({ width: 375 });
    try {
      await page.goto(`${server.url}/`);
      const toggle = page.locator('[data-nav-toggle]');
      await expect(toggle.isVisible()).resolves.toBe(true);
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await expect(page.locator('#main-nav a[href="/"]').isVisible()).resolves.toBe(true);
      await auditPage(page, 'pages-home-375-menu-open');
    } finally {
      await closePage(page);
    }
  });

  it('at 375px without JavaScript, every link stays reachable', async () => {
    const page = await newPage({ width: 375, javaScript: false });
    try {
      await page.goto(`${server.url}/`);
      await expect(page.locator('#main-nav a[href="/"]').isVisible()).resolves.toBe(true);
      await expect(page.locator('.lang-switch a[hreflang="en"]').isVisible()).resolves.toBe(true);
      await expect(page.locator('a[href="/connexion"]').first().isVisible()).resolves.toBe(true);
    } finally {
      await closePage(page);
    }
  });
});

describe('every page a visitor can reach', () => {
  it('follows every link from the home page and the site map: no broken link, zero axe violations', async () => {
    const page = await newPage({ javaScript: false });
    const origin = new URL(server.url).origin;
    // Pages already audited above at both widths, and links that are actions rather than pages.
    const audited = new Set(pages.map((p) => p.path));
    const skip = (path: string) =>
      path.startsWith('/assets/') || path.startsWith('/langue/') || path.startsWith('/api/docs');
    const queue = ['/', '/plan-du-site'];
    // One page per shape of address: /budget/2026/projets/17 stands for every project page.
    const shape = (path: string) =>
      path.replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/[A-Z]+-\d{4}-\d+(?=\/|$)/g, '/:ref');
    const seen = new Set(queue.map(shape));
    const broken: string[] = [];
    let visited = 0;
    try {
      while (queue.length > 0 && visited < 40) {
        const path = queue.shift() as string;
        visited++;
        const response = await page.goto(`${server.url}${path}`);
        if (!response || response.status() >= 400) {
          broken.push(`${path} → ${response?.status()}`);
          continue;
        }
        if (!audited.has(path) && (response.headers()['content-type'] ?? '').includes('text/html')) {
          await auditPage(page, `crawl${path.replace(/[^a-z0-9]+/gi, '-')}`);
        }
        const hrefs = await page
          .locator('a[href]')
          .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
        for (const href of hrefs) {
          if (href.startsWith('#') || href.startsWith('mailto:') || href.startsWith('tel:')) continue;
          const url = new URL(href, `${server.url}${path}`);
          if (url.origin !== origin) continue;
          // One visit per path: query strings only page or filter the same view.
          const next = url.pathname;
          if (skip(next) || seen.has(shape(next))) continue;
          seen.add(shape(next));
          // A file (results in Pabulib, open data) is fetched with its query string, not opened.
          if (isDownload(next)) {
            const file = await page.request.get(url.href);
            if (file.status() >= 400) broken.push(`${next}${url.search} → ${file.status()}`);
            continue;
          }
          queue.push(next);
        }
      }
    } finally {
      await closePage(page);
    }
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
    expect(visited).toBeGreaterThan(5);
    // Forty full-page screenshots and audits: minutes on a slow, shared CI machine.
  }, 240_000);
});
