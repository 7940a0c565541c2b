/**
 * Reading and checking a GeoJSON layer of areas (pure: no I/O). Coordinates are WGS84
 * longitude/latitude, as RFC 7946 requires; each problem names the feature it was found in.
 */

export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

export interface ParsedArea {
  /** Position of the feature in the file, from 1 (as people count). */
  index: number;
  code: string;
  name: string;
  properties: Record<string, unknown>;
  geometry: AreaGeometry;
  bbox: BBox;
}

/** One reason the layer is refused: an i18n key and its parameters. */
export interface GeoJsonProblem {
  key: string;
  params: Record<string, string | number>;
}

export interface AreaLayerOptions {
  codeProperty: string;
  nameProperty: string;
}

export type ParseResult =
  | { ok: true; areas: ParsedArea[]; bbox: BBox }
  | { ok: false; problems: GeoJsonProblem[] };

/** Beyond this many problems the file is clearly wrong; listing more helps nobody. */
const MAX_PROBLEMS = 20;
/** Rings longer than this skip the self-intersection check (quadratic in the worst case). */
const MAX_RING_FOR_INTERSECTION_CHECK = 20_000;

const problem = (key: string, params: Record<string, string | number> = {}): GeoJsonProblem => ({
  key,
  params,
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseAreaLayer(input: string | unknown, options: AreaLayerOptions): ParseResult {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch {
      return { ok: false, problems: [problem('core.areas.errors.not_json')] };
    }
  }
  if (!isObject(data)) return { ok: false, problems: [problem('core.areas.errors.not_geojson')] };

  if (isObject(data.crs)) {
    const name = isObject(data.crs.properties) ? String(data.crs.properties.name ?? '') : '';
    if (name && !/CRS84$|EPSG::?4326$/i.test(name)) {
      return { ok: false, problems: [problem('core.areas.errors.crs', { crs: name.slice(0, 80) })] };
    }
  }

  let features: unknown[];
  if (data.type === 'FeatureCollection') {
    if (!Array.isArray(data.features)) {
      return { ok: false, problems: [problem('core.areas.errors.not_geojson')] };
    }
    features = data.features;
  } else if (data.type === 'Feature') {
    features = [data];
  } else {
    return { ok: false, problems: [problem('core.areas.errors.not_geojson')] };
  }
  if (features.length === 0) return { ok: false, problems: [problem('core.areas.errors.no_features')] };

  const problems: GeoJsonProblem[] = [];
  const areas: ParsedArea[] = [];
  const seenCodes = new Map<string, number>();
  for (let i = 0; i < features.length && problems.length < MAX_PROBLEMS; i++) {
    const index = i + 1;
    const feature = features[i];
    if (!isObject(feature) || feature.type !== 'Feature') {
      problems.push(problem('core.areas.errors.not_feature', { index }));
      continue;
    }
    const properties = isObject(feature.properties) ? feature.properties : {};
    const code = propertyText(properties[options.codeProperty]);
    const name = propertyText(properties[options.nameProperty]);
    if (!code) {
      problems.push(problem('core.areas.errors.missing_property', { index, property: options.codeProperty }));
    }
    if (!name) {
      problems.push(problem('core.areas.errors.missing_property', { index, property: options.nameProperty }));
    }
    if (code) {
      const first = seenCodes.get(code);
      if (first !== undefined) {
        problems.push(problem('core.areas.errors.duplicate_code', { index, code, first }));
      } else {
        seenCodes.set(code, index);
      }
    }
    const geometry = feature.geometry;
    if (!isObject(geometry) || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
      const type = isObject(geometry) ? String(geometry.type ?? '?') : 'null';
      problems.push(problem('core.areas.errors.not_polygon', { index, type: type.slice(0, 40) }));
      continue;
    }
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    if (!Array.isArray(polygons) || polygons.length === 0) {
      problems.push(problem('core.areas.errors.no_coordinates', { index }));
      continue;
    }
    const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    let valid = true;
    for (const polygon of polygons) {
      if (!Array.isArray(polygon) || polygon.length === 0) {
        problems.push(problem('core.areas.errors.no_coordinates', { index }));
        valid = false;
        break;
      }
      for (const ring of polygon) {
        const ringProblem = checkRing(ring, index, bbox);
        if (ringProblem) {
          problems.push(ringProblem);
          valid = false;
          break;
        }
      }
      if (!valid) break;
    }
    if (!valid || !code || !name) continue;
    areas.push({
      index,
      code,
      name,
      properties,
      geometry:
        geometry.type === 'Polygon'
          ? { type: 'Polygon', coordinates: geometry.coordinates as Ring[] }
          : { type: 'MultiPolygon', coordinates: geometry.coordinates as Ring[][] },
      bbox,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const area of areas) extend(bbox, area.bbox);
  return { ok: true, areas, bbox };
}

function propertyText(value: unknown): string {
  if (typeof value === 'string') return value.trim().slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function extend(bbox: BBox, other: BBox) {
  bbox[0] = Math.min(bbox[0], other[0]);
  bbox[1] = Math.min(bbox[1], other[1]);
  bbox[2] = Math.max(bbox[2], other[2]);
  bbox[3] = Math.max(bbox[3], other[3]);
}

function checkRing(ring: unknown, index: number, bbox: BBox): GeoJsonProblem | null {
  if (!Array.isArray(ring)) return problem('core.areas.errors.no_coordinates', { index });
  for (const position of ring) {
    if (
      !Array.isArray(position) ||
      position.length < 2 ||
      typeof position[0] !== 'number' ||
      typeof position[1] !== 'number' ||
      !Number.isFinite(position[0]) ||
      !Number.isFinite(position[1])
    ) {
      return problem('core.areas.errors.bad_coordinate', { index });
    }
    const [lon, lat] = position as [number, number];
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      return problem('core.areas.errors.out_of_range', { index, lon, lat });
    }
  }
  const positions = ring as Position[];
  if (positions.length < 4) return problem('core.areas.errors.ring_too_short', { index });
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1])
    return problem('core.areas.errors.ring_not_closed', { index });

  // Repeated consecutive points are allowed by the format; drop them before judging the shape.
  const distinct: Position[] = [];
  for (const p of positions) {
    const previous = distinct[distinct.length - 1];
    if (!previous || previous[0] !== p[0] || previous[1] !== p[1]) distinct.push(p);
  }
  if (distinct.length < 4 || Math.abs(signedArea(distinct)) === 0) {
    return problem('core.areas.errors.ring_degenerate', { index });
  }
  if (distinct.length <= MAX_RING_FOR_INTERSECTION_CHECK && selfIntersects(distinct)) {
    return problem('core.areas.errors.ring_self_intersects', { index });
  }
  for (const p of positions) {
    bbox[0] = Math.min(bbox[0], p[0]);
    bbox[1] = Math.min(bbox[1], p[1]);
    bbox[2] = Math.max(bbox[2], p[0]);
    bbox[3] = Math.max(bbox[3], p[1]);
  }
  return null;
}

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}

function orientation(a: Position, b: Position, c: Position): number {
  const value = (b[1] - a[1]) * (c[0] - b[0]) - (b[0] - a[0]) * (c[1] - b[1]);
  return value === 0 ? 0 : value > 0 ? 1 : -1;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

function segmentsIntersect(p1: Position, p2: Position, q1: Position, q2: Position): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(p1, p2, q1)) return true;
  if (o2 === 0 && onSegment(p1, p2, q2)) return true;
  if (o3 === 0 && onSegment(q1, q2, p1)) return true;
  if (o4 === 0 && onSegment(q1, q2, p2)) return true;
  return false;
}

/**
 * Does any edge of the closed ring cross a non-adjacent edge? A sweep over edges sorted by
 * their smallest longitude keeps this close to n·log n for the shapes cities draw.
 */
export function selfIntersects(ring: Position[]): boolean {
  const n = ring.length - 1; // edges; the last position repeats the first
  const edges = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.min(ring[a]![0], ring[a + 1]![0]) - Math.min(ring[b]![0], ring[b + 1]![0]),
  );
  for (let x = 0; x < edges.length; x++) {
    const i = edges[x]!;
    const a1 = ring[i]!;
    const a2 = ring[i + 1]!;
    const maxX = Math.max(a1[0], a2[0]);
    for (let y = x + 1; y < edges.length; y++) {
      const j = edges[y]!;
      const b1 = ring[j]!;
      const b2 = ring[j + 1]!;
      if (Math.min(b1[0], b2[0]) > maxX) break;
      const adjacent = Math.abs(i - j) === 1 || Math.abs(i - j) === n - 1;
      if (adjacent) continue;
      if (
        Math.max(a1[1], a2[1]) < Math.min(b1[1], b2[1]) ||
        Math.max(b1[1], b2[1]) < Math.min(a1[1], a2[1])
      ) {
        continue;
      }
      if (segmentsIntersect(a1, a2, b1, b2)) return true;
    }
  }
  return false;
}
