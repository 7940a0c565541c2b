/**
 * Small geometry for reports, WGS84 degrees everywhere: distances, the bounding box used to
 * pre-filter the duplicate check (`point` + GiST in SQL, then exact haversine), and grid
 * clustering of the public map. See DOMAIN.md for the matching SQL.
 */
import { ReportRuleError } from './errors.js';

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface LatLon {
  lat: number;
  lon: number;
}

export interface BoundingBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

const toRad = (deg: number) => (deg * Math.PI) / 180;
const toDeg = (rad: number) => (rad * 180) / Math.PI;

export function isValidLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Great-circle distance in metres (haversine; error < 0.5 % — ample for "within 50 m"). */
export function haversineMetres(a: LatLon, b: LatLon): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The smallest lat/lon box containing every point within `radiusMetres` of the centre
 * (the longitude half-width uses asin(sin δ / cos φ), exact on the sphere). Clamped to the valid
 * range; a box reaching a pole spans every longitude. Not split at the antimeridian (a city
 * platform never needs it).
 */
export function boundingBox(center: LatLon, radiusMetres: number): BoundingBox {
  if (!isValidLatLon(center.lat, center.lon)) throw new ReportRuleError('reports.geo.bad_point');
  if (!Number.isFinite(radiusMetres) || radiusMetres < 0) throw new ReportRuleError('reports.geo.bad_radius');
  const delta = radiusMetres / EARTH_RADIUS_M;
  const dLat = toDeg(delta);
  const minLat = center.lat - dLat;
  const maxLat = center.lat + dLat;
  if (minLat <= -90 || maxLat >= 90) {
    return { minLat: Math.max(-90, minLat), minLon: -180, maxLat: Math.min(90, maxLat), maxLon: 180 };
  }
  const ratio = Math.sin(delta) / Math.cos(toRad(center.lat));
  const dLon = ratio >= 1 ? 180 : toDeg(Math.asin(ratio));
  return {
    minLat,
    maxLat,
    minLon: Math.max(-180, center.lon - dLon),
    maxLon: Math.min(180, center.lon + dLon),
  };
}

/** Inclusive on every edge. */
export function isWithin(lat: number, lon: number, bbox: BoundingBox): boolean {
  return lat >= bbox.minLat && lat <= bbox.maxLat && lon >= bbox.minLon && lon <= bbox.maxLon;
}

/** Exact radius check, after the bounding-box pre-filter. */
export function isWithinRadius(center: LatLon, point: LatLon, radiusMetres: number): boolean {
  return haversineMetres(center, point) <= radiusMetres;
}

// ---- grid clustering for the public map --------------------------------------------------

export const MIN_ZOOM = 0;
export const MAX_ZOOM = 22;
/** Width of a grid cell on screen; 64 px = four cells across a 256 px tile. */
export const DEFAULT_CELL_PIXELS = 64;

export interface CellSize {
  /** Degrees of longitude per cell. */
  lon: number;
  /** Degrees of latitude per cell (squeezed by cos(referenceLat) so cells look square on the map). */
  lat: number;
}

/**
 * Cell size for a Web-Mercator zoom level: a 256 px tile spans 360 / 2^zoom degrees of longitude.
 * Latitude cells are scaled by cos(referenceLat) (a degree of latitude is longer than a degree of
 * longitude on screen away from the equator); pass the map centre's latitude.
 */
export function gridCellSize(zoom: number, referenceLat = 0, cellPixels = DEFAULT_CELL_PIXELS): CellSize {
  if (!Number.isInteger(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) {
    throw new ReportRuleError('reports.geo.bad_zoom', { min: MIN_ZOOM, max: MAX_ZOOM });
  }
  if (!Number.isFinite(cellPixels) || cellPixels <= 0) throw new ReportRuleError('reports.geo.bad_cell_size');
  const lon = (360 / (256 * 2 ** zoom)) * cellPixels;
  const lat = lon * Math.cos(toRad(Math.max(-85, Math.min(85, referenceLat))));
  return { lon, lat };
}

export interface ClusterablePoint extends LatLon {
  id: string;
}

export interface Cluster {
  /** Grid cell: `floor(lon / cell.lon)` and `floor(lat / cell.lat)`. */
  cellX: number;
  cellY: number;
  count: number;
  /** Mean position of the points (where the map draws the bubble). */
  lat: number;
  lon: number;
  /** Extent of the points (zoom here to split the cluster). */
  bbox: BoundingBox;
  /** The report id when the cluster holds one point, so the map can draw a plain marker. */
  id: string | null;
}

export interface ClusterOptions {
  zoom: number;
  /** Only points inside this box (the visible map); its centre sets the cell's latitude scale. */
  bbox?: BoundingBox;
  cellPixels?: number;
}

/**
 * Group points into grid cells. Same arithmetic as the SQL version (floor of coordinate / cell
 * size), so a page rendered from SQL and a test on arrays agree. Output sorted by count (largest
 * first), then cell, for stable rendering.
 */
export function clusterPoints(points: readonly ClusterablePoint[], options: ClusterOptions): Cluster[] {
  const referenceLat = options.bbox ? (options.bbox.minLat + options.bbox.maxLat) / 2 : 0;
  const cell = gridCellSize(options.zoom, referenceLat, options.cellPixels);
  const cells = new Map<string, { cellX: number; cellY: number; points: ClusterablePoint[] }>();
  for (const point of points) {
    if (!isValidLatLon(point.lat, point.lon)) continue;
    if (options.bbox && !isWithin(point.lat, point.lon, options.bbox)) continue;
    const cellX = Math.floor(point.lon / cell.lon);
    const cellY = Math.floor(point.lat / cell.lat);
    const key = `${cellX}:${cellY}`;
    const entry = cells.get(key) ?? { cellX, cellY, points: [] };
    entry.points.push(point);
    cells.set(key, entry);
  }
  const clusters: Cluster[] = [];
  for (const { cellX, cellY, points: members } of cells.values()) {
    let sumLat = 0;
    let sumLon = 0;
    const bbox: BoundingBox = { minLat: 90, minLon: 180, maxLat: -90, maxLon: -180 };
    for (const p of members) {
      sumLat += p.lat;
      sumLon += p.lon;
      bbox.minLat = Math.min(bbox.minLat, p.lat);
      bbox.maxLat = Math.max(bbox.maxLat, p.lat);
      bbox.minLon = Math.min(bbox.minLon, p.lon);
      bbox.maxLon = Math.max(bbox.maxLon, p.lon);
    }
    clusters.push({
      cellX,
      cellY,
      count: members.length,
      lat: sumLat / members.length,
      lon: sumLon / members.length,
      bbox,
      id: members.length === 1 ? members[0]!.id : null,
    });
  }
  return clusters.sort((a, b) => b.count - a.count || a.cellX - b.cellX || a.cellY - b.cellY);
}
