import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { Db } from '../db/database.js';
import { layerFeatures, layerVersions } from './areas.store.js';
import type { AreaGeometry, Position } from './geojson.js';

export interface LatLon {
  lat: number;
  lon: number;
}

/** What a located point gets: enough to store on a row and to show. */
export interface AreaRef {
  id: string;
  code: string;
  name: string;
}

interface IndexedArea extends AreaRef {
  geometry: AreaGeometry;
}

interface LayerIndex {
  version: number;
  areas: IndexedArea[];
  tree: Flatbush;
}

export interface AreaIndexOptions {
  /** How often an instance asks the database whether a layer changed (ms). */
  refreshEveryMs?: number;
  /** A point outside every area but this close to one (metres) is given to the nearest. */
  toleranceMetres?: number;
  now?: () => number;
}

const METRES_PER_DEGREE = (Math.PI * 6_371_008.8) / 180;

/**
 * Which areas contain a point, for every imported layer.
 *
 * - Each layer has a Flatbush index over its areas' bounding boxes; candidates are then
 *   checked exactly with a point-in-polygon test (holes respected, borders count as inside).
 * - A point in several areas of a layer (on a shared border, or where a layer's areas
 *   overlap) goes to the area with the smallest code in natural order ("4" before "5",
 *   "10" after "9"): the same answer on every instance and after every re-import.
 * - A point in no area but within `toleranceMetres` (30 m) of one goes to the nearest
 *   (ties: smallest code again) — it absorbs slivers and gaps between badly joined shapes
 *   and points a few metres past the city's edge. Beyond that the point is outside: null.
 * - Freshness: an import through this process marks the index stale at once. Other app
 *   instances compare each layer's `area_layer.updated_at` with the version they loaded, at
 *   most every `refreshEveryMs` (30 s), with one small query, and reload only changed layers.
 */
export class AreaIndex {
  private layers = new Map<string, LayerIndex>();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | null = null;
  private readonly refreshEveryMs: number;
  private readonly toleranceMetres: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: AreaIndexOptions = {},
  ) {
    this.refreshEveryMs = options.refreshEveryMs ?? 30_000;
    this.toleranceMetres = options.toleranceMetres ?? 30;
    this.now = options.now ?? Date.now;
  }

  /** Forces a version check on the next lookup (after an import or deletion here). */
  markStale(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  async refresh(): Promise<void> {
    if (this.now() - this.checkedAt < this.refreshEveryMs) return;
    if (!this.pending) {
      this.pending = this.reload().finally(() => {
        this.pending = null;
      });
    }
    await this.pending;
  }

  private async reload(): Promise<void> {
    const checkedAt = this.now();
    const versions = await layerVersions(this.db);
    const next = new Map<string, LayerIndex>();
    for (const [layerId, version] of versions) {
      const current = this.layers.get(layerId);
      if (current && current.version === version) {
        next.set(layerId, current);
        continue;
      }
      const built = await this.build(layerId, version);
      if (built) next.set(layerId, built);
    }
    this.layers = next;
    this.checkedAt = checkedAt;
  }

  private async build(layerId: string, version: number): Promise<LayerIndex | null> {
    const rows = await layerFeatures(this.db, layerId);
    if (rows.length === 0) return null;
    const tree = new Flatbush(rows.length);
    const areas: IndexedArea[] = [];
    for (const row of rows) {
      const [minX, minY, maxX, maxY] = geometryBBox(row.geometry);
      tree.add(minX, minY, maxX, maxY);
      areas.push({ id: row.id, code: row.code, name: row.name, geometry: row.geometry });
    }
    tree.finish();
    return { version, areas, tree };
  }

  /** The layers currently indexed. */
  async layerIds(): Promise<string[]> {
    await this.refresh();
    return [...this.layers.keys()].sort();
  }

  /** For each layer, the area containing the point, or null when it is outside the layer. */
  async locate(point: LatLon): Promise<Record<string, AreaRef | null>> {
    await this.refresh();
    const result: Record<string, AreaRef | null> = {};
    for (const layerId of [...this.layers.keys()].sort()) {
      result[layerId] = this.find(this.layers.get(layerId) as LayerIndex, point);
    }
    return result;
  }

  /** The area of one layer containing the point; null if outside or if the layer does not exist. */
  async locateIn(layerId: string, point: LatLon): Promise<AreaRef | null> {
    await this.refresh();
    const layer = this.layers.get(layerId);
    return layer ? this.find(layer, point) : null;
  }

  private find(layer: LayerIndex, { lat, lon }: LatLon): AreaRef | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    const inside = layer.tree
      .search(lon, lat, lon, lat)
      .map((i) => layer.areas[i]!)
      .filter((area) => booleanPointInPolygon([lon, lat], area.geometry as never));
    if (inside.length > 0) return ref(inside.sort(byCode)[0]!);

    const dLat = this.toleranceMetres / METRES_PER_DEGREE;
    const dLon = dLat / Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
    let best: { area: IndexedArea; distance: number } | null = null;
    for (const i of layer.tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const area = layer.areas[i]!;
      const distance = distanceToGeometry(area.geometry, lon, lat);
      if (distance > this.toleranceMetres) continue;
      if (!best || distance < best.distance || (distance === best.distance && byCode(area, best.area) < 0)) {
        best = { area, distance };
      }
    }
    return best ? ref(best.area) : null;
  }
}

const collator = new Intl.Collator('en', { numeric: true });
const byCode = (a: AreaRef, b: AreaRef) => collator.compare(a.code, b.code) || a.id.localeCompare(b.id);
const ref = (area: IndexedArea): AreaRef => ({ id: area.id, code: area.code, name: area.name });

function rings(geometry: AreaGeometry): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

export function geometryBBox(geometry: AreaGeometry): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings(geometry)) {
    for (const [x, y] of ring) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

/** Metres from the point to the nearest edge, on a local flat projection (fine at city scale). */
export function distanceToGeometry(geometry: AreaGeometry, lon: number, lat: number): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  let best = Infinity;
  for (const ring of rings(geometry)) {
    for (let i = 0; i < ring.length - 1; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      const ax = (a[0] - lon) * kx;
      const ay = (a[1] - lat) * ky;
      const bx = (b[0] - lon) * kx;
      const by = (b[1] - lat) * ky;
      const dx = bx - ax;
      const dy = by - ay;
      const length2 = dx * dx + dy * dy;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2));
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < best) best = d;
    }
  }
  return best;
}
