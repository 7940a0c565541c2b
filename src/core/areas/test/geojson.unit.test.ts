import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAreaLayer, selfIntersects } from '../geojson.js';

const resources = path.resolve(import.meta.dirname, '../../../../resources/areas');
const arrondissements = readFileSync(path.join(resources, 'paris_arrondissements.geojson'), 'utf8');
const quartiers = readFileSync(path.join(resources, 'paris_quartiers.geojson'), 'utf8');
const options = { codeProperty: 'code', nameProperty: 'name' };
const square = [
  [2.3, 48.8],
  [2.4, 48.8],
  [2.4, 48.9],
  [2.3, 48.9],
  [2.3, 48.8],
];
const feature = (coordinates: unknown, properties: Record<string, unknown> = { code: 'a', name: 'A' }) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates },
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

function problems(input: unknown) {
  const result = parseAreaLayer(input, options);
  if (result.ok) throw new Error('expected a refusal');
  return result.problems;
}

describe('parseAreaLayer', () => {
  it('accepts the real Paris arrondissements and quartiers', () => {
    const a = parseAreaLayer(arrondissements, { codeProperty: 'c_ar', nameProperty: 'l_aroff' });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.areas).toHaveLength(20);
    expect(a.areas.map((x) => x.code)).toContain('4');
    expect(a.bbox[0]).toBeGreaterThan(2.2);
    expect(a.bbox[2]).toBeLessThan(2.5);
    const q = parseAreaLayer(quartiers, { codeProperty: 'c_qu', nameProperty: 'l_qu' });
    expect(q.ok && q.areas.length).toBe(80);
  });

  it('accepts a single Feature and a MultiPolygon', () => {
    const single = parseAreaLayer(feature([square]), options);
    expect(single.ok).toBe(true);
    const multi = parseAreaLayer(
      collection({
        type: 'Feature',
        properties: { code: 1, name: 'M' },
        geometry: { type: 'MultiPolygon', coordinates: [[square]] },
      }),
      options,
    );
    expect(multi.ok && multi.areas[0]!.code).toBe('1');
  });

  it('refuses what is not JSON or not GeoJSON', () => {
    expect(problems('not json {')[0]!.key).toBe('core.areas.errors.not_json');
    expect(problems('{"type":"Topology"}')[0]!.key).toBe('core.areas.errors.not_geojson');
    expect(problems('[]')[0]!.key).toBe('core.areas.errors.not_geojson');
    expect(problems(collection())[0]!.key).toBe('core.areas.errors.no_features');
  });

  it('names the feature with the problem', () => {
    const open = problems(
      collection(feature([square]), feature([square.slice(0, 4)], { code: 'b', name: 'B' })),
    );
    expect(open[0]!).toEqual({ key: 'core.areas.errors.ring_not_closed', params: { index: 2 } });
    const point = problems(
      collection({
        type: 'Feature',
        properties: { code: 'p', name: 'P' },
        geometry: { type: 'Point', coordinates: [2, 48] },
      }),
    );
    expect(point[0]!).toEqual({ key: 'core.areas.errors.not_polygon', params: { index: 1, type: 'Point' } });
  });

  it('refuses bad coordinates, short, degenerate and self-intersecting rings', () => {
    expect(problems(feature([[[2.3, Number.NaN], ...square.slice(1)]]))[0]!.key).toBe(
      'core.areas.errors.bad_coordinate',
    );
    expect(problems(feature([[['2.3', 48.8], ...square.slice(1)]]))[0]!.key).toBe(
      'core.areas.errors.bad_coordinate',
    );
    expect(problems(feature([[[200, 48.8], ...square.slice(1, 4), [200, 48.8]]]))[0]!.key).toBe(
      'core.areas.errors.out_of_range',
    );
    expect(problems(feature([[square[0], square[1], square[0]]]))[0]!.key).toBe(
      'core.areas.errors.ring_too_short',
    );
    expect(problems(feature([[square[0], square[1], square[1], square[0]]]))[0]!.key).toBe(
      'core.areas.errors.ring_degenerate',
    );
    const bowtie = [
      [2.3, 48.8],
      [2.5, 48.9],
      [2.5, 48.8],
      [2.3, 48.95],
      [2.3, 48.8],
    ];
    expect(problems(feature([bowtie]))[0]!.key).toBe('core.areas.errors.ring_self_intersects');
  });

  it('requires the code and name properties, unique codes', () => {
    const missing = problems(feature([square], { name: 'A' }));
    expect(missing[0]!).toEqual({
      key: 'core.areas.errors.missing_property',
      params: { index: 1, property: 'code' },
    });
    const duplicate = problems(collection(feature([square]), feature([square])));
    expect(duplicate[0]!.key).toBe('core.areas.errors.duplicate_code');
  });

  it('detects crossings but not a plain square', () => {
    expect(selfIntersects(square as [number, number][])).toBe(false);
  });
});
