/**
 * Issue 3's remaining gaps, through the pages as a browser without JavaScript uses them:
 * the public timeline names the service a report was transferred to (never the agent); the
 * answers to a category's questions (choices and numbers in public, everything for agents);
 * and the other items' forms (contractor, dates, photo position, queue map).
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { addMembership } from '../../../core/org/org.service.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';
import { saveCategory, seedReportCategories } from '../categories.service.js';
import { submitReport } from '../reports.service.js';
import '../reports.tables.js';
import { mailMark, sentMails, viewerOf } from './r2-fixtures.js';

let t: TestApp;
type Signed = Awaited<ReturnType<typeof signedInBrowser>>;
let agent5: Signed;
let service5 = '';
let service13 = '';

/** Panthéon (5e). */
const IN_5E = { lat: 48.8462, lon: 2.3464 };
/** Propreté › Malpropreté du sol › Mégots: routed to the 5e's cleanliness division. */
const MEGOTS = '3405';

/** A browser that chose this language with the site's switch (the `vo_lang` cookie). */
function browserIn(locale: 'fr' | 'en'): Browser {
  const browser = new Browser(t.app);
  (browser as unknown as { cookies: Map<string, string> }).cookies.set('vo_lang', locale);
  return browser;
}

let spread = 0;
/** Points in the 5e a few metres apart, so that no test meets another's duplicates by surprise. */
function near5e(): { lat: number; lon: number } {
  spread += 1;
  return { lat: IN_5E.lat + spread * 0.0001, lon: IN_5E.lon };
}

async function report(
  options: { categoryId?: string; attributes?: Record<string, string | string[]>; email?: string } = {},
) {
  return submitReport(
    t.core,
    {
      categoryId: options.categoryId ?? MEGOTS,
      ...near5e(),
      description: 'Des mégots partout',
      attributes: options.attributes,
      reporter: { name: 'Zoé Habitante', email: options.email ?? 'zoe@example.test', phone: '0612345678' },
      channel: 'web',
    },
    systemActor,
  );
}

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  await seedReportCategories(t.core, systemActor);
  const services = await t.core.db.selectFrom('org_service').select(['id', 'code']).execute();
  service5 = services.find((s) => s.code === 'DPE-PROP-05')?.id ?? '';
  service13 = services.find((s) => s.code === 'DPE-PROP-13')?.id ?? '';
  agent5 = await signedInBrowser(t.app, t.core, { displayName: 'Agent Cinq' });
  await addMembership(t.core.db, { userId: agent5.userId, serviceId: service5, role: 'agent' }, systemActor);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('a transfer on the public timeline', () => {
  it('names the new service, not the agent, and keeps the reason internal', async () => {
    const r = await report();
    const detail = `/admin/signalements/${r.reference}`;
    const moved = await agent5.browser.post(
      `${detail}/transfert`,
      { toServiceId: service13, transferReason: 'Côté 13e <script>alert(1)</script> de la rue' },
      { csrfFrom: detail },
    );
    expect(moved.statusCode).toBe(303);

    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Transféré au service : Division propreté du 13e arrondissement');
    expect(page.body).not.toContain('Transféré à un autre service');
    expect(page.body).not.toContain('Agent Cinq');
    expect(page.body).not.toContain('Côté 13e');

    const english = await new Browser(t.app).get(`/signalements/${r.reference}`, {
      cookie: 'vo_lang=en',
    });
    expect(english.body).toContain('Transferred to the service: Division propreté du 13e arrondissement');
  });
});

describe('the language of an anonymous reporter', () => {
  it('is the page’s language when the form is sent, and their mail speaks it', async () => {
    for (const locale of ['en', 'fr'] as const) {
      const browser = browserIn(locale);
      const point = near5e();
      const mark = mailMark(t.core);
      const sent = await browser.post('/signalements/nouveau', {
        idempotencyKey: randomUUID(),
        categoryId: MEGOTS,
        lat: point.lat.toFixed(6),
        lon: point.lon.toFixed(6),
        description: 'Mégots',
        email: `anon-${locale}@example.test`,
        action: 'submit',
        confirmed: '1',
      });
      expect(sent.statusCode).toBe(303);
      const reference = /DMR-\d{4}-\d+/.exec(String(sent.headers.location))?.[0] ?? '';
      const row = await t.core.db
        .selectFrom('report_report')
        .select(['reporter_locale', 'reporter_user_id'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ reporter_locale: locale, reporter_user_id: null });
      const [ack] = sentMails(t.core, mark);
      expect(ack?.subject).toBe(
        locale === 'en'
          ? `Your report ${reference} has been received`
          : `Votre signalement ${reference} est bien reçu`,
      );
    }
  });
});

describe('answers to the category’s questions', () => {
  let categoryId = '';
  beforeAll(async () => {
    const admin = await signedInBrowser(t.app, t.core, { isAdmin: true });
    const saved = await saveCategory(
      t.core,
      await viewerOf(t.core, admin.userId),
      {
        label: 'Mégots en tas',
        parentId: '3400',
        defaultServiceId: null,
        targetDays: null,
        active: true,
        extraQuestions: [
          {
            code: 'kind',
            datatype: 'singlevaluelist',
            required: false,
            order: 1,
            description: 'Comment sont-ils ?',
            values: [
              { key: 'pile', name: 'En tas' },
              { key: 'scattered', name: 'Éparpillés' },
            ],
          },
          { code: 'count', datatype: 'number', required: false, order: 2, description: 'Combien environ ?' },
          {
            code: 'where',
            datatype: 'multivaluelist',
            required: false,
            order: 3,
            description: 'Où ?',
            values: [
              { key: 'bench', name: 'Au pied d’un banc' },
              { key: 'tree', name: 'Au pied d’un arbre' },
            ],
          },
          { code: 'remark', datatype: 'string', required: false, order: 4, description: 'Remarque' },
          { code: 'details', datatype: 'text', required: false, order: 5, description: 'Détails' },
        ],
      },
      systemActor,
    );
    categoryId = saved.id;
  });

  it('shows choices and numbers in public, never free text; agents see every answer', async () => {
    const r = await report({
      categoryId,
      attributes: {
        kind: 'pile',
        count: '120',
        where: ['bench', 'tree'],
        remark: 'Appelez Jean Dupont au 0601020304',
        details: '<script>alert(1)</script> devant chez moi',
      },
    });
    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>Précisions</h2>');
    expect(page.body).toContain('Comment sont-ils ?');
    expect(page.body).toContain('En tas');
    expect(page.body).toContain('Combien environ ?');
    expect(page.body).toContain('120');
    expect(page.body).toContain('Au pied d’un banc, Au pied d’un arbre');
    expect(page.body).not.toContain('Remarque');
    expect(page.body).not.toContain('Jean Dupont');
    expect(page.body).not.toContain('0601020304');
    expect(page.body).not.toContain('alert(1)');
    // Keys are not what people read.
    expect(page.body).not.toContain('>pile<');

    const agent = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(agent.statusCode).toBe(200);
    expect(agent.body).toContain('Réponses aux questions de la catégorie');
    expect(agent.body).toContain('En tas');
    expect(agent.body).toContain('Au pied d’un banc, Au pied d’un arbre');
    expect(agent.body).toContain('Appelez Jean Dupont au 0601020304');
    // Preact escapes `<`: the text is shown, never run.
    expect(agent.body).toContain('&lt;script>alert(1)&lt;/script> devant chez moi');
    expect(agent.body).not.toContain('<script>alert(1)');
  });

  it('shows no answers section when nothing was answered', async () => {
    const r = await report({ categoryId });
    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.body).not.toContain('Précisions');
    const agent = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(agent.body).not.toContain('Réponses aux questions de la catégorie');
  });
});

describe('handing a report to a contractor, without JavaScript', () => {
  async function contractorOf(reference: string) {
    return t.core.db
      .selectFrom('report_report')
      .select(['state', 'third_party_id', 'third_party_name'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
  }
  const act = (reference: string, fields: Record<string, string>) =>
    agent5.browser.post(
      `/admin/signalements/${reference}/action`,
      { action: 'transfer_third_party', ...fields },
      { csrfFrom: `/admin/signalements/${reference}` },
    );

  it('offers the city’s contractors and shows the one chosen to agents, with its id in the history', async () => {
    const r = await report();
    const form = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(form.body).toContain('<legend class="fieldset__legend">Prestataire qui interviendra</legend>');
    expect(form.body).toContain('<option value="LUMIVILLE">Lumiville (éclairage public)</option>');
    expect(form.body).toContain('name="thirdPartyOther"');

    const done = await act(r.reference, { thirdParty: 'LUMIVILLE', thirdPartyOther: '' });
    expect(done.statusCode).toBe(303);
    expect(await contractorOf(r.reference)).toEqual({
      state: 'transferred_third_party',
      third_party_id: 'LUMIVILLE',
      third_party_name: 'Lumiville (éclairage public)',
    });
    const detail = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(detail.body).toContain('Lumiville (éclairage public) (identifiant : LUMIVILLE)');
    expect(detail.body).toContain('Prestataire : Lumiville (éclairage public) (identifiant : LUMIVILLE)');

    const page = await new Browser(t.app).get(`/signalements/${r.reference}`);
    expect(page.body).toContain('Confié à un prestataire');
    expect(page.body).not.toContain('Lumiville');
    expect(page.body).not.toContain('LUMIVILLE');
  });

  it('takes a contractor typed by hand, shown as text', async () => {
    const r = await report();
    const typed = 'Serrurerie <script>alert(1)</script>   Martin';
    expect((await act(r.reference, { thirdParty: '', thirdPartyOther: typed })).statusCode).toBe(303);
    expect(await contractorOf(r.reference)).toMatchObject({
      third_party_id: 'Serrurerie <script>alert(1)</script> Martin',
      third_party_name: 'Serrurerie <script>alert(1)</script> Martin',
    });
    const detail = await agent5.browser.get(`/admin/signalements/${r.reference}`);
    expect(detail.body).toContain('Serrurerie &lt;script>alert(1)&lt;/script> Martin');
    expect(detail.body).not.toContain('<script>alert(1)');
  });

  it('refuses none, both, an unknown one or a huge one: 422, the form again with what was typed, nothing changed', async () => {
    const r = await report();
    const cases: [Record<string, string>, string, string][] = [
      [{ thirdParty: '', thirdPartyOther: '  ' }, 'thirdParty', 'Indiquez le prestataire.'],
      [
        { thirdParty: 'LUMIVILLE', thirdPartyOther: 'Autre SARL' },
        'thirdParty',
        'Choisissez un prestataire dans la liste ou saisissez-en un autre, pas les deux.',
      ],
      [
        { thirdParty: 'INCONNU', thirdPartyOther: '' },
        'thirdParty',
        'Ce prestataire n’est pas dans la liste',
      ],
      [{ thirdParty: '', thirdPartyOther: 'x'.repeat(5000) }, 'thirdPartyOther', 'trop long'],
    ];
    for (const [fields, field, message] of cases) {
      const refused = await act(r.reference, fields);
      expect(refused.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(422);
      expect(refused.body).toContain(`href="#field-${field}"`);
      expect(refused.body).toContain(message);
      if (fields.thirdPartyOther?.trim() === 'Autre SARL')
        expect(refused.body).toContain('value="Autre SARL"');
      expect(await contractorOf(r.reference)).toEqual({
        state: 'new',
        third_party_id: null,
        third_party_name: null,
      });
    }
  });
});

describe('date fields: day first, whatever the browser’s language', () => {
  const scheduledOf = async (reference: string) =>
    await t.core.db
      .selectFrom('report_report')
      .select(['state', 'scheduled_for'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();

  it('are text fields with a visible jj/mm/aaaa hint, on a page that says its language', async () => {
    const fr = await new Browser(t.app).get('/signalements');
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('Au format jj/mm/aaaa, par exemple 14/07/2026.');
    expect(fr.body).toMatch(/id="field-from"[^>]*type="text"/);
    expect(fr.body).not.toContain('type="date"');
    const en = await browserIn('en').get('/signalements');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('As dd/mm/yyyy (day first), for example 14/07/2026.');
    for (const url of ['/admin/signalements', `/admin/signalements/${(await report()).reference}`]) {
      const page = await agent5.browser.get(url);
      expect(page.body, url).toContain('Au format jj/mm/aaaa');
      expect(page.body, url).not.toContain('type="date"');
    }
    const stats = await new Browser(t.app).get('/statistiques/signalements');
    expect(stats.body).toContain('Au format jj/mm/aaaa');
    expect(stats.body).not.toContain('type="date"');
  });

  it('filter the list the same typed jj/mm/aaaa or ISO, and refuse month first with a linked error', async () => {
    const r = await report();
    const today = new Date();
    const dd = String(today.getUTCDate()).padStart(2, '0');
    const mm = String(today.getUTCMonth() + 1).padStart(2, '0');
    const yyyy = today.getUTCFullYear();
    const french = await new Browser(t.app).get(
      `/signalements?from=${dd}/${mm}/${yyyy}&to=${dd}/${mm}/${yyyy}`,
    );
    const iso = await new Browser(t.app).get(`/signalements?from=${yyyy}-${mm}-${dd}&to=${yyyy}-${mm}-${dd}`);
    expect(french.statusCode).toBe(200);
    expect(french.body).toContain(r.reference);
    expect(iso.body).toContain(r.reference);
    // What was typed comes back as typed.
    expect(french.body).toContain(`value="${dd}/${mm}/${yyyy}"`);
    const before = await new Browser(t.app).get(`/signalements?to=01/01/${yyyy - 1}`);
    expect(before.body).not.toContain(r.reference);

    const wrong = await new Browser(t.app).get('/signalements?from=12/31/2026&to=%3Cscript%3E');
    expect(wrong.body).toContain('href="#field-from"');
    expect(wrong.body).toContain('href="#field-to"');
    expect(wrong.body).toContain('Saisissez une date au format jj/mm/aaaa, par exemple 31/03/2026.');
    expect(wrong.body).toContain('value="12/31/2026"');
    expect(wrong.body).not.toContain('<script>');
    const reversed = await new Browser(t.app).get('/signalements?from=02/03/2026&to=01/03/2026');
    expect(reversed.body).toContain('La date de fin doit être après la date de début.');

    // The map's clusters read the same filters.
    const counted = async (query: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/signalements/clusters?minLat=48.8&minLon=2.2&maxLat=48.9&maxLon=2.5&zoom=12&${query}`,
      });
      expect(response.statusCode).toBe(200);
      return (response.json() as { clusters: { count: number }[] }).clusters.reduce((n, c) => n + c.count, 0);
    };
    expect(await counted(`from=${dd}/${mm}/${yyyy}`)).toBeGreaterThan(0);
    expect(await counted(`from=${dd}/${mm}/${yyyy}`)).toBe(await counted(`from=${yyyy}-${mm}-${dd}`));
    expect(await counted(`to=01/01/${yyyy - 1}`)).toBe(0);
  });

  it('schedule a report typed jj/mm/aaaa or ISO; a month-first or impossible date is refused and changes nothing', async () => {
    const post = (reference: string, scheduledFor: string) =>
      agent5.browser.post(
        `/admin/signalements/${reference}/action`,
        { action: 'schedule', scheduledFor },
        { csrfFrom: `/admin/signalements/${reference}` },
      );
    const a = await report();
    expect((await post(a.reference, '14/07/2027')).statusCode).toBe(303);
    expect((await scheduledOf(a.reference)).scheduled_for?.toISOString()).toBe('2027-07-14T12:00:00.000Z');
    const b = await report();
    expect((await post(b.reference, '2027-07-14')).statusCode).toBe(303);
    expect((await scheduledOf(b.reference)).scheduled_for?.toISOString()).toBe('2027-07-14T12:00:00.000Z');

    const c = await report();
    for (const bad of ['07/14/2027', '31/02/2027', '', 'demain']) {
      const refused = await post(c.reference, bad);
      expect(refused.statusCode, bad).toBe(422);
      expect(refused.body).toContain('href="#field-scheduledFor"');
      expect(refused.body).toContain('Indiquez une date au format jj/mm/aaaa, par exemple 14/07/2026.');
      if (bad) expect(refused.body).toContain(`value="${bad}"`);
      expect(await scheduledOf(c.reference)).toEqual({ state: 'new', scheduled_for: null });
    }

    const bulk = await agent5.browser.post(
      '/admin/signalements/lot',
      { ids: [c.id], bulkAction: 'schedule', bulkDate: '1/8/2027', retour: '' },
      { csrfFrom: '/admin/signalements' },
    );
    expect(bulk.statusCode).toBe(200);
    expect((await scheduledOf(c.reference)).scheduled_for?.toISOString()).toBe('2027-08-01T12:00:00.000Z');
  });

  it('filter the statistics typed jj/mm/aaaa', async () => {
    const good = await new Browser(t.app).get('/statistiques/signalements?du=01/01/2026&au=31/12/2026');
    expect(good.statusCode).toBe(200);
    expect(good.body).not.toContain('error-summary');
    const bad = await new Browser(t.app).get('/statistiques/signalements?du=13/13/2026');
    expect(bad.body).toContain('href="#field-du"');
  });
});

/** A JPEG whose EXIF says where it was taken, as a phone writes it (degrees, minutes, seconds). */
async function gpsJpeg(lat: number, lon: number): Promise<Buffer> {
  const dms = (value: number) => {
    const a = Math.abs(value);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 100);
    return `${d}/1 ${m}/1 ${s}/100`;
  };
  return sharp({ create: { width: 120, height: 90, channels: 3, background: '#7a8c5a' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestPhone' },
      IFD3: {
        GPSLatitudeRef: lat < 0 ? 'S' : 'N',
        GPSLatitude: dms(lat),
        GPSLongitudeRef: lon < 0 ? 'W' : 'E',
        GPSLongitude: dms(lon),
      },
    })
    .toBuffer();
}

/** Posts the report form as multipart, photos attached, the way a browser without JavaScript does. */
async function postWithPhotos(
  browser: Browser,
  fields: Record<string, string>,
  photos: Buffer[],
): Promise<LightMyRequestResponse> {
  const page = await browser.get('/signalements/nouveau');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----r7${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const [i, photo] of photos.entries()) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="IMG_${i}.JPG"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      photo,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const jar = (browser as unknown as { cookies: Map<string, string> }).cookies;
  return t.app.inject({
    method: 'POST',
    url: '/signalements/nouveau',
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat(parts),
  });
}

describe('the photo’s position offered as the place, without JavaScript', () => {
  const countReports = async () =>
    Number(
      (
        await t.core.db
          .selectFrom('report_report')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const form = (overrides: Record<string, string> = {}) => ({
    idempotencyKey: randomUUID(),
    categoryId: MEGOTS,
    description: 'Mégots devant la fontaine',
    action: 'submit',
    confirmed: '1',
    ...overrides,
  });

  it('comes back with the position as a choice; confirmed, the report is there with its photo, without EXIF', async () => {
    // Place de la Contrescarpe (5e), far from the other tests' points.
    const photo = await gpsJpeg(48.84418, 2.34947);
    const browser = new Browser(t.app);
    const before = await countReports();
    const fields = form();
    const offered = await postWithPhotos(browser, fields, [photo]);
    expect(offered.statusCode).toBe(200);
    expect(offered.body).toContain('Votre photo indique un lieu');
    expect(offered.body).toContain('Oui, le problème est à l’endroit de la photo (48.84418, 2.34947)');
    expect(offered.body).toMatch(/name="photoLat" value="48\.84418\d*"/);
    expect(offered.body).toContain('Photos déjà reçues : 1.');
    // Offered, not taken: nothing is checked and nothing is made yet.
    expect(offered.body).not.toMatch(/name="usePhotoPosition" value="1" checked/);
    expect(await countReports()).toBe(before);

    const photoLat = /name="photoLat" value="([^"]+)"/.exec(offered.body)?.[1] ?? '';
    const photoLon = /name="photoLon" value="([^"]+)"/.exec(offered.body)?.[1] ?? '';
    const sent = await browser.post('/signalements/nouveau', {
      ...fields,
      photoLat,
      photoLon,
      usePhotoPosition: '1',
    });
    expect(sent.statusCode).toBe(303);
    const reference = /DMR-\d{4}-\d+/.exec(String(sent.headers.location))?.[0] ?? '';
    const row = await t.core.db
      .selectFrom('report_report')
      .select(['id', 'location', 'arrondissement_code'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.location.y).toBeCloseTo(48.84418, 5);
    expect(row.location.x).toBeCloseTo(2.34947, 5);
    expect(row.arrondissement_code).toBe('5');
    const photos = await t.core.db
      .selectFrom('report_photo')
      .select('storage_key')
      .where('report_id', '=', row.id)
      .execute();
    expect(photos).toHaveLength(1);
    const { readPhotoFile, photoGpsPosition } = await import('../photos.js');
    const stored = await readPhotoFile(t.core.config.dataDir, photos[0]?.storage_key ?? '');
    expect(stored).not.toBeNull();
    expect(await photoGpsPosition(stored as Buffer)).toBeNull();
  });

  it('declined, the place is asked for as before; nothing is made', async () => {
    const browser = new Browser(t.app);
    const before = await countReports();
    const fields = form({ photoLat: '48.844180', photoLon: '2.349470', usePhotoPosition: '0' });
    const refused = await browser.post('/signalements/nouveau', fields);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#field-place"');
    expect(await countReports()).toBe(before);
  });

  it('is not offered when a place was given, when the photo has none, or when it is outside the city', async () => {
    const browser = new Browser(t.app);
    const withPlace = await postWithPhotos(browser, form({ arrondissement: '6' }), [
      await gpsJpeg(48.84418, 2.34947),
    ]);
    expect(withPlace.statusCode).toBe(303);

    const plain = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#888888' } })
      .jpeg()
      .toBuffer();
    for (const photo of [plain, await gpsJpeg(45.764, 4.8357) /* Lyon */]) {
      const before = await countReports();
      const refused = await postWithPhotos(browser, form(), [photo]);
      expect(refused.statusCode).toBe(422);
      expect(refused.body).not.toContain('usePhotoPosition');
      expect(refused.body).toContain('href="#field-place"');
      expect(await countReports()).toBe(before);
    }
  });

  it('with other mistakes too, asks about the position in the error summary and keeps what was typed', async () => {
    const browser = new Browser(t.app);
    const before = await countReports();
    const refused = await postWithPhotos(
      browser,
      form({ categoryId: '', description: 'Près du <script>alert(1)</script> banc' }),
      [await gpsJpeg(48.84418, 2.34947)],
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#field-usePhotoPosition"');
    expect(refused.body).toContain('href="#field-categoryId"');
    expect(refused.body).toContain('Près du &lt;script>alert(1)&lt;/script> banc');
    expect(refused.body).toContain('name="photoLat" value="48.84418');
    expect(await countReports()).toBe(before);
  });

  it('a forged position is checked like any other: not a number, or outside the city, is refused', async () => {
    const browser = new Browser(t.app);
    const before = await countReports();
    const notNumber = await browser.post(
      '/signalements/nouveau',
      form({ photoLat: '<script>', photoLon: '2.3', usePhotoPosition: '1' }),
    );
    expect(notNumber.statusCode).toBe(422);
    expect(notNumber.body).toContain('La position de la photo n’est pas lisible');
    expect(notNumber.body).not.toContain('<script>');
    const outside = await browser.post(
      '/signalements/nouveau',
      form({ photoLat: '45.764', photoLon: '4.8357', usePhotoPosition: '1' }),
    );
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain('href="#field-place"');
    expect(await countReports()).toBe(before);
  });
});

describe('the agent’s queue on a map', () => {
  function markersOf(
    body: string,
  ): { lat: number; lng: number; href: string; reference: string; late: boolean }[] {
    const raw = /data-markers="([^"]*)"/.exec(body)?.[1] ?? '[]';
    return JSON.parse(
      raw
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    );
  }

  it('shows the same filtered queue as pins, with the table under it as the reference', async () => {
    const mine = await report();
    const other = await submitReport(
      t.core,
      {
        categoryId: MEGOTS,
        lat: 48.831,
        lon: 2.3555, // place d'Italie (13e): another service
        description: 'ailleurs',
        reporter: {},
        channel: 'web',
      },
      systemActor,
    );
    const list = await agent5.browser.get('/admin/signalements?tri=lateness');
    expect(list.body).toContain('href="/admin/signalements?tri=lateness&amp;vue=carte"');
    expect(list.body).toMatch(/<a href="\/admin\/signalements\?tri=lateness" aria-current="page">Liste<\/a>/);
    expect(list.body).not.toContain('data-queue-map');

    const page = await agent5.browser.get('/admin/signalements?tri=lateness&vue=carte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-queue-map');
    expect(page.body).toMatch(/aria-current="page">Carte<\/a>/);
    expect(page.body).toContain('<input type="hidden" name="vue" value="carte"/>');
    expect(page.body).toContain('Le tableau ci-dessous donne les mêmes');
    expect(page.body).toContain('elle demande JavaScript');
    expect(page.body).toMatch(/<script src="\/assets\/queue-map\.[0-9a-f]+\.js" defer><\/script>/);
    const markers = markersOf(page.body);
    const pin = markers.find((m) => m.reference === mine.reference);
    expect(pin).toMatchObject({ href: `/admin/signalements/${mine.reference}`, late: false });
    expect(pin?.lat).toBeGreaterThan(48.8);
    expect(markers.some((m) => m.reference === other.reference)).toBe(false);
    // The same reports as the table of the page, and nothing personal in the pins.
    const tableRefs = [...page.body.matchAll(/<a href="\/admin\/signalements\/(DMR-[\d-]+)">/g)].map(
      (m) => m[1],
    );
    expect(new Set(markers.map((m) => m.reference))).toEqual(new Set(tableRefs));
    expect(/data-markers="[^"]*"/.exec(page.body)?.[0]).not.toContain('zoe@example.test');
    expect(/data-markers="[^"]*"/.exec(page.body)?.[0]).not.toContain('Habitante');
  });

  it('keeps the map when filtering, and an empty filter gives no map', async () => {
    const none = await agent5.browser.get('/admin/signalements?vue=carte&etat=archived');
    expect(none.statusCode).toBe(200);
    expect(none.body).not.toContain('data-queue-map');
    expect(none.body).toContain('Aucun signalement ne correspond');
    const odd = await agent5.browser.get('/admin/signalements?vue=%3Cscript%3E');
    expect(odd.statusCode).toBe(200);
    expect(odd.body).not.toContain('data-queue-map');
    expect(odd.body).not.toContain('<script>');
  });
});
