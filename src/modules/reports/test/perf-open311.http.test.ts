/**
 * Open311 GET /requests with a box (the `bbox` extension): only reports in the box, newest first,
 * the same page whichever way the server reads it (newest reports then the box, or the spatial
 * index), and a clear spec error for a malformed box.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { refreshMapCells } from '../map-cells.js';
import { planBoxSearch } from '../open311/open311.service.js';
import { newestInBox, type Open311Search, searchOpen311Requests } from '../open311/open311.store.js';
import { submitReport } from '../reports.service.js';
import { childText, createR4World, parseXml, type R4World } from './r4-fixtures.js';

const BASE = '/open311/v2';
// Two blocks of the 5e: a dense one (30 reports) and a sparse one (3).
const DENSE = { minLon: 2.344, minLat: 48.845, maxLon: 2.35, maxLat: 48.849 };
const SPARSE = { minLon: 2.355, minLat: 48.84, maxLon: 2.36, maxLat: 48.843 };
const bboxParam = (b: typeof DENSE) => `${b.minLon},${b.minLat},${b.maxLon},${b.maxLat}`;

let t: TestApp;
let world: R4World;
/** References in order of creation (oldest first), per block. */
const dense: string[] = [];
const sparse: string[] = [];

const get = (url: string) => t.app.inject({ method: 'GET', url });
const referencesOf = (body: string) =>
  (JSON.parse(body) as { service_request_id: string }[]).map((r) => r.service_request_id);

beforeAll(async () => {
  t = await createTestApp();
  world = await createR4World(t.core);
  const actor = { userId: null, label: 'test' };
  const make = async (lat: number, lon: number) =>
    (
      await submitReport(
        t.core,
        {
          categoryId: world.plainLeafId,
          lat,
          lon,
          description: 'Graffiti',
          reporter: {},
          channel: 'open311',
        },
        actor,
      )
    ).reference;
  for (let i = 0; i < 30; i++) dense.push(await make(48.846 + (i % 6) * 0.0004, 2.345 + (i % 5) * 0.0009));
  for (let i = 0; i < 3; i++) sparse.push(await make(48.841 + i * 0.0005, 2.357));
  await refreshMapCells(t.core.db, t.core.config.city.map.center[0]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /requests with bbox', () => {
  it('lists only the reports in the box, newest first, in JSON and XML', async () => {
    const json = await get(`${BASE}/requests.json?bbox=${bboxParam(DENSE)}`);
    expect(json.statusCode).toBe(200);
    expect(referencesOf(json.body)).toEqual([...dense].reverse());
    const xml = parseXml((await get(`${BASE}/requests.xml?bbox=${bboxParam(SPARSE)}`)).body);
    expect(xml.children.map((r) => childText(r, 'service_request_id'))).toEqual([...sparse].reverse());
    // every other filter still applies
    const none = await get(`${BASE}/requests.json?bbox=${bboxParam(DENSE)}&status=closed`);
    expect(referencesOf(none.body)).toEqual([]);
    const all = referencesOf((await get(`${BASE}/requests.json`)).body);
    expect(all).toEqual(expect.arrayContaining([...dense, ...sparse]));
  });

  it('pages through a dense box read newest first, the same pages as the spatial index gives', async () => {
    // 30 of 33 reports in the box, 5 a page: reading the newest reports is the cheaper way.
    const plan = await planBoxSearch(t.core, DENSE, 10);
    expect(plan.newestFirstScan).toBeGreaterThanOrEqual(10);
    expect((await planBoxSearch(t.core, SPARSE, 10)).newestFirstScan).toBeNull();

    const page1 = referencesOf(
      (await get(`${BASE}/requests.json?bbox=${bboxParam(DENSE)}&page_size=5`)).body,
    );
    const page2 = referencesOf(
      (await get(`${BASE}/requests.json?bbox=${bboxParam(DENSE)}&page_size=5&page=2`)).body,
    );
    const newest = [...dense].reverse();
    expect(page1).toEqual(newest.slice(0, 5));
    expect(page2).toEqual(newest.slice(5, 10));

    const search: Open311Search = {
      kind: 'search',
      categoryIds: null,
      statuses: ['open', 'closed'],
      start: new Date(Date.now() - 86_400_000),
      end: new Date(Date.now() + 60_000),
      updatedAfter: null,
      updatedBefore: null,
      bbox: DENSE,
      limit: 5,
      offset: 5,
    };
    const byIndex = await searchOpen311Requests(t.core.db, search);
    // the 13 newest reports: the 3 of the sparse block, then 10 of the dense one (enough)
    const open = ['new', 'to_process', 'scheduled', 'transferred_third_party'];
    expect(await newestInBox(t.core.db, search, DENSE, open, 12)).toBeNull();
    const direct = await newestInBox(t.core.db, search, DENSE, open, 13);
    expect(direct?.map((r) => r.reference)).toEqual(newest.slice(5, 10));
    const byNewest = await searchOpen311Requests(t.core.db, search, { newestFirstScan: 13 });
    expect(byNewest.map((r) => r.reference)).toEqual(byIndex.map((r) => r.reference));
    expect(byNewest.map((r) => r.reference)).toEqual(newest.slice(5, 10));
    // a scan too short for the page falls back to the spatial index: same answer
    const short = await searchOpen311Requests(t.core.db, search, { newestFirstScan: 3 });
    expect(short.map((r) => r.reference)).toEqual(newest.slice(5, 10));
  });

  it('refuses a malformed box with the spec’s error list, in both formats', async () => {
    for (const bad of [
      '2.3,48.8,2.4',
      'a,b,c,d',
      '2.4,48.8,2.3,48.9',
      '2.3,95,2.4,96',
      '2.3,48.8,2.4,48.9,1',
      '',
    ]) {
      const response = await get(`${BASE}/requests.json?bbox=${encodeURIComponent(bad)}`);
      if (bad === '') {
        expect(response.statusCode).toBe(200); // empty = not sent (spec)
        continue;
      }
      expect(response.statusCode, bad).toBe(400);
      const errors = JSON.parse(response.body) as { code: number; description: string }[];
      expect(errors).toEqual([{ code: 400, description: expect.stringContaining('bbox') }]);
    }
    const xml = await get(`${BASE}/requests.xml?bbox=%3Cscript%3E`);
    expect(xml.statusCode).toBe(400);
    expect(xml.body).not.toContain('<script>');
    expect(childText(parseXml(xml.body).children[0]!, 'code')).toBe('400');
    const english = await t.app.inject({
      method: 'GET',
      url: `${BASE}/requests.json?bbox=1,2,3`,
      headers: { 'accept-language': 'en' },
    });
    expect(JSON.parse(english.body)[0].description).toMatch(/^bbox must be four/);
  });
});
