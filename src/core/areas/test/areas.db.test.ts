import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import { cliActor } from '../../audit/audit.js';
import type { Database } from '../../db/database.js';
import { ValidationError } from '../../http/errors.js';
import { corePermissions } from '../../permissions/permissions.js';
import { AreaIndex } from '../area-index.js';
import { importAreasFromFile } from '../areas.cli.js';
import { Areas } from '../areas.js';
import { GeoJsonError, getLayerGeoJson, importAreaLayer, listLayers } from '../areas.service.js';

const resources = path.resolve(import.meta.dirname, '../../../../resources/areas');
const arrondissementsFile = path.join(resources, 'paris_arrondissements.geojson');
const quartiersFile = path.join(resources, 'paris_quartiers.geojson');
const arrondissements = {
  layerId: 'arrondissements',
  name: 'Arrondissements',
  codeProperty: 'c_ar',
  nameProperty: 'l_aroff',
};

let database: Database;
let index: AreaIndex;

async function counts() {
  const features = await database.db
    .selectFrom('area_feature')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const audit = await database.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { features: Number(features.n), audit: Number(audit.n) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const summary = await importAreasFromFile(database.db, arrondissementsFile, arrondissements, cliActor);
  expect(summary).toEqual({ layerId: 'arrondissements', imported: 20, replaced: 0, removed: 0 });
  await importAreasFromFile(
    database.db,
    quartiersFile,
    { layerId: 'quartiers', name: 'Quartiers', codeProperty: 'c_qu', nameProperty: 'l_qu' },
    cliActor,
  );
  index = new AreaIndex(database.db);
});

afterAll(async () => {
  await database.close();
});

describe('importing the real Paris layers', () => {
  it('stores both layers, audited', async () => {
    const layers = await listLayers(database.db);
    expect(layers.map((l) => [l.id, l.featureCount])).toEqual([
      ['arrondissements', 20],
      ['quartiers', 80],
    ]);
    const audit = await database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'areas.layer_imported')
      .execute();
    expect(audit.map((a) => a.object_id).sort()).toEqual(['arrondissements', 'quartiers']);
    expect(audit[0]?.actor_label).toBe('cli');
  });

  it('serves a layer as GeoJSON without the source properties', async () => {
    const layer = await getLayerGeoJson(database.db, 'arrondissements');
    const data = JSON.parse(layer?.body ?? '{}');
    expect(data.type).toBe('FeatureCollection');
    expect(data.features).toHaveLength(20);
    expect(Object.keys(data.features[0].properties).sort()).toEqual(['code', 'id', 'layer', 'name']);
  });
});

describe('locating a point', () => {
  it('finds the arrondissement and the quartier of well-known places', async () => {
    const hotelDeVille = await index.locate({ lat: 48.8566, lon: 2.3522 });
    expect(hotelDeVille.arrondissements?.code).toBe('4');
    expect(hotelDeVille.quartiers?.name).toBe('Saint-Merri');
    expect((await index.locateIn('arrondissements', { lat: 48.8584, lon: 2.2945 }))?.code).toBe('7');
    expect((await index.locateIn('arrondissements', { lat: 48.853, lon: 2.3499 }))?.code).toBe('4'); // Notre-Dame
    expect((await index.locateIn('arrondissements', { lat: 48.8462, lon: 2.3464 }))?.code).toBe('5'); // Panthéon
  });

  it('gives a point in the Seine by the Pont Royal to one of its two banks, always the same', async () => {
    const point = { lat: 48.8603, lon: 2.3295 };
    const first = await index.locateIn('arrondissements', point);
    expect(['1', '7']).toContain(first?.code);
    expect(await index.locateIn('arrondissements', point)).toEqual(first);
  });

  it('gives a point on the border of the 4e and 5e to the smallest code', async () => {
    const data = JSON.parse(readFileSync(arrondissementsFile, 'utf8'));
    const ring = (code: number) =>
      data.features.find((f: { properties: { c_ar: number } }) => f.properties.c_ar === code).geometry
        .coordinates[0] as [number, number][];
    const fifth = new Set(ring(5).map((p) => p.join(',')));
    const shared = ring(4).find((p) => fifth.has(p.join(',')));
    expect(shared).toBeDefined();
    const [lon, lat] = shared as [number, number];
    expect((await index.locateIn('arrondissements', { lat, lon }))?.code).toBe('4');
  });

  it('takes the nearest area within 30 m, and reports outside beyond', async () => {
    const data = JSON.parse(readFileSync(arrondissementsFile, 'utf8'));
    const sixteenth = data.features.find((f: { properties: { c_ar: number } }) => f.properties.c_ar === 16);
    const west = (sixteenth.geometry.coordinates[0] as [number, number][]).reduce((a, b) =>
      b[0] < a[0] ? b : a,
    );
    const metre = 1 / (111_195 * Math.cos((west[1] * Math.PI) / 180));
    expect((await index.locateIn('arrondissements', { lat: west[1], lon: west[0] - 10 * metre }))?.code).toBe(
      '16',
    );
    expect(await index.locateIn('arrondissements', { lat: west[1], lon: west[0] - 200 * metre })).toBeNull();
  });

  it('reports places outside Paris as outside in every layer', async () => {
    expect(await index.locate({ lat: 48.8049, lon: 2.1204 })).toEqual({
      arrondissements: null,
      quartiers: null,
    }); // Versailles
    expect(await index.locate({ lat: 48.9362, lon: 2.3574 })).toEqual({
      arrondissements: null,
      quartiers: null,
    }); // Saint-Denis
    expect(await index.locateIn('no-such-layer', { lat: 48.8566, lon: 2.3522 })).toBeNull();
  });
});

describe('refusing a bad file', () => {
  const bad: [string, string, string][] = [
    ['not JSON', 'this is not json', 'core.areas.errors.not_json'],
    ['the wrong type', '{"type":"Point","coordinates":[2.3,48.8]}', 'core.areas.errors.not_geojson'],
    [
      'an open ring',
      JSON.stringify({
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
      }),
      'core.areas.errors.ring_not_closed',
    ],
    [
      'a NaN coordinate',
      '{"type":"Feature","properties":{"c_ar":1,"l_aroff":"A"},"geometry":{"type":"Polygon","coordinates":[[[2.3,48.8],[2.4,48.8],[2.4,"NaN"],[2.3,48.8]]]}}',
      'core.areas.errors.bad_coordinate',
    ],
  ];
  for (const [what, geojson, key] of bad) {
    it(`refuses ${what} with its reason and imports nothing`, async () => {
      const before = await counts();
      const error = await importAreaLayer(database.db, { ...arrondissements, geojson }, cliActor).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(GeoJsonError);
      expect(error.code).toBe(key);
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses a bad layer id before reading the file', async () => {
    const error = await importAreaLayer(
      database.db,
      { ...arrondissements, layerId: 'Bad Id!', geojson: '{}' },
      cliActor,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields.layerId).toBe('core.areas.errors.layer_id');
  });
});

describe('re-importing a layer', () => {
  it('replaces its features, keeping the ids of areas still there, and the index follows', async () => {
    const areas = new Areas(database.db, corePermissions());
    const before = await database.db
      .selectFrom('area_feature')
      .select(['id', 'code'])
      .where('layer_id', '=', 'arrondissements')
      .execute();
    const fourth = before.find((r) => r.code === '4');
    const data = JSON.parse(readFileSync(arrondissementsFile, 'utf8'));
    data.features = data.features.filter((f: { properties: { c_ar: number } }) => f.properties.c_ar <= 10);
    expect((await areas.locateIn('arrondissements', { lat: 48.8584, lon: 2.2945 }))?.code).toBe('7');
    expect((await areas.locateIn('arrondissements', { lat: 48.8635, lon: 2.2769 }))?.code).toBe('16');
    const admin = {
      id: 'x',
      email: null,
      displayName: '',
      locale: 'fr' as const,
      isAdmin: true,
      emailVerified: true,
      memberships: [],
    };
    const summary = await areas.importLayer(
      admin,
      { ...arrondissements, name: 'Arrondissements (1-10)', geojson: data },
      cliActor,
    );
    expect(summary).toEqual({ layerId: 'arrondissements', imported: 10, replaced: 20, removed: 10 });
    const after = await database.db
      .selectFrom('area_feature')
      .select(['id', 'code'])
      .where('layer_id', '=', 'arrondissements')
      .execute();
    expect(after).toHaveLength(10);
    expect(after.find((r) => r.code === '4')?.id).toBe(fourth?.id);
    expect(await areas.locateIn('arrondissements', { lat: 48.8635, lon: 2.2769 })).toBeNull();
    expect((await listLayers(database.db)).find((l) => l.id === 'arrondissements')?.name).toBe(
      'Arrondissements (1-10)',
    );
  });

  it('lets another instance see the change after its refresh interval', async () => {
    let now = 0;
    const other = new AreaIndex(database.db, { now: () => now });
    expect((await other.locateIn('arrondissements', { lat: 48.8584, lon: 2.2945 }))?.code).toBe('7');
    await importAreasFromFile(database.db, arrondissementsFile, arrondissements, cliActor);
    now = 10_000;
    expect((await other.layerIds()).length).toBe(2);
    expect(await other.locateIn('arrondissements', { lat: 48.8635, lon: 2.2769 })).toBeNull(); // still the old version
    now = 31_000;
    expect((await other.locateIn('arrondissements', { lat: 48.8635, lon: 2.2769 }))?.code).toBe('16');
  });
});
