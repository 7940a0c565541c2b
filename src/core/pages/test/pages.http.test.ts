import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { SESSION_COOKIE } from '../../auth/sessions.js';
import { LOCALE_COOKIE } from '../../i18n/i18n.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function createUser(options: { admin?: boolean; name?: string } = {}) {
  const user = await t.core.db
    .insertInto('account_user')
    .values({
      email: `person-${Math.random().toString(36).slice(2)}@example.org`,
      email_verified_at: new Date(),
      password_hash: null,
      display_name: options.name ?? 'Camille Martin',
      is_admin: options.admin ?? false,
      deleted_at: null,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  const token = await t.core.sessions.create(user.id);
  return { id: user.id, cookie: `${SESSION_COOKIE}=${token}` };
}

describe('home page', () => {
  it('is a complete French page with a skip link, the city name and the conformity mention', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toMatch(/^<!doctype html><html lang="fr">/);
    expect(response.body).toContain('<a class="skip-link" href="#main">Aller au contenu</a>');
    expect(response.body).toContain('id="main"');
    expect(response.body).toContain(t.config.city.name);
    expect(response.body).toContain('Accessibilité : partiellement conforme');
    expect(response.body).toContain('href="/inscription"');
    expect(response.body).toContain('href="/connexion"');
    // The theme stylesheet comes before app.css so that app.css can rely on its tokens.
    expect(response.body.indexOf('/theme.css?v=')).toBeLessThan(response.body.indexOf('/assets/app.'));
  });

  it('speaks English to a browser that asks for it', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/',
      headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' },
    });
    expect(response.body).toMatch(/<html lang="en">/);
    expect(response.body).toContain('Skip to content');
    expect(response.body).toContain('Accessibility: partially compliant');
  });

  it('shows a signed-in person their name, their account and a CSRF-protected sign-out form', async () => {
    const user = await createUser({ name: 'Ada <b>Lovelace</b>' });
    const response = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: user.cookie } });
    expect(response.body).toContain('Ada &lt;b>Lovelace&lt;/b>');
    expect(response.body).not.toContain('<b>Lovelace</b>');
    expect(response.body).toContain('href="/compte"');
    expect(response.body).toMatch(
      /<form method="post" action="\/deconnexion"><input type="hidden" name="_csrf" value="[^"]+"/,
    );
    // Not an agent: no back-office link.
    expect(response.body).not.toContain('href="/admin"');
  });

  it('gives agents a link to the back office', async () => {
    const admin = await createUser({ admin: true });
    const response = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: admin.cookie } });
    expect(response.body).toContain('<a href="/admin">Back office</a>');
  });

  it('sends a strict content security policy, without unsafe-inline', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.body).not.toMatch(/\sstyle="/);
    expect(response.body).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('escapes HTML that arrives in the URL', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/plan-du-site?q=<script>alert(1)</script>' });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>alert(1)');
  });
});

describe('theme', () => {
  it('serves the city colours as CSS custom properties, cacheable', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/theme.css?v=x' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/css');
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    expect(response.body).toContain(`--vo-accent:${t.config.city.colours.accent}`);
    expect(response.body).toMatch(/--vo-primary:#[0-9a-f]{6}/);
  });
});

describe('pattern library', () => {
  it('shows every component with its name', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/design' });
    expect(response.statusCode).toBe(200);
    for (const name of [
      'ErrorSummary',
      'Field',
      'Radios',
      'Checkboxes',
      'Select',
      'DateInput',
      'FileUpload',
      'ButtonLink',
      'Tag',
      'SummaryList',
      'Table',
      'Pagination',
      'Banner',
      'Breadcrumbs',
      'Card',
      'Details',
      'MapView',
      'Panel',
    ]) {
      expect(response.body, name).toMatch(new RegExp(`<code>[^<]*\\b${name}\\b`));
    }
    expect(response.body).toContain('<legend class="fieldset__legend">');
    expect(response.body).toContain('<caption>');
    expect(response.body).toContain('<th scope="col"');
    expect(response.body).toContain('<details class="details">');
    expect(response.body).toContain('data-char-count="field-demo-description-count"');
    expect(response.body).toContain('data-map');
    const ids = [...response.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // The example error summary must not steal the focus of the page.
    expect(response.body).not.toContain('data-autofocus');
  });

  it('is translated', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/design',
      headers: { 'accept-language': 'en' },
    });
    expect(response.body).toContain('<h1>Design system</h1>');
  });

  it('keeps the query string in the pagination and marks the current page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/design?page=5&x=1' });
    expect(response.body).toContain('href="/design?page=6&amp;x=1"');
    expect(response.body).toMatch(/href="\/design\?page=5&amp;x=1" aria-current="page"/);
  });
});

describe('public pages', () => {
  it.each([
    ['/accessibilite', 'Déclaration d’accessibilité'],
    ['/mentions-legales', 'Mentions légales'],
    ['/donnees-personnelles', 'Données personnelles'],
    ['/plan-du-site', 'Plan du site'],
  ])('%s answers 200 with its title', async (url, title) => {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<h1>${title}</h1>`);
    expect(response.body).toContain('aria-current="page"');
  });

  it('the accessibility statement gives the status, the tests, the contact and the recourse', async () => {
    const { body } = await t.app.inject({ method: 'GET', url: '/accessibilite' });
    expect(body).toContain('partiellement conforme');
    expect(body).toContain('axe-core');
    expect(body).toContain(`mailto:${t.config.city.contactEmail}`);
    expect(body).toContain('Défenseur des droits');
  });

  it('the personal data page names the rights: download and delete', async () => {
    const { body } = await t.app.inject({
      method: 'GET',
      url: '/donnees-personnelles',
      headers: { 'accept-language': 'en' },
    });
    expect(body).toContain('Download my data');
    expect(body).toContain('Delete my account');
  });

  it('renders error pages with the layout', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nowhere-at-all' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('<h1>Page introuvable</h1>');
    expect(response.body).toContain('Erreur 404');
    expect(response.body).toContain('class="skip-link"');
  });
});

describe('language switch', () => {
  it('sets the cookie for a year and goes back to the page', async () => {
    const browser = new Browser(t.app);
    const response = await browser.get('/langue/en?retour=%2Fdesign%3Fpage%3D2');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/design?page=2');
    const cookie = response.cookies.find((c) => c.name === LOCALE_COOKIE);
    expect(cookie?.value).toBe('en');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.maxAge).toBe(365 * 24 * 3600);
    expect(cookie?.path).toBe('/');
    const next = await browser.get('/');
    expect(next.body).toMatch(/<html lang="en">/);
    // The header links back to the current page.
    expect(next.body).toContain('href="/langue/fr?retour=%2F"');
  });

  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', 'evil', '/\r\nSet-Cookie:x=1'])(
    'refuses to redirect elsewhere than this site (%s)',
    async (retour) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/langue/fr?retour=${encodeURIComponent(retour)}`,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/');
    },
  );

  it('goes home without a return path', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/langue/fr' });
    expect(response.headers.location).toBe('/');
  });

  it('answers 400 to an unknown language and changes nothing', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'GET',
      url: '/langue/de?retour=/',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('Cette langue n’est pas disponible');
    expect(response.cookies.find((c) => c.name === LOCALE_COOKIE)).toBeUndefined();
    const row = await t.core.db
      .selectFrom('account_user')
      .select('locale')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.locale).toBe('fr');
  });

  it('saves the choice on the account of a signed-in person, and audits it', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'GET',
      url: '/langue/en?retour=/compte',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/compte');
    const row = await t.core.db
      .selectFrom('account_user')
      .select('locale')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.locale).toBe('en');
    const audit = await t.core.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id'])
      .where('object_id', '=', user.id)
      .execute();
    expect(audit).toEqual([{ action: 'account.locale_changed', actor_id: user.id }]);
    // The account's language now wins over the browser's.
    const page = await t.app.inject({
      method: 'GET',
      url: '/',
      headers: { cookie: user.cookie, 'accept-language': 'fr' },
    });
    expect(page.body).toMatch(/<html lang="en">/);
  });
});
