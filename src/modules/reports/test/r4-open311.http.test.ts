import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { loadViewer } from '../../../core/auth/viewer.js';
import { createApiKey, revokeApiKey } from '../api-keys.js';
import { actOnReport } from '../reports.agent.service.js';
import {
  child,
  childText,
  createR4World,
  jpegPhoto,
  parseXml,
  postForm,
  postMultipart,
  type R4World,
} from './r4-fixtures.js';

const BASE = '/open311/v2';
const PARIS = { lat: '48.8462', long: '2.3464' };

let t: TestApp;
let world: R4World;
let key: string;

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://www.ville.example' });
  world = await createR4World(t.core);
  key = (await createApiKey(t.core, 'Client Open311', { userId: world.adminId, label: 'test' })).key;
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

function errorsOf(response: { body: string; headers: Record<string, unknown> }) {
  if (String(response.headers['content-type']).startsWith('application/json')) {
    return JSON.parse(response.body) as { code: number; description: string }[];
  }
  const root = parseXml(response.body);
  expect(root.name).toBe('errors');
  return root.children.map((e) => ({
    code: Number(childText(e, 'code')),
    description: childText(e, 'description')!,
  }));
}

async function createRequest(fields: Record<string, string | string[]>): Promise<string> {
  const response = await postForm(t.app, `${BASE}/requests.json`, {
    api_key: key,
    service_code: world.plainLeafId,
    ...PARIS,
    description: 'Un graffiti sur le mur',
    ...fields,
  });
  expect(response.statusCode, response.body).toBe(200);
  return (JSON.parse(response.body) as { service_request_id: string }[])[0]!.service_request_id;
}

describe('a client that only knows the standard', () => {
  it('discovers, lists, reads the definition, posts with a photo, reads it back, sees it closed', async () => {
    // Discovery, both formats.
    const discovery = await get(`${BASE}/discovery.json`);
    expect(discovery.statusCode).toBe(200);
    expect(discovery.headers['content-type']).toBe('application/json; charset=utf-8');
    const disc = JSON.parse(discovery.body);
    expect(disc.contact).toBe(t.config.city.contactEmail);
    expect(disc.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
    const endpoint = disc.endpoints[0];
    expect(endpoint.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(endpoint.url).toBe('https://www.ville.example/open311/v2');
    expect(endpoint.formats).toEqual(['text/xml', 'application/json']);
    const discoveryXml = await get(`${BASE}/discovery.xml`);
    expect(discoveryXml.headers['content-type']).toBe('text/xml; charset=utf-8');
    const discRoot = parseXml(discoveryXml.body);
    expect(discRoot.name).toBe('discovery');
    expect(child(child(discRoot, 'endpoints')!, 'endpoint')!.children.map((c) => c.name)).toContain(
      'formats',
    );
    const base = new URL(endpoint.url).pathname;

    // Services: selectable categories only, with group, keywords and metadata.
    const services = JSON.parse((await get(`${base}/services.json`)).body) as Record<string, unknown>[];
    const codes = services.map((s) => s.service_code);
    expect(codes).toContain(world.leafId);
    expect(codes).toContain(world.plainLeafId);
    expect(codes).not.toContain(world.inactiveLeafId);
    const dump = services.find((s) => s.service_code === world.leafId)!;
    expect(dump).toMatchObject({
      service_name: 'Dépôt sauvage',
      group: 'Propreté',
      metadata: true,
      type: 'realtime',
      keywords: 'Encombrants,Dépôt  sauvage',
    });
    expect(services.find((s) => s.service_code === world.plainLeafId)!.metadata).toBe(false);
    const servicesXml = parseXml((await get(`${base}/services.xml`)).body);
    expect(servicesXml.children.map((s) => childText(s, 'service_code'))).toEqual(codes);
    expect(
      childText(servicesXml.children.find((s) => childText(s, 'service_code') === world.leafId)!, 'metadata'),
    ).toBe('true');

    // Definition.
    const definition = JSON.parse((await get(`${base}/services/${world.leafId}.json`)).body);
    expect(definition.service_code).toBe(world.leafId);
    expect(definition.attributes[0]).toMatchObject({
      code: 'volume',
      datatype: 'singlevaluelist',
      required: true,
      variable: true,
      order: 1,
      values: [
        { key: 'small', name: 'Petit' },
        { key: 'big', name: 'Gros <encombrant>' },
      ],
    });
    const definitionXml = await get(`${base}/services/${world.leafId}.xml`);
    expect(definitionXml.body).toContain('<name>Gros &lt;encombrant&gt;</name>');
    parseXml(definitionXml.body);

    // Create: multipart with a photo and an attribute; personal data sent.
    const created = await postMultipart(
      t.app,
      `${base}/requests.json`,
      {
        api_key: key,
        jurisdiction_id: 'ville.example',
        service_code: world.leafId,
        ...PARIS,
        address_string: '12 rue Mouffetard',
        description: 'Un matelas\r\nsur le trottoir',
        'attribute[volume]': 'big',
        email: 'jeanne.secret@example.test',
        first_name: 'Jeanne',
        last_name: 'Secrète',
        phone: '0612345678',
      },
      [{ field: 'media', filename: 'photo.jpg', type: 'image/jpeg', data: await jpegPhoto() }],
    );
    expect(created.statusCode, created.body).toBe(200);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    const [answer] = JSON.parse(created.body);
    expect(answer.service_request_id).toMatch(/^[A-Z]+-\d{4}-\d{6}$/);
    expect(answer).not.toHaveProperty('token');
    const id = answer.service_request_id as string;

    const stored = await t.core.db
      .selectFrom('report_report')
      .select(['id', 'channel', 'api_key_id', 'reporter_email', 'attributes', 'service_id'])
      .where('reference', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.channel).toBe('open311');
    expect(stored.reporter_email).toBe('jeanne.secret@example.test');
    expect(stored.service_id).toBe(world.serviceId);
    const attributes =
      typeof stored.attributes === 'string' ? JSON.parse(stored.attributes) : stored.attributes;
    expect(attributes.volume).toBe('big');
    const photos = await t.core.db
      .selectFrom('report_photo')
      .select('id')
      .where('report_id', '=', stored.id)
      .execute();
    expect(photos).toHaveLength(1);

    // Read it back, both formats, no personal data anywhere.
    const one = await get(`${base}/requests/${id}.json`);
    expect(one.statusCode).toBe(200);
    const [request] = JSON.parse(one.body);
    expect(request).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: world.leafId,
      service_name: 'Dépôt sauvage',
      description: 'Un matelas\nsur le trottoir',
      agency_responsible: 'Division propreté du 5e',
      address: '12 rue Mouffetard',
      lat: 48.8462,
      long: 2.3464,
    });
    expect(typeof request.lat).toBe('number');
    expect(request.requested_datetime).toMatch(/[+-]\d{2}:\d{2}$|Z$/);
    expect(request.expected_datetime).not.toBeNull(); // created + 7 target days
    for (const secret of ['jeanne', 'Jeanne', 'Secrète', '0612345678'])
      expect(one.body).not.toContain(secret);
    const oneXml = await get(`${base}/requests/${id}.xml`);
    const xmlRoot = parseXml(oneXml.body);
    expect(xmlRoot.name).toBe('service_requests');
    expect(childText(xmlRoot.children[0]!, 'status')).toBe('open');
    for (const secret of ['jeanne', 'Secrète', '0612345678']) expect(oneXml.body).not.toContain(secret);

    // An agent of the service closes it through the workflow.
    const agent = await loadViewer(t.core.db, world.agentId);
    await actOnReport(
      t.core,
      agent,
      stored.id,
      'mark_done',
      { note: 'Enlevé ce matin' },
      {
        userId: world.agentId,
        label: 'test',
      },
    );
    const closed = parseXml((await get(`${base}/requests/${id}.xml`)).body).children[0]!;
    expect(childText(closed, 'status')).toBe('closed');
    expect(childText(closed, 'status_notes')).toBe('Résolu');

    // Search: by status and service code; the spec's wrapper and a JSON array.
    const open = JSON.parse(
      (await get(`${base}/requests.json?status=open&service_code=${world.leafId}`)).body,
    );
    expect(open.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    const closedList = JSON.parse(
      (await get(`${base}/requests.json?status=closed&service_code=${world.leafId},${world.plainLeafId}`))
        .body,
    );
    expect(closedList.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);

    // servicerequestupdates (key required): the fix is a FIXED update with the agent's public note.
    const updates = JSON.parse((await get(`${base}/servicerequestupdates.json?api_key=${key}`)).body) as {
      service_request_id: string;
      status: string;
      description: string | null;
      update_id: string;
    }[];
    const fixed = updates.find((u) => u.service_request_id === id && u.status === 'FIXED');
    expect(fixed?.description).toBe('Enlevé ce matin');
    expect(typeof fixed?.update_id).toBe('string');
  });
});

describe('search', () => {
  it('service_request_id overrides every other filter; extensions, paging and ids as strings', async () => {
    const a = await createRequest({});
    const b = await createRequest({});
    const both = JSON.parse(
      (
        await get(
          `${BASE}/requests.json?service_request_id=${a},${b}&status=closed&start_date=2001-01-01T00:00:00Z`,
        )
      ).body,
    ) as { service_request_id: unknown; lat: unknown; long: unknown }[];
    expect(both.map((r) => r.service_request_id).sort()).toEqual([a, b].sort());
    for (const r of both) {
      expect(typeof r.service_request_id).toBe('string');
      expect(typeof r.lat).toBe('number');
      expect(typeof r.long).toBe('number');
    }
    const paged = JSON.parse((await get(`${BASE}/requests.json?page_size=1&page=1`)).body);
    expect(paged).toHaveLength(1);
    const extended = JSON.parse((await get(`${BASE}/requests/${a}.json?extensions=true`)).body);
    expect(extended[0].extended_status).toBe('OPEN');
    const none = JSON.parse(
      (await get(`${BASE}/requests.json?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z`)).body,
    );
    expect(none).toEqual([]);
    const empty = await get(
      `${BASE}/requests.xml?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z`,
    );
    expect(parseXml(empty.body)).toEqual({ name: 'service_requests', children: [], text: '' });
  });

  it('makes HTML and script inert in XML and keeps it as text in JSON', async () => {
    const nasty = '<script>alert("x")</script> & <b>gras</b>';
    const id = await createRequest({ description: nasty });
    const xml = await get(`${BASE}/requests/${id}.xml`);
    expect(xml.body).not.toContain('<script>');
    expect(xml.body).not.toContain('<b>');
    expect(xml.body).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;',
    );
    expect(childText(parseXml(xml.body).children[0]!, 'description')).toBe(nasty);
    const json = JSON.parse((await get(`${BASE}/requests/${id}.json`)).body);
    expect(json[0].description).toBe(nasty);
  });
});

describe('errors, as the spec says', () => {
  const post = (fields: Record<string, string>, format = 'xml', headers: Record<string, string> = {}) =>
    postForm(t.app, `${BASE}/requests.${format}`, fields, headers);
  const valid = () => ({
    api_key: key,
    service_code: world.plainLeafId,
    ...PARIS,
    description: 'Tag',
  });

  it('403 without a key, with an unknown key and with a revoked key', async () => {
    const { api_key: _omit, ...noKey } = valid();
    const missing = await post(noKey);
    expect(missing.statusCode).toBe(403);
    expect(missing.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(missing.body).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<errors><error><code>403<\/code>/,
    );
    expect(errorsOf(missing)).toEqual([
      { code: 403, description: 'Clé d’API absente, inconnue ou révoquée.' },
    ]);
    expect((await post({ ...valid(), api_key: 'nope' }, 'json')).statusCode).toBe(403);
    const revocable = await createApiKey(t.core, 'Revoked soon', { userId: world.adminId, label: 'test' });
    expect((await post({ ...valid(), api_key: revocable.key }, 'json')).statusCode).toBe(200);
    await revokeApiKey(t.core, revocable.id, { userId: world.adminId, label: 'test' });
    const revoked = await post({ ...valid(), api_key: revocable.key }, 'json');
    expect(revoked.statusCode).toBe(403);
    expect(errorsOf(revoked)[0]!.code).toBe(403);
  });

  it('404 for an unknown or inactive service_code, a foreign jurisdiction, an unknown request, any token', async () => {
    expect(errorsOf(await post({ ...valid(), service_code: 'nope' }))).toEqual([
      { code: 404, description: 'Ce service_code ne correspond à aucun type de signalement ouvert.' },
    ]);
    expect((await post({ ...valid(), service_code: world.inactiveLeafId })).statusCode).toBe(404);
    expect((await post({ ...valid(), jurisdiction_id: 'elsewhere.example' })).statusCode).toBe(404);
    expect((await get(`${BASE}/services.json?jurisdiction_id=elsewhere.example`)).statusCode).toBe(404);
    expect((await get(`${BASE}/services/nope.xml`)).statusCode).toBe(404);
    const unknown = await get(`${BASE}/requests/DMR-2001-000001.json`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(errorsOf(unknown)[0]!.code).toBe(404);
    const token = await get(`${BASE}/tokens/abc123.xml`);
    expect(token.statusCode).toBe(404);
    expect(errorsOf(token)[0]!.code).toBe(404);
    const wrongFormat = await get(`${BASE}/services.html`);
    expect(wrongFormat.statusCode).toBe(404);
    expect(errorsOf(wrongFormat)[0]!.code).toBe(404);
  });

  it('400 for a missing location, a 4,001-character description, a lat that is not a number, an address alone', async () => {
    const { lat: _lat, long: _long, ...noPlace } = valid();
    const missing = errorsOf(await post(noPlace, 'json'));
    expect(missing).toEqual([
      { code: 400, description: 'Indiquez un lieu : lat et long, ou address_string, ou address_id.' },
    ]);
    const long = await post({ ...valid(), description: 'x'.repeat(4001) }, 'json');
    expect(long.statusCode).toBe(400);
    expect(errorsOf(long)[0]!.description).toBe('La description dépasse 4000 caractères.');
    expect((await post({ ...valid(), description: 'x'.repeat(4000) }, 'json')).statusCode).toBe(200);
    const notNumber = await post({ ...valid(), lat: 'quarante-huit' });
    expect(notNumber.statusCode).toBe(400);
    expect(errorsOf(notNumber)[0]!.description).toContain('lat');
    expect((await post({ ...noPlace, address_string: '1 place de l’Hôtel de Ville' })).statusCode).toBe(400);
    const attribute = await post({ ...valid(), service_code: world.leafId });
    expect(errorsOf(attribute)).toEqual([{ code: 400, description: 'L’attribut volume est obligatoire.' }]);
    expect(
      (await post({ ...valid(), service_code: world.leafId, 'attribute[volume]': 'huge' })).statusCode,
    ).toBe(400);
  });

  it('400 with the site’s own message for a file that is not an image, and too many files', async () => {
    const fake = await postMultipart(t.app, `${BASE}/requests.json`, valid(), [
      {
        field: 'media',
        filename: 'photo.jpg',
        type: 'image/jpeg',
        data: Buffer.from('<svg onload="x()"></svg>'),
      },
    ]);
    expect(fake.statusCode).toBe(400);
    const [error] = errorsOf(fake);
    expect(error!.code).toBe(400);
    expect(error!.description).not.toMatch(/^reports\./);
    const photo = await jpegPhoto();
    const four = await postMultipart(
      t.app,
      `${BASE}/requests.json`,
      valid(),
      [1, 2, 3, 4].map((n) => ({ field: 'media', filename: `p${n}.jpg`, type: 'image/jpeg', data: photo })),
    );
    expect(four.statusCode).toBe(400);
    expect(errorsOf(four)[0]!.description).toBe('Trois photos au plus, de 10 Mo chacune au plus.');
  });

  it('describes errors in English when Accept-Language asks for it', async () => {
    const { lat: _lat, long: _long, ...noPlace } = valid();
    const response = await post(noPlace, 'json', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(errorsOf(response)[0]!.description).toBe(
      'Give a location: lat and long, or address_string, or address_id.',
    );
  });

  it('400 for a date range over 90 days, a bad date, a bad status', async () => {
    const range = await get(
      `${BASE}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z`,
    );
    expect(range.statusCode).toBe(400);
    expect(errorsOf(range)[0]!.description).toBe('La période demandée ne peut pas dépasser 90 jours.');
    expect((await get(`${BASE}/requests.xml?start_date=hier`)).statusCode).toBe(400);
    expect((await get(`${BASE}/requests.xml?status=pending`)).statusCode).toBe(400);
    expect((await get(`${BASE}/requests.json?page_size=5000`)).statusCode).toBe(400);
  });

  it('servicerequestupdates needs a key', async () => {
    expect((await get(`${BASE}/servicerequestupdates.xml`)).statusCode).toBe(403);
    expect((await postForm(t.app, `${BASE}/servicerequestupdates.xml`, { status: 'FIXED' })).statusCode).toBe(
      403,
    );
  });
});

describe('POST servicerequestupdates (mySociety extension)', () => {
  const update = (fields: Record<string, string>) =>
    postForm(t.app, `${BASE}/servicerequestupdates.json`, { api_key: key, ...fields });

  it('maps extended statuses to workflow actions, as the key owner', async () => {
    const id = await createRequest({});
    const scheduled = await update({
      service_request_id: id,
      status: 'ACTION_SCHEDULED',
      expected_datetime: '2099-01-02T09:00:00+01:00',
      description: 'Passage prévu',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(typeof JSON.parse(scheduled.body)[0].update_id).toBe('string');
    const again = await update({ service_request_id: id, status: 'ACTION_SCHEDULED' });
    expect(again.statusCode).toBe(200);
    const read = JSON.parse((await get(`${BASE}/requests/${id}.json?extensions=true`)).body)[0];
    expect(read).toMatchObject({ status: 'open', extended_status: 'ACTION_SCHEDULED' });
    expect(read.expected_datetime).toBe('2099-01-02T09:00:00+01:00');

    expect((await update({ service_request_id: id, status: 'fixed', description: 'Fait' })).statusCode).toBe(
      200,
    );
    expect(JSON.parse((await get(`${BASE}/requests/${id}.json`)).body)[0].status).toBe('closed');

    const other = await createRequest({});
    const refused = await update({ service_request_id: other, status: 'NOT_COUNCILS_RESPONSIBILITY' });
    expect(refused.statusCode).toBe(200);
    const refusedRead = JSON.parse((await get(`${BASE}/requests/${other}.json?extensions=true`)).body)[0];
    expect(refusedRead.extended_status).toBe('NOT_COUNCILS_RESPONSIBILITY');

    const dup = await createRequest({});
    expect((await update({ service_request_id: dup, status: 'DUPLICATE' })).statusCode).toBe(400);
    expect(
      (await update({ service_request_id: dup, status: 'DUPLICATE', duplicate_of: id })).statusCode,
    ).toBe(200);
  });

  it('refuses a bad status, an unsupported one, an unknown request, a key without an owner', async () => {
    const id = await createRequest({});
    const bad = await update({ service_request_id: id, status: 'SOLVED' });
    expect(bad.statusCode).toBe(400);
    expect(errorsOf(bad)[0]!.description).toContain('FIXED');
    expect((await update({ service_request_id: id, status: 'CANCELLED' })).statusCode).toBe(400);
    expect((await update({ service_request_id: 'DMR-2001-000009', status: 'FIXED' })).statusCode).toBe(404);
    const orphan = await createApiKey(t.core, 'No owner', { userId: null, label: 'cli' });
    const refused = await postForm(t.app, `${BASE}/servicerequestupdates.xml`, {
      api_key: orphan.key,
      service_request_id: id,
      status: 'FIXED',
    });
    expect(refused.statusCode).toBe(403);
    // the orphan key can still create reports
    expect(
      (
        await postForm(t.app, `${BASE}/requests.xml`, {
          ...PARIS,
          api_key: orphan.key,
          service_code: world.plainLeafId,
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('duplicates and documentation', () => {
  it('creates a second report at the same place and names the first in service_notice', async () => {
    const first = await createRequest({ lat: '48.8301', long: '2.3301' });
    const second = await postForm(t.app, `${BASE}/requests.xml`, {
      api_key: key,
      service_code: world.plainLeafId,
      lat: '48.83011',
      long: '2.33011',
      description: 'Même graffiti',
    });
    expect(second.statusCode).toBe(200);
    const request = parseXml(second.body).children[0]!;
    expect(childText(request, 'service_request_id')).not.toBe(first);
    expect(childText(request, 'service_notice')).toContain(first);
  });

  it('lists every Open311 route in the OpenAPI document under the open311 tag', async () => {
    const doc = JSON.parse((await get('/api/docs/json')).body) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    for (const format of ['xml', 'json']) {
      for (const [path, method] of [
        ['discovery', 'get'],
        ['services', 'get'],
        ['services/{service_code}', 'get'],
        ['requests', 'get'],
        ['requests', 'post'],
        ['requests/{service_request_id}', 'get'],
        ['tokens/{token}', 'get'],
        ['servicerequestupdates', 'get'],
        ['servicerequestupdates', 'post'],
      ] as const) {
        const operation = doc.paths[`${BASE}/${path}.${format}`]?.[method];
        expect(operation?.tags, `${method} ${path}.${format}`).toEqual(['open311']);
      }
    }
  });
});
