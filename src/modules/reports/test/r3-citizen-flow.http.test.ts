/**
 * R3: the citizen pages without JavaScript — the form posted url-encoded (multipart for
 * photos) through every step to the confirmation and the report page; refused forms come back
 * filled (422); user text is inert; duplicates step; double submit; no personal data in public;
 * follow/unfollow; list filters; the clusters API.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import type { Actor } from '../../../core/audit/audit.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';
import { seedReportCategories } from '../categories.service.js';
import '../reports.tables.js';

const actor: Actor = { userId: null, label: 'test' };
const MEUBLES = '1002'; // Objets abandonnés › Meubles et éléments de décoration
const north = (metres: number) => metres / 111_195;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  await seedReportCategories(t.core, actor);
});

afterAll(async () => {
  await t?.close();
});

/** A point somewhere in Paris, far from the others, so that no test sees another's duplicates. */
let spread = 0;
function freshPoint(): { lat: string; lon: string } {
  spread += 1;
  return {
    lat: (48.83 + (spread % 10) * 0.003).toFixed(6),
    lon: (2.3 + Math.floor(spread / 10) * 0.004).toFixed(6),
  };
}

function base(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    idempotencyKey: randomUUID(),
    categoryId: MEUBLES,
    // The category's questions were on the page (see the questions step's own test).
    questionsFor: MEUBLES,
    description: 'Un canapé abandonné sur le trottoir',
    action: 'submit',
    ...overrides,
  };
}

async function post(browser: Browser, fields: Record<string, string>) {
  return browser.post('/signalements/nouveau', fields);
}

async function postMultipart(
  browser: Browser,
  fields: Record<string, string>,
  files: { filename: string; type: string; content: Buffer }[],
): Promise<LightMyRequestResponse> {
  const page = await browser.get('/signalements/nouveau');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----r3${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
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

const jpeg = () =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: '#6a8f3c' } })
    .jpeg()
    .toBuffer();

function referenceOf(response: LightMyRequestResponse): string {
  expect(response.statusCode).toBe(303);
  const match = /^\/signalements\/merci\/(DMR-\d{4}-\d{6,})$/.exec(String(response.headers.location));
  expect(match).not.toBeNull();
  return match?.[1] ?? '';
}

async function countReports(): Promise<number> {
  const row = await t.core.db
    .selectFrom('report_report')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the form without JavaScript', () => {
  it('shows the categories by top level, the arrondissements, a fresh idempotency key each time', async () => {
    const browser = new Browser(t.app);
    const page = await browser.get('/signalements/nouveau');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('Objets abandonnés');
    expect(page.body).toContain(`value="${MEUBLES}"`);
    expect(page.body).toContain('5e — Panthéon');
    expect(page.body).toContain('1er — Louvre');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)?.[1];
    const again = await browser.get('/signalements/nouveau');
    expect(key).toBeTruthy();
    expect(again.body).not.toContain(key);
    // Inactive categories are not offered.
    expect(page.body).not.toContain('value="1009"');
  });

  it('filters the tree server-side with ?q= and with the search button, keeping what was typed', async () => {
    const browser = new Browser(t.app);
    const page = await browser.get('/signalements/nouveau?q=meubles');
    expect(page.body).toContain(`value="${MEUBLES}"`);
    expect(page.body).not.toContain('Éclairage');
    const searched = await post(
      browser,
      base({ action: 'search', q: 'eclairage', address: '3 rue Soufflot' }),
    );
    expect(searched.statusCode).toBe(200);
    expect(searched.body).toContain('Éclairage');
    expect(searched.body).not.toContain('value="1006"'); // Épave de vélo: no match
    // The chosen category stays in sight, still chosen.
    expect(searched.body).toMatch(new RegExp(`value="${MEUBLES}"[^>]*checked`));
    expect(searched.body).toContain('value="3 rue Soufflot"');
  });

  it('reports with an address and an arrondissement: confirmation, then the report page', async () => {
    const browser = new Browser(t.app);
    const response = await post(
      browser,
      base({ address: '12 rue Mouffetard', arrondissement: '5', description: 'Une armoire devant le 12' }),
    );
    const reference = referenceOf(response);
    const thanks = await browser.get(String(response.headers.location));
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain(reference);
    expect(thanks.body).toContain(`href="/signalements/${reference}"`);
    const report = await browser.get(`/signalements/${reference}`);
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('Objets abandonnés › Meubles');
    expect(report.body).toContain('12 rue Mouffetard');
    expect(report.body).toContain('Une armoire devant le 12');
    expect(report.body).toContain('Panthéon');
    expect(report.body).toContain('Signalement reçu');
    // The routing sentence: the category path, the place, the service.
    expect(report.body).toMatch(/Objets abandonnés › Meubles[^<]*→/);
    // Placed at the arrondissement: the point is inside the 5e.
    const row = await t.core.db
      .selectFrom('report_report')
      .select(['arrondissement_code', 'address'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.arrondissement_code).toBe('5');
  });

  it('takes photos in a multipart form; a photo becomes public once accepted', async () => {
    const browser = new Browser(t.app);
    const response = await postMultipart(browser, base(freshPoint()), [
      { filename: 'canape.jpg', type: 'image/jpeg', content: await jpeg() },
    ]);
    const reference = referenceOf(response);
    const photo = await t.core.db
      .selectFrom('report_photo')
      .innerJoin('report_report', 'report_report.id', 'report_photo.report_id')
      .select(['report_photo.id', 'report_photo.status'])
      .where('report_report.reference', '=', reference)
      .executeTakeFirstOrThrow();
    if (photo.status !== 'accepted') {
      expect((await browser.get(`/signalements/photos/${photo.id}`)).statusCode).toBe(404);
      await t.core.db
        .updateTable('report_photo')
        .set({ status: 'accepted' })
        .where('id', '=', photo.id)
        .execute();
    }
    const image = await browser.get(`/signalements/photos/${photo.id}`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toContain('image/jpeg');
    expect(String(image.headers['cache-control'])).toContain('public');
    const page = await browser.get(`/signalements/${reference}`);
    expect(page.body).toContain(`src="/signalements/photos/${photo.id}"`);
  });
});

describe('the questions step', () => {
  it('shows the category questions on their own step, keeps the photos, then sends with the answer', async () => {
    const browser = new Browser(t.app);
    const fields = base({ ...freshPoint(), questionsFor: '' });
    const step = await postMultipart(browser, fields, [
      { filename: 'canape.jpg', type: 'image/jpeg', content: await jpeg() },
    ]);
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('Volume approximatif');
    expect(step.body).toContain(`name="questionsFor" value="${MEUBLES}"`);
    expect(step.body).toContain('Photos déjà reçues : 1');
    const reference = referenceOf(
      await post(browser, { ...fields, questionsFor: MEUBLES, attr_volume: 'medium' }),
    );
    const row = await t.core.db
      .selectFrom('report_report')
      .select(['id', 'attributes'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row.attributes).toMatchObject({ volume: 'medium' });
    const photos = await t.core.db
      .selectFrom('report_photo')
      .select('id')
      .where('report_id', '=', row.id)
      .execute();
    expect(photos).toHaveLength(1);
  });
});

describe('refused forms come back filled (422)', () => {
  const typed = { address: '7 place du Panthéon', description: 'Texte tapé à garder', name: 'Camille' };

  async function expectRefused(response: LightMyRequestResponse, field: string) {
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('class="error-summary"');
    expect(response.body).toContain(`href="#field-${field}"`);
    expect(response.body).toContain('Texte tapé à garder');
    expect(response.body).toContain('value="7 place du Panthéon"');
    expect(response.body).toContain('value="Camille"');
    expect(response.body).toContain('les photos ne sont pas conservées');
  }

  it('no category', async () => {
    const before = await countReports();
    await expectRefused(
      await post(new Browser(t.app), base({ ...typed, ...freshPoint(), categoryId: '' })),
      'categoryId',
    );
    expect(await countReports()).toBe(before);
  });

  it('an inactive category', async () => {
    await expectRefused(
      await post(new Browser(t.app), base({ ...typed, ...freshPoint(), categoryId: '1009' })),
      'categoryId',
    );
  });

  it('no place at all', async () => {
    await expectRefused(await post(new Browser(t.app), base(typed)), 'place');
  });

  it('a place outside Paris', async () => {
    const response = await post(new Browser(t.app), base({ ...typed, lat: '45.7640', lon: '4.8357' }));
    await expectRefused(response, 'place');
    expect(response.body).toContain('en dehors de la ville');
  });

  it('coordinates that are not numbers', async () => {
    const response = await post(new Browser(t.app), base({ ...typed, lat: 'quarante-huit', lon: '2.34' }));
    await expectRefused(response, 'lat');
    expect(response.body).toContain('value="quarante-huit"');
  });

  it('a 5,000-character description', async () => {
    const long = `Texte tapé à garder ${'x'.repeat(5000)}`;
    const response = await post(new Browser(t.app), base({ ...typed, ...freshPoint(), description: long }));
    await expectRefused(response, 'description');
  });

  it('a file named .jpg that is not an image, and an SVG', async () => {
    const notImage = await postMultipart(new Browser(t.app), base({ ...typed, ...freshPoint() }), [
      {
        filename: 'photo.jpg',
        type: 'image/jpeg',
        content: Buffer.from('this is not a picture at all, only text'),
      },
    ]);
    await expectRefused(notImage, 'photos');
    const svg = await postMultipart(new Browser(t.app), base({ ...typed, ...freshPoint() }), [
      {
        filename: 'dessin.svg',
        type: 'image/svg+xml',
        content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      },
    ]);
    await expectRefused(svg, 'photos');
  });

  it('more than three photos', async () => {
    const photo = { filename: 'a.jpg', type: 'image/jpeg', content: await jpeg() };
    const response = await postMultipart(new Browser(t.app), base({ ...typed, ...freshPoint() }), [
      photo,
      photo,
      photo,
      photo,
    ]);
    await expectRefused(response, 'photos');
  });
});

describe('user text is inert, and personal data never public', () => {
  it('HTML and script in every field are shown as text', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const browser = new Browser(t.app);
    const response = await post(
      browser,
      base({
        ...freshPoint(),
        address: evil,
        description: evil,
        name: evil,
        phone: '0612345678',
        email: 'evil@example.org',
      }),
    );
    const reference = referenceOf(response);
    const page = await browser.get(`/signalements/${reference}`);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script>alert');
  });

  it('no name, e-mail or phone of the reporter on any public page or API', async () => {
    const browser = new Browser(t.app);
    const point = freshPoint();
    const response = await post(
      browser,
      base({
        ...point,
        name: 'Zébulon Secretnom',
        email: 'zebulon.secret@example.org',
        phone: '06 98 76 54 32',
        description: 'Un fauteuil',
      }),
    );
    const reference = referenceOf(response);
    const pages = [
      `/signalements/merci/${reference}`,
      `/signalements/${reference}`,
      '/signalements',
      '/signalements?arrondissement=5',
      '/signalements/carte',
      `/api/signalements/clusters?minLat=48.8&minLon=2.2&maxLat=48.92&maxLon=2.45&zoom=18`,
    ];
    for (const url of pages) {
      const body = (await new Browser(t.app).get(url)).body;
      expect(body, url).not.toContain('Secretnom');
      expect(body, url).not.toContain('zebulon.secret');
      expect(body, url).not.toContain('98 76 54 32');
    }
  });
});

describe('duplicates and double submissions', () => {
  it('shows the open report of the same category within 50 m, with a follow button; confirming sends', async () => {
    const first = referenceOf(await post(new Browser(t.app), base({ lat: '48.8530', lon: '2.3499' })));
    const { browser } = await signedInBrowser(t.app, t.core);
    const near = base({
      lat: (48.853 + north(20)).toFixed(6),
      lon: '2.3499',
      description: 'Le même canapé ?',
    });
    const step = await post(browser, near);
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('Déjà signalé ? Suivez-le plutôt');
    expect(step.body).toContain(`href="/signalements/${first}"`);
    expect(step.body).toContain(`action="/signalements/${first}/suivre"`);
    expect(step.body).toContain('Mon problème est différent, envoyer');
    expect(step.body).toContain('value="Le même canapé ?"');
    // Following from the step.
    const followed = await browser.post(
      `/signalements/${first}/suivre`,
      { follow: '1', retour: `/signalements/${first}` },
      { csrfFrom: '/signalements/nouveau' },
    );
    expect(followed.statusCode).toBe(303);
    // Or sending anyway.
    const before = await countReports();
    const sent = await post(browser, { ...near, confirmed: '1' });
    const second = referenceOf(sent);
    expect(second).not.toBe(first);
    expect(await countReports()).toBe(before + 1);
  });

  it('an anonymous visitor gets a sign-in link instead of the follow button', async () => {
    const point = { lat: '48.8600', lon: '2.3560' };
    referenceOf(await post(new Browser(t.app), base(point)));
    const step = await post(new Browser(t.app), base(point));
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('/connexion?retour=');
  });

  it('the same idempotency key twice makes one report', async () => {
    const browser = new Browser(t.app);
    const fields = base(freshPoint());
    const before = await countReports();
    const one = referenceOf(await post(browser, fields));
    const two = referenceOf(await post(browser, fields));
    expect(two).toBe(one);
    expect(await countReports()).toBe(before + 1);
  });
});

describe('follow, my reports, list, clusters', () => {
  it('follows and unfollows from the report page; the account page lists both kinds', async () => {
    const { browser: reporter } = await signedInBrowser(t.app, t.core);
    const mine = referenceOf(await post(reporter, base(freshPoint())));
    const { browser } = await signedInBrowser(t.app, t.core);
    const page = await browser.get(`/signalements/${mine}`);
    expect(page.body).toContain('Suivre ce signalement');
    const follow = await browser.post(
      `/signalements/${mine}/suivre`,
      { follow: '1' },
      { csrfFrom: `/signalements/${mine}` },
    );
    expect(follow.statusCode).toBe(303);
    const after = await browser.get(`/signalements/${mine}`);
    expect(after.body).toContain('Ne plus suivre ce signalement');
    expect((await browser.get('/compte/signalements')).body).toContain(mine);
    expect((await reporter.get('/compte/signalements')).body).toContain(mine);
    await browser.post(
      `/signalements/${mine}/suivre`,
      { follow: '0' },
      { csrfFrom: `/signalements/${mine}` },
    );
    expect((await browser.get(`/signalements/${mine}`)).body).toContain('Suivre ce signalement');
    expect((await browser.get('/compte/signalements')).body).not.toContain(mine);
  });

  it('asks anonymous visitors to sign in to follow, and to see their reports', async () => {
    const reference = referenceOf(await post(new Browser(t.app), base(freshPoint())));
    const browser = new Browser(t.app);
    expect((await browser.get(`/signalements/${reference}`)).body).toContain(
      `/connexion?retour=${encodeURIComponent(`/signalements/${reference}`)}`,
    );
    const follow = await browser.post(
      `/signalements/${reference}/suivre`,
      { follow: '1' },
      { csrfFrom: '/signalements/nouveau' },
    );
    expect(follow.statusCode).toBe(303);
    expect(String(follow.headers.location)).toContain('/connexion');
    const account = await browser.get('/compte/signalements');
    expect(account.statusCode).toBe(303);
  });

  it('lists with filters and pagination; unknown reports are 404', async () => {
    const reference = referenceOf(
      await post(new Browser(t.app), base({ arrondissement: '13', address: 'place d’Italie' })),
    );
    const browser = new Browser(t.app);
    const list = await browser.get('/signalements?arrondissement=13&status=open');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(reference);
    expect((await browser.get('/signalements?arrondissement=12')).body).not.toContain(reference);
    expect((await browser.get('/signalements?arrondissement=13&status=closed')).body).not.toContain(
      reference,
    );
    const bad = await browser.get('/signalements?from=2026-02-31');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('href="#field-from"');
    expect((await browser.get('/signalements/carte?arrondissement=13')).body).toContain(reference);
    expect((await browser.get('/signalements/DMR-2020-999999')).statusCode).toBe(404);
  });

  it('the clusters API returns counts when zoomed out and single reports when zoomed in', async () => {
    const total = await countReports();
    const browser = new Browser(t.app);
    const wide = await browser.get(
      '/api/signalements/clusters?minLat=48.80&minLon=2.20&maxLat=48.92&maxLon=2.47&zoom=10',
    );
    expect(wide.statusCode).toBe(200);
    const clusters = wide.json().clusters as { count: number }[];
    expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(total);
    expect(clusters.some((c) => c.count > 1)).toBe(true);
    const close = await browser.get(
      '/api/signalements/clusters?minLat=48.8520&minLon=2.3490&maxLat=48.8540&maxLon=2.3510&zoom=19',
    );
    const points = close.json().clusters as { count: number; reference?: string; url?: string }[];
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.count === 1 && /^\/signalements\/DMR-/.test(p.url ?? ''))).toBe(true);
    expect(
      (await browser.get('/api/signalements/clusters?minLat=abc&minLon=2&maxLat=49&maxLon=3&zoom=3'))
        .statusCode,
    ).toBe(400);
  });

  it('after the fix, the reporter may rate it and reopen it with a message', async () => {
    const { browser: reporter } = await signedInBrowser(t.app, t.core);
    const reference = referenceOf(await post(reporter, base(freshPoint())));
    const here = `/signalements/${reference}`;
    expect((await reporter.get(here)).body).not.toContain('Toujours pas réparé ?');
    await t.core.db
      .updateTable('report_report')
      .set({ state: 'done', closed_at: new Date() })
      .where('reference', '=', reference)
      .execute();
    const page = await reporter.get(here);
    expect(page.body).toContain('Réparé correctement ?');
    expect(page.body).toContain('Toujours pas réparé ?');
    // Someone else sees neither.
    const other = await new Browser(t.app).get(here);
    expect(other.body).not.toContain('Toujours pas réparé ?');

    const rated = await reporter.post(`${here}/avis`, { satisfied: 'no' }, { csrfFrom: here });
    expect(rated.statusCode).toBe(303);
    const empty = await reporter.post(`${here}/rouvrir`, { message: '  ' }, { csrfFrom: here });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-message"');
    const reopened = await reporter.post(
      `${here}/rouvrir`,
      { message: 'Toujours là <script>x</script>' },
      { csrfFrom: here },
    );
    expect(reopened.statusCode).toBe(303);
    const row = await t.core.db
      .selectFrom('report_report')
      .select(['state', 'satisfied'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'to_process', satisfied: false });
    const after = await reporter.get(here);
    expect(after.body).toContain('Rouvert par la personne qui l’a signalé');
    expect(after.body).not.toContain('<script>x');
  });
});
