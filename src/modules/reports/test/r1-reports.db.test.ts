import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import type { Actor } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { loadConfig } from '../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../core/core.js';
import type { Database } from '../../../core/db/database.js';
import { ValidationError } from '../../../core/http/errors.js';
import { ImmediateJobQueue } from '../../../core/jobs/jobs.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../core/services.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../api-keys.js';
import {
  getCategory,
  saveCategory,
  searchCategoryTree,
  seedReportCategories,
} from '../categories.service.js';
import { photoGpsPosition } from '../photos.js';
import { reportsManifest } from '../reports.manifest.js';
import {
  findNearbyOpenReports,
  followedReports,
  followReport,
  getPublicReport,
  listPublicReports,
  mapClusters,
  myReports,
  photoFile,
  ReportValidationError,
  type SubmitReportInput,
  submitReport,
  unfollowReport,
} from '../reports.service.js';

const actor: Actor = { userId: null, label: 'test' };
const PANTHEON = { lat: 48.8462, lon: 2.3464 };
/** Metres → degrees of latitude. */
const north = (metres: number) => metres / 111_195;
const DEPOT_MEUBLES = '1002'; // Objets abandonnés › Meubles et éléments de décoration
const INACTIVE = '1009'; // Objets abandonnés › Déchets divers légers (inactive)

let database: Database;
let opened: OpenedCore;
let core: CoreServices;
let citizen: Viewer;
let admin: Viewer;

function input(overrides: Partial<SubmitReportInput> = {}): SubmitReportInput {
  return {
    categoryId: DEPOT_MEUBLES,
    ...PANTHEON,
    description: 'Un canapé abandonné devant le Panthéon',
    reporter: {},
    channel: 'web',
    ...overrides,
  };
}

async function fields(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

async function countReports(): Promise<number> {
  const row = await core.db
    .selectFrom('report_report')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function makeUser(email: string, isAdmin = false): Promise<Viewer> {
  const row = await core.db
    .insertInto('account_user')
    .values({
      email,
      display_name: email,
      is_admin: isAdmin,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    email,
    displayName: email,
    locale: 'fr',
    isAdmin,
    emailVerified: true,
    memberships: [],
  };
}

const jpeg = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: '#6a8f3c' } })
    .jpeg()
    .toBuffer();

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vo-r1-')),
    DEMO: 'false',
  });
  opened = await createCore(config, { database, jobs: new ImmediateJobQueue(), migrate: false });
  core = opened.core;
  await seedParisDemo(core.db);
  const first = await seedReportCategories(core, actor);
  expect(first.created).toBeGreaterThan(150);
  expect(first.unknownServiceCodes).toEqual([]);
  citizen = await makeUser('citoyenne@example.org');
  admin = await makeUser('admin-r1@example.org', true);
}, 120_000);

afterAll(async () => {
  await opened?.close();
  await database?.close();
});

describe('categories', () => {
  it('seeding again changes nothing', async () => {
    const again = await seedReportCategories(core, actor);
    expect(again).toMatchObject({ created: 0, updated: 0 });
  });

  it('leaves inherit the top level service, target and questions', async () => {
    const meubles = (await getCategory(core, DEPOT_MEUBLES))!;
    expect(meubles.pathLabel).toBe('Objets abandonnés › Meubles et éléments de décoration');
    expect(meubles.selectable).toBe(true);
    expect(meubles.effectiveTargetDays).toBe(3);
    expect(meubles.extraQuestions.map((q) => q.code)).toEqual(['volume']);
    expect((await getCategory(core, INACTIVE))!.selectable).toBe(false);
    const found = await searchCategoryTree(core, 'meubles deco', { leavesOnly: true });
    expect(found[0]?.id).toBe(DEPOT_MEUBLES);
  });

  it('renaming keeps the old label as an alias; only admins may edit', async () => {
    const before = (await getCategory(core, '1003'))!;
    const edit = {
      id: '1003',
      label: 'Planches, palettes et caisses',
      parentId: before.parentId,
      defaultServiceId: before.defaultServiceId,
      targetDays: 5,
      extraQuestions: before.extraQuestions,
      active: true,
    };
    await expect(saveCategory(core, citizen, edit, actor)).rejects.toMatchObject({ status: 403 });
    const saved = await saveCategory(core, admin, edit, actor);
    expect(saved.label).toBe('Planches, palettes et caisses');
    expect(saved.aliases).toContain('Planches et palettes');
    expect(saved.version).toBe(before.version + 1);
    expect((await searchCategoryTree(core, 'planches et palettes'))[0]?.id).toBe('1003');
    const bad = await fields(
      saveCategory(core, admin, { ...edit, label: ' ', parentId: '1003', targetDays: 0 }, actor),
    );
    expect(bad).toEqual({
      label: 'reports.categories.label_required',
      parentId: 'reports.categories.bad_parent',
      targetDays: 'reports.categories.bad_target_days',
    });
  });
});

describe('submitReport', () => {
  it('routes a dumped sofa at the Panthéon to the 5e cleanliness division, with a reference and a timeline', async () => {
    const result = await submitReport(
      core,
      input({
        attributes: { volume: 'medium' },
        reporter: { userId: citizen.id, email: 'Citoyenne@Example.org' },
      }),
      actor,
    );
    expect(result.created).toBe(true);
    expect(result.reference).toMatch(/^DMR-\d{4}-\d{6}$/);
    const row = await core.db
      .selectFrom('report_report as r')
      .innerJoin('org_service as s', 's.id', 'r.service_id')
      .select([
        's.code',
        'r.arrondissement_code',
        'r.quartier_name',
        'r.routing',
        'r.state',
        'r.attributes',
        'r.reporter_email',
        'r.location',
      ])
      .where('r.id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(row.code).toBe('DPE-PROP-05');
    expect(row.arrondissement_code).toBe('5');
    expect(row.quartier_name).toBeTruthy();
    expect(row.state).toBe('new');
    expect(row.attributes).toEqual({ volume: 'medium' });
    expect(row.reporter_email).toBe('citoyenne@example.org');
    expect(row.location).toEqual({ x: PANTHEON.lon, y: PANTHEON.lat });
    expect(row.routing).toMatchObject({
      reason: 'sector_in_directorate',
      serviceCode: 'DPE-PROP-05',
      explanation: {
        key: 'reports.routing.explanation',
        category: 'Objets abandonnés › Meubles et éléments de décoration',
      },
    });
    const events = await core.db
      .selectFrom('report_event')
      .select(['kind', 'public'])
      .where('report_id', '=', result.id)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { kind: 'received', public: true },
      { kind: 'routed', public: true },
    ]);
    const audit = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', result.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('reports.report.submitted');
    const mine = await myReports(core, citizen);
    expect(mine.map((r) => r.reference)).toContain(result.reference);
  });

  it('refuses a place outside Paris, naming the city', async () => {
    const error = await submitReport(core, input({ lat: 48.95, lon: 2.6 }), actor).catch((e) => e);
    expect(error).toBeInstanceOf(ReportValidationError);
    expect(error.fields).toEqual({ location: 'reports.submit.outside_city' });
    expect(error.fieldParams.location).toEqual({ city: 'Paris' });
  });

  it('refuses coordinates that are not numbers, a missing, inactive or non-leaf category', async () => {
    expect(await fields(submitReport(core, input({ lat: Number.NaN }), actor))).toMatchObject({
      location: 'reports.submit.bad_point',
    });
    expect(
      await fields(submitReport(core, input({ lat: '48.8' as unknown as number }), actor)),
    ).toMatchObject({
      location: 'reports.submit.bad_point',
    });
    expect(await fields(submitReport(core, input({ categoryId: '' }), actor))).toMatchObject({
      categoryId: 'reports.submit.category_required',
    });
    expect(await fields(submitReport(core, input({ categoryId: INACTIVE }), actor))).toMatchObject({
      categoryId: 'reports.submit.category_inactive',
    });
    expect(await fields(submitReport(core, input({ categoryId: '1000' }), actor))).toMatchObject({
      categoryId: 'reports.submit.category_not_leaf',
    });
  });

  it('refuses a 5,000-character description (4,000 allowed through Open311), a bad e-mail, a bad answer', async () => {
    const before = await countReports();
    const problems = await fields(
      submitReport(
        core,
        input({ description: 'a'.repeat(5000), reporter: { email: 'nope' }, attributes: { volume: 'huge' } }),
        actor,
      ),
    );
    expect(problems).toEqual({
      description: 'reports.submit.description_too_long',
      email: 'reports.submit.bad_email',
      'attributes.volume': 'reports.submit.attribute_bad_value',
    });
    expect(await countReports()).toBe(before);
    const open311 = await submitReport(
      core,
      input({ description: 'b'.repeat(4000), channel: 'open311' }),
      actor,
    );
    expect(open311.created).toBe(true);
    await expect(submitReport(core, input({ description: 'b'.repeat(2001) }), actor)).rejects.toBeInstanceOf(
      ReportValidationError,
    );
  });

  it('refuses a .jpg that is not an image, an SVG, a 20 MB photo and a fourth photo', async () => {
    const before = await countReports();
    const photo = (data: Buffer, filename = 'photo.jpg') => ({ filename, mimetype: 'image/jpeg', data });
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"><rect width="50" height="50"/></svg>',
    );
    const cases: [Buffer, string][] = [
      [Buffer.from('%PDF-1.4 this is not a photo'), 'reports.photos.not_image'],
      [svg, 'reports.photos.not_image'],
      [Buffer.from('<!doctype html><script>alert(1)</script>'), 'reports.photos.not_image'],
      [Buffer.alloc(20 * 1024 * 1024, 0xff), 'reports.photos.too_large'],
    ];
    for (const [data, code] of cases) {
      expect(await fields(submitReport(core, input({ photos: [photo(data)] }), actor))).toEqual({
        photos: code,
      });
    }
    const good = photo(await jpeg());
    expect(await fields(submitReport(core, input({ photos: [good, good, good, good] }), actor))).toEqual({
      photos: 'reports.photos.too_many',
    });
    expect(await countReports()).toBe(before);
  });

  it('re-encodes photos without EXIF: the GPS position is readable from the upload only; pending photos stay private', async () => {
    const original = await sharp({
      create: { width: 2400, height: 1200, channels: 3, background: '#808080' },
    })
      .jpeg()
      .withExif({
        IFD0: { Make: 'TestPhone' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 50/1 4632/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 20/1 4704/100',
        },
      })
      .toBuffer();
    const gps = await photoGpsPosition(original);
    expect(gps?.lat).toBeCloseTo(48.8462, 4);
    expect(gps?.lon).toBeCloseTo(2.3464, 4);

    const result = await submitReport(
      core,
      input({ photos: [{ filename: 'IMG_1.JPG', mimetype: 'image/jpeg', data: original }] }),
      actor,
    );
    const stored = await core.db
      .selectFrom('report_photo')
      .selectAll()
      .where('report_id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'pending', kind: 'initial', width: 1600, height: 800 });
    const files = await readdir(path.join(core.config.dataDir, 'files', 'reports'));
    expect(files).toContain(stored.storage_key);
    const bytes = await readFile(path.join(core.config.dataDir, 'files', 'reports', stored.storage_key));
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(await photoGpsPosition(bytes)).toBeNull();
    expect(bytes.includes(Buffer.from('TestPhone'))).toBe(false);

    // Review on (Paris): not public until accepted.
    expect(await photoFile(core, stored.id, null)).toBeNull();
    expect((await getPublicReport(core, result.reference, null))!.photos).toEqual([]);
    await core.db
      .updateTable('report_photo')
      .set({ status: 'accepted' })
      .where('id', '=', stored.id)
      .execute();
    expect((await photoFile(core, stored.id, null))?.contentType).toBe('image/jpeg');
    expect((await getPublicReport(core, result.reference, null))!.photos.map((p) => p.id)).toEqual([
      stored.id,
    ]);
  });

  it('a double submission with one idempotency key makes one report', async () => {
    const key = `form-${Date.now()}`;
    const before = await countReports();
    const [a, b] = await Promise.all([
      submitReport(core, input({ idempotencyKey: key }), actor),
      submitReport(core, input({ idempotencyKey: key }), actor),
    ]);
    expect(a.id).toBe(b.id);
    expect(a.reference).toBe(b.reference);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const again = await submitReport(core, input({ idempotencyKey: key }), actor);
    expect(again).toEqual({ id: a.id, reference: a.reference, created: false });
    expect(await countReports()).toBe(before + 1);
  });
});

describe('public views', () => {
  let nearId: string;
  let privateRef: string;

  beforeAll(async () => {
    const origin = { lat: 48.8566, lon: 2.3114 }; // 8e, away from the others
    nearId = (await submitReport(core, input(origin), actor)).id;
    const secret = await submitReport(
      core,
      input({
        lat: 48.853,
        lon: 2.3499,
        description: 'Visible description',
        reporter: {
          userId: citizen.id,
          name: 'Zoé Secrète',
          email: 'zoe.secrete@example.org',
          phone: '06 12 34 56 78',
        },
      }),
      actor,
    );
    privateRef = secret.reference;
  });

  it('finds an open report of the same category within 50 m, not at 80 m nor of another category', async () => {
    const at = (metres: number) => ({ categoryId: DEPOT_MEUBLES, lat: 48.8566 + north(metres), lon: 2.3114 });
    expect((await findNearbyOpenReports(core, at(40))).map((r) => r.id)).toEqual([nearId]);
    expect((await findNearbyOpenReports(core, at(40)))[0]!.distanceMetres).toBeGreaterThanOrEqual(39);
    expect(await findNearbyOpenReports(core, at(80))).toEqual([]);
    expect(await findNearbyOpenReports(core, { ...at(10), categoryId: '1001' })).toEqual([]);
  });

  it('never shows the reporter’s name, e-mail or phone', async () => {
    const report = await getPublicReport(core, privateRef.toLowerCase(), null);
    expect(report?.description).toBe('Visible description');
    const list = await listPublicReports(core, {}, { page: 1, pageSize: 100 });
    const clusters = await mapClusters(core, {
      bbox: { minLat: 48.8, minLon: 2.2, maxLat: 48.92, maxLon: 2.47 },
      zoom: 20,
      filters: {},
    });
    for (const output of [report, list, clusters]) {
      const json = JSON.stringify(output);
      expect(json).not.toContain('zoe.secrete');
      expect(json).not.toContain('Zoé');
      expect(json).not.toContain('06 12 34 56 78');
      expect(json).not.toContain(citizen.id);
    }
  });

  it('lists newest first with filters and pagination; clusters add up and single points carry their reference', async () => {
    const all = await listPublicReports(core, {}, { page: 1, pageSize: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.items[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(all.items[1]!.createdAt.getTime());
    const fifth = await listPublicReports(
      core,
      { arrondissementCode: '5', categoryId: '1000' },
      { page: 1, pageSize: 100 },
    );
    expect(fifth.total).toBeGreaterThan(0);
    expect(fifth.items.every((r) => r.arrondissementCode === '5' && r.categoryId.startsWith('10'))).toBe(
      true,
    );
    expect((await listPublicReports(core, { states: ['done'] }, { page: 1, pageSize: 10 })).total).toBe(0);

    const paris = { minLat: 48.8, minLon: 2.2, maxLat: 48.92, maxLon: 2.47 };
    const far = await mapClusters(core, { bbox: paris, zoom: 10, filters: {} });
    expect(far.clusters.reduce((sum, c) => sum + c.count, 0)).toBe(all.total);
    const near = await mapClusters(core, { bbox: paris, zoom: 22, filters: {} });
    const single = near.clusters.find((c) => c.reference === privateRef);
    expect(single).toMatchObject({ count: 1, lat: 48.853, lon: 2.3499 });
  });

  it('follow and unfollow; archived reports are not public and cannot be followed', async () => {
    const other = await makeUser('suiveur@example.org');
    await followReport(core, other, nearId, actor);
    await followReport(core, other, nearId, actor); // twice: no error, one row
    expect((await followedReports(core, other)).map((r) => r.id)).toEqual([nearId]);
    expect(await getPublicReport(core, nearId, other)).toMatchObject({ following: true, followerCount: 1 });
    await unfollowReport(core, other, nearId, actor);
    expect(await followedReports(core, other)).toEqual([]);
    await expect(followReport(core, null, nearId, actor)).rejects.toMatchObject({ status: 401 });

    await core.db.updateTable('report_report').set({ state: 'archived' }).where('id', '=', nearId).execute();
    expect(await getPublicReport(core, nearId, null)).toBeNull();
    const list = await listPublicReports(core, {}, { page: 1, pageSize: 100 });
    expect(list.items.map((r) => r.id)).not.toContain(nearId);
    await expect(followReport(core, other, nearId, actor)).rejects.toMatchObject({
      code: 'reports.follow.not_public',
    });
  });

  it('account deletion anonymises the reports and drops the follows; the export lists them', async () => {
    const exported = await reportsManifest.personalData!(core, citizen.id);
    expect(JSON.stringify(exported)).toContain('zoe.secrete@example.org');
    await reportsManifest.anonymiseUser!(core, citizen.id);
    const rows = await core.db
      .selectFrom('report_report')
      .select(['reporter_name', 'reporter_email', 'reporter_phone'])
      .where('reference', '=', privateRef)
      .execute();
    expect(rows).toEqual([{ reporter_name: '', reporter_email: '', reporter_phone: '' }]);
    expect(await myReports(core, citizen)).toEqual([]);
  });
});

describe('API keys', () => {
  it('creates a key shown once and stored hashed, verifies it, revokes it', async () => {
    const { id, key } = await createApiKey(core, ' Application mobile ', actor);
    expect(key.length).toBeGreaterThanOrEqual(40);
    const row = await core.db
      .selectFrom('report_api_key')
      .select('key_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).not.toContain(key);
    expect(await verifyApiKey(core, key)).toEqual({ id, name: 'Application mobile' });
    expect(await verifyApiKey(core, `${key}x`)).toBeNull();
    await revokeApiKey(core, id, actor);
    expect(await verifyApiKey(core, key)).toBeNull();
    expect((await listApiKeys(core)).find((k) => k.id === id)?.revokedAt).toBeInstanceOf(Date);
    await expect(revokeApiKey(core, id, actor)).rejects.toMatchObject({ status: 404 });
    await expect(createApiKey(core, '  ', actor)).rejects.toBeInstanceOf(Error);
    const audit = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['reports.api_key.created', 'reports.api_key.revoked']);
  });
});
