/**
 * Back office without JavaScript: the routing form of a campaign (one select per theme, 303,
 * 422 with the choices kept, 403 for others) and the CSV export of the study.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../../backoffice/test/helpers.js';
import { DEFAULT_THEME_DIRECTORATES, routeField, THEMES, UNROUTED } from '../campaign.domain.js';
import { listThemeRoutes } from '../campaigns.store.js';
import { directorateId, makeCampaign } from './fixtures.js';

let t: TestApp;
let campaign: Awaited<ReturnType<typeof makeCampaign>>;
let admin: Awaited<ReturnType<typeof signedInBrowser>>;
let citizen: Awaited<ReturnType<typeof signedInBrowser>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  campaign = await makeCampaign(t.core, 'study', { slug: 'etudiee' });
  admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
  citizen = await signedInBrowser(t.app, t.core);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const PAGE = '/admin/budget/campagnes/etudiee';

async function routingForm(changes: Record<string, string> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const theme of THEMES)
    out[routeField(theme)] = await directorateId(t.core, DEFAULT_THEME_DIRECTORATES[theme]);
  return { ...out, ...changes };
}

describe('routing form', () => {
  it('shows one select per theme with the campaign map selected', async () => {
    const page = await admin.browser.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="${PAGE}/orientation"`);
    for (const theme of THEMES) expect(page.body).toContain(`name="route-${theme}"`);
    const deve = await directorateId(t.core, 'DEVE');
    expect(page.body).toMatch(
      new RegExp(
        `<select[^>]*name="route-environnement"[^>]*>(?:(?!</select>).)*value="${deve}" selected`,
        's',
      ),
    );
    expect(page.body).toContain('restent à la direction qui les a reçues');
  });

  it('saves a map (303) and keeps the choices on a 422', async () => {
    const dvd = await directorateId(t.core, 'DVD');
    const bad = await admin.browser.post(
      `${PAGE}/orientation`,
      await routingForm({
        'route-environnement': dvd,
        'route-sport': '<script>alert(1)</script>',
        'route-culture': '',
      }),
      { csrfFrom: PAGE },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-route-sport"');
    expect(bad.body).toContain('href="#field-route-culture"');
    expect(bad.body).toContain('Cette direction n’existe pas');
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    // What was chosen is kept.
    expect(bad.body).toMatch(
      new RegExp(
        `<select[^>]*name="route-environnement"[^>]*>(?:(?!</select>).)*value="${dvd}" selected`,
        's',
      ),
    );
    expect((await listThemeRoutes(t.core.db, campaign.id)).get('environnement')).toBe(
      await directorateId(t.core, 'DEVE'),
    );

    const saved = await admin.browser.post(
      `${PAGE}/orientation`,
      await routingForm({ 'route-environnement': dvd, 'route-sport': UNROUTED }),
      { csrfFrom: PAGE },
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(PAGE);
    const routes = await listThemeRoutes(t.core.db, campaign.id);
    expect(routes.get('environnement')).toBe(dvd);
    expect(routes.has('sport')).toBe(false);
  });

  it('refuses a post without the CSRF token and people who do not manage campaigns', async () => {
    const noToken = await admin.browser.post(`${PAGE}/orientation`, await routingForm(), { csrf: false });
    expect(noToken.statusCode).toBe(403);
    const forbidden = await citizen.browser.post(`${PAGE}/orientation`, await routingForm(), {
      csrf: false,
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
