/**
 * Open311 POST keeps what a client sends: the answers, FixMyStreet's own fields and `media_url`
 * (shown to agents; fetched once as a photo that is public only after an agent accepts it, like
 * an uploaded one); an attribute no question asks is the spec's 400 and creates nothing.
 * Pictures are served by a small HTTP server on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';
import { createApiKey } from '../api-keys.js';
import { fetchMedia, isPublicAddress, MediaFetchError } from '../open311/media.js';
import { childText, createR4World, parseXml, postForm, type R4World } from './r4-fixtures.js';

const BASE = '/open311/v2';
const PLACE = { lat: '48.8462', long: '2.3464' };

let t: TestApp;
let world: R4World;
let key: string;
let pictures: Server;
let origin: string;
let jpeg: Buffer;

beforeAll(async () => {
  // A picture with GPS in its EXIF: none of it may survive.
  jpeg = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#3c6e8f' } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Copyright: 'secret-owner' } } })
    .toBuffer();
  pictures = createServer((request, response) => {
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => {
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    };
    if (request.url === '/photo.jpg') return send(200, 'image/jpeg', jpeg);
    if (request.url === '/moved') return send(302, 'text/plain', '', { location: '/photo.jpg' });
    if (request.url === '/page.html') return send(200, 'text/html', '<html><script>alert(1)</script></html>');
    if (request.url === '/fake.jpg')
      return send(200, 'image/jpeg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    if (request.url === '/loop') return send(302, 'text/plain', '', { location: '/loop' });
    return send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => pictures.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(pictures.address() as AddressInfo).port}`;
  t = await createTestApp();
  world = await createR4World(t.core);
  key = (await createApiKey(t.core, 'Client FixMyStreet', { userId: world.adminId, label: 'test' })).key;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => pictures?.close(resolve));
});

async function post(fields: Record<string, string | string[]>, format: 'json' | 'xml' = 'json') {
  return postForm(t.app, `${BASE}/requests.${format}`, {
    api_key: key,
    service_code: world.leafId,
    ...PLACE,
    'attribute[volume]': 'big',
    description: 'Canapé',
    ...fields,
  });
}

async function storedReport(reference: string) {
  const row = await t.core.db
    .selectFrom('report_report')
    .select(['id', 'attributes'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  const attributes = (
    typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes
  ) as Record<string, unknown>;
  const photos = await t.core.db
    .selectFrom('report_photo')
    .select(['id', 'status', 'width', 'height'])
    .where('report_id', '=', row.id)
    .execute();
  return { id: row.id, attributes, photos };
}

const countReports = async () =>
  Number(
    (
      await t.core.db
        .selectFrom('report_report')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Open311 POST keeps what the client sent', () => {
  it('media_url: kept for agents, fetched as a pending photo, public once an agent accepts it', async () => {
    const response = await post({
      media_url: `${origin}/moved`,
      'attribute[fixmystreet_id]': '4242',
      'attribute[report_url]': 'https://fixmystreet.example/report/4242',
    });
    expect(response.statusCode, response.body).toBe(200);
    const reference = JSON.parse(response.body)[0].service_request_id as string;
    const stored = await storedReport(reference);
    expect(stored.attributes).toEqual({
      volume: 'big',
      media_url: `${origin}/moved`,
      fixmystreet_id: '4242',
      report_url: 'https://fixmystreet.example/report/4242',
    });
    // fetched (after one redirect) and re-encoded; pending: the city reviews photos
    expect(stored.photos).toEqual([{ id: expect.any(String), status: 'pending', width: 80, height: 60 }]);
    const photoId = stored.photos[0]!.id;

    // Not public yet: no media_url in the public request, no photo for anyone.
    const before = JSON.parse((await t.app.inject(`${BASE}/requests/${reference}.json`)).body)[0];
    expect(before.media_url ?? null).toBeNull();
    expect((await t.app.inject(`/signalements/photos/${photoId}`)).statusCode).toBe(404);

    // An agent of the service sees the link among the answers, and accepts the photo.
    const { browser, userId } = await signedInBrowser(t.app, t.core);
    await t.core.db
      .insertInto('org_membership')
      .values({ user_id: userId, service_id: world.serviceId, role: 'agent' })
      .execute();
    const detail = await browser.get(`/admin/signalements/${reference}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(`${origin}/moved`);
    expect(detail.body).toContain('4242');
    const accepted = await browser.post(
      `/admin/signalements/${reference}/photos/${photoId}`,
      { decision: 'accepted' },
      { csrfFrom: `/admin/signalements/${reference}` },
    );
    expect(accepted.statusCode).toBe(303);

    const after = JSON.parse((await t.app.inject(`${BASE}/requests/${reference}.json`)).body)[0];
    expect(after.media_url).toMatch(new RegExp(`/signalements/photos/${photoId}$`));
    const file = await t.app.inject(`/signalements/photos/${photoId}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.rawPayload.includes(Buffer.from('secret-owner'))).toBe(false);
    // The public never sees the link itself nor FixMyStreet's fields.
    const page = await t.app.inject(`/signalements/${reference}`);
    expect(page.body).not.toContain(`${origin}/moved`);
    expect(page.body).not.toContain('4242');
  });

  it('a link that is no picture stays a link; the report is made and the refusal audited', async () => {
    for (const path of ['/page.html', '/fake.jpg', '/missing.jpg', '/loop']) {
      const response = await post({ media_url: `${origin}${path}` });
      expect(response.statusCode, path).toBe(200);
      const reference = JSON.parse(response.body)[0].service_request_id as string;
      const stored = await storedReport(reference);
      expect(stored.attributes.media_url).toBe(`${origin}${path}`);
      expect(stored.photos).toEqual([]);
      const audit = await t.core.db
        .selectFrom('audit_event')
        .select(['action', 'details'])
        .where('object_id', '=', stored.id)
        .where('action', '=', 'reports.report.media_refused')
        .execute();
      expect(audit, path).toHaveLength(1);
    }
  });

  it('an attribute that no question asks is the spec’s 400, in JSON and XML, and creates nothing', async () => {
    const before = await countReports();
    const json = await post({ 'attribute[volumme]': 'big' });
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body)).toEqual([
      {
        code: 400,
        description:
          'L’attribut volumme n’est pas une question de ce service (voir la définition du service).',
      },
    ]);
    const xml = await post({ 'attribute[<script>x</script>]': '1', 'attribute[volume]': 'small' }, 'xml');
    expect(xml.statusCode).toBe(400);
    expect(xml.body).not.toContain('<script>');
    expect(childText(parseXml(xml.body).children[0]!, 'code')).toBe('400');
    // a service without questions takes no attribute either
    const plain = await post({ service_code: world.plainLeafId, 'attribute[volume]': 'big' });
    expect(plain.statusCode).toBe(400);
    expect(await countReports()).toBe(before);
  });
});

describe('fetching a picture on a client’s say-so', () => {
  it('refuses addresses inside the server’s network, however they are written', async () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['8.8.8.8', '2a00:1450:4007:80c::200e', '193.51.24.1']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    const reason = (promise: Promise<unknown>) =>
      promise.then(
        () => 'fetched',
        (error: unknown) => (error instanceof MediaFetchError ? error.reason : String(error)),
      );
    expect(await reason(fetchMedia(`${origin}/photo.jpg`))).toBe('address');
    expect(await reason(fetchMedia(`http://localhost:${new URL(origin).port}/photo.jpg`))).toBe('address');
    expect(await reason(fetchMedia('http://[::1]/photo.jpg'))).toBe('address');
    expect(await reason(fetchMedia('file:///etc/passwd'))).toBe('url');
    expect(await reason(fetchMedia('http://user:pw@example.org/a.jpg'))).toBe('url');
    expect(await reason(fetchMedia(`${origin}/photo.jpg`, { allowPrivate: true }))).toBe('fetched');
  });
});
