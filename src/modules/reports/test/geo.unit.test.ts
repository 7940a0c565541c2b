import { describe, expect, it } from 'vitest';
import {
  boundingBox,
  clusterPoints,
  gridCellSize,
  haversineMetres,
  isValidLatLon,
  isWithin,
  isWithinRadius,
} from '../domain/geo.js';

const notreDame = { lat: 48.852968, lon: 2.349902 };
const eiffel = { lat: 48.85837, lon: 2.294481 };

describe('haversineMetres', () => {
  it('measures known distances', () => {
    // Notre-Dame ↔ Eiffel Tower ≈ 4.1 km
    expect(haversineMetres(notreDame, eiffel)).toBeGreaterThan(4_050);
    expect(haversineMetres(notreDame, eiffel)).toBeLessThan(4_150);
    expect(haversineMetres(notreDame, notreDame)).toBe(0);
    // one degree of latitude ≈ 111.2 km
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111_195, -1);
    // symmetric
    expect(haversineMetres(eiffel, notreDame)).toBeCloseTo(haversineMetres(notreDame, eiffel), 6);
  });
});

describe('boundingBox and isWithin', () => {
  it('contains every point of the circle and little more', () => {
    const box = boundingBox(notreDame, 50);
    // 50 m ≈ 0.00045° of latitude; ≈ 0.00068° of longitude at Paris
    expect(box.maxLat - notreDame.lat).toBeCloseTo(0.0004497, 6);
    expect(box.maxLon - notreDame.lon).toBeCloseTo(0.0006834, 6);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      // a point 49.9 m away in every direction is inside the box
      const rad = (bearing * Math.PI) / 180;
      const dLat = (49.9 / 111_195) * Math.cos(rad);
      const dLon = ((49.9 / 111_195) * Math.sin(rad)) / Math.cos((notreDame.lat * Math.PI) / 180);
      const p = { lat: notreDame.lat + dLat, lon: notreDame.lon + dLon };
      expect(haversineMetres(notreDame, p)).toBeLessThan(50);
      expect(isWithin(p.lat, p.lon, box)).toBe(true);
    }
    expect(isWithin(notreDame.lat + 0.0005, notreDame.lon, box)).toBe(false);
    expect(isWithin(eiffel.lat, eiffel.lon, box)).toBe(false);
    // the corner is in the box but not in the circle: the exact check follows the pre-filter
    expect(isWithin(box.maxLat, box.maxLon, box)).toBe(true);
    expect(isWithinRadius(notreDame, { lat: box.maxLat, lon: box.maxLon }, 50)).toBe(false);
  });

  it('clamps near the poles and refuses bad input', () => {
    expect(boundingBox({ lat: 89.9999, lon: 10 }, 1000)).toMatchObject({
      maxLat: 90,
      minLon: -180,
      maxLon: 180,
    });
    expect(() => boundingBox({ lat: 91, lon: 0 }, 10)).toThrow('reports.geo.bad_point');
    expect(() => boundingBox(notreDame, -1)).toThrow('reports.geo.bad_radius');
    expect(isValidLatLon(Number.NaN, 2)).toBe(false);
    expect(isValidLatLon(48, 181)).toBe(false);
  });
});

describe('clusterPoints', () => {
  it('computes cell sizes per zoom, squeezed by latitude', () => {
    expect(gridCellSize(0)).toEqual({ lon: 90, lat: 90 });
    const z12 = gridCellSize(12, 60);
    expect(z12.lon).toBeCloseTo(360 / 2 ** 12 / 4, 12);
    expect(z12.lat).toBeCloseTo(z12.lon / 2, 12);
    expect(() => gridCellSize(23)).toThrow('reports.geo.bad_zoom');
    expect(() => gridCellSize(1.5)).toThrow('reports.geo.bad_zoom');
  });

  it('groups points by cell with count, centroid and extent; singletons keep their id', () => {
    const points = [
      { id: 'a', lat: 48.853, lon: 2.3499 },
      { id: 'b', lat: 48.8531, lon: 2.3501 },
      { id: 'c', lat: 48.8532, lon: 2.35 },
      { id: 'd', lat: 48.8584, lon: 2.2945 },
      { id: 'far', lat: 43.2965, lon: 5.3698 }, // Marseille, outside the box
      { id: 'bad', lat: Number.NaN, lon: 2.35 },
    ];
    const bbox = { minLat: 48.8, minLon: 2.2, maxLat: 48.9, maxLon: 2.45 };
    const clusters = clusterPoints(points, { zoom: 14, bbox });
    expect(clusters).toHaveLength(2);
    const [big, single] = clusters;
    expect(big).toMatchObject({ count: 3, id: null });
    expect(big!.lat).toBeCloseTo(48.8531, 6);
    expect(big!.lon).toBeCloseTo(2.35, 6);
    expect(big!.bbox).toEqual({ minLat: 48.853, minLon: 2.3499, maxLat: 48.8532, maxLon: 2.3501 });
    expect(single).toMatchObject({ count: 1, id: 'd', lat: 48.8584, lon: 2.2945 });
    const cell = gridCellSize(14, 48.85);
    expect(single!.cellX).toBe(Math.floor(2.2945 / cell.lon));
    expect(single!.cellY).toBe(Math.floor(48.8584 / cell.lat));
  });

  it('merges everything at low zoom and splits everything at high zoom', () => {
    const points = Array.from({ length: 50 }, (_, i) => ({
      id: `p${i}`,
      lat: 48.85 + (i % 10) * 0.001,
      lon: 2.35 + Math.floor(i / 10) * 0.001,
    }));
    const low = clusterPoints(points, { zoom: 5 });
    expect(low).toHaveLength(1);
    expect(low[0]!.count).toBe(50);
    const high = clusterPoints(points, { zoom: 20 });
    expect(high).toHaveLength(50);
    expect(high.reduce((sum, c) => sum + c.count, 0)).toBe(50);
    expect(clusterPoints([], { zoom: 10 })).toEqual([]);
  });
});
