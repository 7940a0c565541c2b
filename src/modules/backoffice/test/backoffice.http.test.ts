import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { loadViewer } from '../../../core/auth/viewer.js';
import { ForbiddenError } from '../../../core/http/errors.js';
import { OrgUseCases } from '../../../core/org/org.service.js';
import { postMultipart, signedInBrowser } from './helpers.js';

const arrondissements = readFileSync(
  path.resolve(import.meta.dirname, '../../../../resources/areas/paris_arrondissements.geojson'),
);

let t: TestApp;
let admin: Awaited<ReturnType<typeof signedInBrowser>>;
let citizen: Awaited<ReturnType<typeof signedInBrowser>>;

async function count(
  table: 'org_directorate' | 'org_service' | 'org_membership' | 'area_feature' | 'audit_event',
) {
  const row = await t.core.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInBrowser(t.app, t.core, { isAdmin: true, email: 'admin@paris.test' });
  citizen = await signedInBrowser(t.app, t.core, { email: 'citoyenne@example.test' });
});

afterAll(async () => {
  await t.close();
});

describe('who may enter', () => {
  it('sends signed-out people to the sign-in page and back', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/admin/directions' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?retour=%2Fadmin%2Fdirections');
  });

  it('refuses citizens with a 403 page on every back-office page', async () => {
    for (const url of [
      '/admin',
      '/admin/directions',
      '/admin/services',
      '/admin/agents',
      '/admin/territoires',
      '/admin/audit',
      '/admin/permissions',
    ]) {
      const response = await citizen.browser.get(url);
      expect(response.statusCode, url).toBe(403);
      expect(response.headers['content-type']).toContain('text/html');
    }
  });

  it('checks permissions in the service, not only in the route', async () => {
    const org = new OrgUseCases(t.core.db, t.core.permissions);
    const viewer = await loadViewer(t.core.db, citizen.userId);
    const before = await count('org_directorate');
    await expect(
      org.createDirectorate(viewer, { code: 'X', name: 'X' }, { userId: citizen.userId, label: 'test' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      t.core.areas.importLayer(
        viewer,
        { layerId: 'x', name: 'x', geojson: '{}', codeProperty: 'a', nameProperty: 'b' },
        { userId: null, label: 'test' },
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await count('org_directorate')).toBe(before);
  });

  it('shows the dashboard and the table of permissions to an administrator', async () => {
    const dashboard = await admin.browser.get('/admin');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Tableau de bord');
    const permissions = await admin.browser.get('/admin/permissions');
    expect(permissions.body).toContain('org.manage');
    expect(permissions.body).toContain('Gérer les directions, les services et leurs membres');
  });
});

describe('directorates and services', () => {
  let directorateId = '';

  it('creates a directorate (303) and shows it', async () => {
    const response = await admin.browser.post('/admin/directions', {
      code: 'DPE',
      name: 'Direction de la Propreté et de l’Eau',
      description: '',
    });
    expect(response.statusCode).toBe(303);
    directorateId =
      /\/admin\/directions\/([0-9a-f-]{36})$/.exec(response.headers.location as string)?.[1] ?? '';
    expect(directorateId).not.toBe('');
    const page = await admin.browser.get(`/admin/directions/${directorateId}`);
    expect(page.body).toContain('Direction de la Propreté et de l’Eau');
    expect(page.body).toContain('La direction a été créée.');
  });

  it('refuses bad input with 422, keeps what was typed, changes nothing', async () => {
    const before = await count('org_directorate');
    const empty = await admin.browser.post('/admin/directions', { code: 'DVD', name: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-name"');
    expect(empty.body).toContain('Indiquez un nom.');
    expect(empty.body).toContain('value="DVD"');
    const long = await admin.browser.post('/admin/directions', { code: 'DLONG', name: 'x'.repeat(10_000) });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('au plus 200 caractères');
    const duplicate = await admin.browser.post('/admin/directions', { code: 'dpe', name: 'Autre' });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.body).toContain('Ce code est déjà utilisé.');
    expect(await count('org_directorate')).toBe(before);
  });

  it('renders HTML typed in a name as text', async () => {
    const response = await admin.browser.post('/admin/directions', {
      code: 'HTML',
      name: '<script>alert(1)</script>',
    });
    expect(response.statusCode).toBe(303);
    const list = await admin.browser.get('/admin/directions');
    expect(list.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(list.body).not.toContain('<script>alert(1)');
  });

  it('creates a service in the directorate, filters by directorate', async () => {
    const created = await admin.browser.post(
      '/admin/services',
      { directorateId, code: 'DPE-5', name: 'Division du 5e', email: 'dpe5@paris.test', active: '1' },
      { csrfFrom: '/admin/services/nouveau' },
    );
    expect(created.statusCode).toBe(303);
    const filtered = await admin.browser.get(`/admin/services?direction=${directorateId}`);
    expect(filtered.body).toContain('Division du 5e');
    const bad = await admin.browser.post(
      '/admin/services',
      { directorateId: '', code: 'DPE-5', name: '', email: 'not-an-email' },
      { csrfFrom: '/admin/services/nouveau' },
    );
    expect(bad.statusCode).toBe(422);
    for (const fieldName of ['directorateId', 'code', 'name', 'email'])
      expect(bad.body).toContain(`href="#field-${fieldName}"`);
    expect(await count('org_service')).toBe(1);
  });

  it('adds an agent to the service by email, changes the role, refuses an unknown account', async () => {
    const service = await t.core.db.selectFrom('org_service').select('id').executeTakeFirstOrThrow();
    const agent = await signedInBrowser(t.app, t.core, { email: 'agent@paris.test' });
    const unknown = await admin.browser.post(
      '/admin/agents/membres',
      { email: 'nobody@paris.test', serviceId: service.id, role: 'agent' },
      { csrfFrom: '/admin/agents' },
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('Aucun compte n’utilise cette adresse.');
    const added = await admin.browser.post(
      '/admin/agents/membres',
      { email: 'AGENT@paris.test', serviceId: service.id, role: 'agent' },
      { csrfFrom: '/admin/agents' },
    );
    expect(added.statusCode).toBe(303);
    expect(await count('org_membership')).toBe(1);
    const promoted = await admin.browser.post(
      '/admin/agents/role',
      { userId: agent.userId, serviceId: service.id, role: 'manager' },
      { csrfFrom: '/admin/agents' },
    );
    expect(promoted.statusCode).toBe(303);
    const list = await admin.browser.get('/admin/agents');
    expect(list.body).toContain('agent@paris.test');
    expect(list.body).toContain('Responsable');
    // The agent may now enter the back office and read the organisation, but not change it.
    expect((await agent.browser.get('/admin/directions')).statusCode).toBe(200);
    expect((await agent.browser.post('/admin/directions', { code: 'NOPE', name: 'Nope' })).statusCode).toBe(
      403,
    );
  });
});

describe('areas', () => {
  it('imports the arrondissements through the back-office form', async () => {
    const response = await postMultipart(
      t.app,
      admin.browser,
      '/admin/territoires',
      { layerId: 'arrondissements', name: 'Arrondissements', codeProperty: 'c_ar', nameProperty: 'l_aroff' },
      { field: 'file', filename: 'paris_arrondissements.geojson', content: arrondissements },
      '/admin/territoires',
    );
    expect(response.statusCode).toBe(303);
    expect(await count('area_feature')).toBe(20);
    expect(response.headers.location).toBe('/admin/territoires');
    const page = await admin.browser.get('/admin/territoires');
    expect(page.body).toContain('/api/areas/arrondissements.geojson');
  });

  it('refuses a broken file with the reason, importing nothing', async () => {
    const before = await count('area_feature');
    const broken = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { c_ar: 1, l_aroff: 'A' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [2.3, 48.8],
                [2.4, 48.8],
                [2.4, 48.9],
                [2.3, 48.9],
              ],
            ],
          },
        },
      ],
    });
    const response = await postMultipart(
      t.app,
      admin.browser,
      '/admin/territoires',
      { layerId: 'arrondissements', name: 'Arrondissements', codeProperty: 'c_ar', nameProperty: 'l_aroff' },
      { field: 'file', filename: 'broken.geojson', content: broken },
      '/admin/territoires',
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Un contour de la zone n° 1 n’est pas fermé');
    expect(response.body).toContain('value="arrondissements"');
    expect(await count('area_feature')).toBe(before);
    const notJson = await postMultipart(
      t.app,
      admin.browser,
      '/admin/territoires',
      { layerId: 'x', name: 'X', codeProperty: 'c', nameProperty: 'n' },
      { field: 'file', filename: 'x.geojson', content: 'hello' },
      '/admin/territoires',
    );
    expect(notJson.statusCode).toBe(422);
    expect(notJson.body).toContain('n’est pas du JSON valide');
  });

  it('lists layers, serves them with an ETag and locates points', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/areas' });
    expect(list.statusCode).toBe(200);
    expect(list.json().layers).toEqual([
      expect.objectContaining({
        id: 'arrondissements',
        featureCount: 20,
        geojson: '/api/areas/arrondissements.geojson',
      }),
    ]);
    const layer = await t.app.inject({ method: 'GET', url: '/api/areas/arrondissements.geojson' });
    expect(layer.statusCode).toBe(200);
    expect(layer.headers['content-type']).toContain('application/geo+json');
    expect(layer.json().features).toHaveLength(20);
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/areas/arrondissements.geojson',
      headers: { 'if-none-match': layer.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect((await t.app.inject({ method: 'GET', url: '/api/areas/nowhere.geojson' })).statusCode).toBe(404);

    const eiffel = await t.app.inject({ method: 'GET', url: '/api/areas/locate?lat=48.8584&lon=2.2945' });
    expect(eiffel.statusCode).toBe(200);
    expect(eiffel.json().areas.arrondissements).toMatchObject({ code: '7', name: 'Palais-Bourbon' });
    const versailles = await t.app.inject({ method: 'GET', url: '/api/areas/locate?lat=48.8049&lon=2.1204' });
    expect(versailles.json().areas).toEqual({ arrondissements: null });
    const bad = await t.app.inject({ method: 'GET', url: '/api/areas/locate?lat=abc&lon=2.3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect((await t.app.inject({ method: 'GET', url: '/api/areas/locate?lat=95&lon=2.3' })).statusCode).toBe(
      400,
    );
  });

  it('lets a service cover areas chosen among the imported ones', async () => {
    const fifth = await t.core.db
      .selectFrom('area_feature')
      .select('id')
      .where('code', '=', '5')
      .executeTakeFirstOrThrow();
    const service = await t.core.db
      .selectFrom('org_service')
      .select(['id', 'directorate_id'])
      .executeTakeFirstOrThrow();
    const form = await admin.browser.get(`/admin/services/${service.id}`);
    expect(form.body).toContain('5 — Panthéon');
    const saved = await admin.browser.post(`/admin/services/${service.id}`, {
      directorateId: service.directorate_id,
      code: 'DPE-5',
      name: 'Division du 5e',
      email: '',
      areaIds: [fifth.id],
      active: '1',
    });
    expect(saved.statusCode).toBe(303);
    const row = await t.core.db
      .selectFrom('org_service')
      .select('area_ids')
      .where('id', '=', service.id)
      .executeTakeFirstOrThrow();
    expect(row.area_ids).toEqual([fifth.id]);
    const unknown = await admin.browser.post(`/admin/services/${service.id}`, {
      directorateId: service.directorate_id,
      code: 'DPE-5',
      name: 'Division du 5e',
      areaIds: ['00000000-0000-0000-0000-000000000000'],
    });
    expect(unknown.statusCode).toBe(422);
  });
});

describe('audit log', () => {
  it('lists the events newest first, and the filters work', async () => {
    const all = await admin.browser.get('/admin/audit');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('org.directorate_created');
    expect(all.body).toContain('areas.layer_imported');
    expect(all.body.indexOf('org.service_updated')).toBeLessThan(all.body.indexOf('org.directorate_created'));
    const byAction = await admin.browser.get('/admin/audit?action=areas.');
    expect(byAction.body).toContain('areas.layer_imported');
    expect(byAction.body).not.toContain('org.directorate_created');
    const byActor = await admin.browser.get('/admin/audit?actor=nobody-like-this');
    expect(byActor.body).toContain('Aucun événement ne correspond.');
    const byObject = await admin.browser.get('/admin/audit?objectType=area_layer&objectId=arrondissements');
    expect(byObject.body).toContain('areas.layer_imported');
    expect(byObject.body).not.toContain('org.membership_added');
    const future = await admin.browser.get('/admin/audit?from=2999-01-01');
    expect(future.body).toContain('Aucun événement ne correspond.');
    // The filter reads dates as days in Paris, as the agent does.
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    const range = await admin.browser.get(`/admin/audit?from=2000-01-01&to=${today}`);
    expect(range.body).toContain('org.directorate_created');
    const badDate = await admin.browser.get('/admin/audit?from=31/12/2024');
    expect(badDate.statusCode).toBe(200);
    expect(badDate.body).toContain('Indiquez une date réelle');
  });

  it('records who acted and from where', async () => {
    const event = await t.core.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'org.directorate_created')
      .executeTakeFirstOrThrow();
    expect(event.actor_id).toBe(admin.userId);
    expect(event.actor_label).toContain('admin@paris.test');
    expect(event.ip).not.toBe('');
  });
});
