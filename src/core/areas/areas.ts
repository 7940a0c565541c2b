import type { Actor } from '../audit/audit.js';
import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db/database.js';
import type { Permissions } from '../permissions/permissions.js';
import { AreaIndex, type AreaIndexOptions, type AreaRef, type LatLon } from './area-index.js';
import {
  deleteLayer,
  getLayerGeoJson,
  type ImportAreaLayerInput,
  type ImportSummary,
  importAreaLayer,
  type LayerGeoJson,
  listLayers,
} from './areas.service.js';
import type { FeatureSummary, LayerRow } from './areas.store.js';
import { listFeatureSummaries } from './areas.store.js';

/**
 * The areas as the rest of the app uses them (`core.areas`): locate a point, list and serve
 * layers, and import or delete layers on behalf of a person (permission checked here).
 */
export class Areas {
  readonly index: AreaIndex;
  private readonly geojsonCache = new Map<string, { etag: string; value: LayerGeoJson }>();

  constructor(
    private readonly db: Db,
    private readonly permissions: Permissions,
    options: AreaIndexOptions = {},
  ) {
    this.index = new AreaIndex(db, options);
  }

  locate(point: LatLon): Promise<Record<string, AreaRef | null>> {
    return this.index.locate(point);
  }

  locateIn(layerId: string, point: LatLon): Promise<AreaRef | null> {
    return this.index.locateIn(layerId, point);
  }

  listLayers(): Promise<LayerRow[]> {
    return listLayers(this.db);
  }

  /** Every area of every layer, without shapes: for choosing a service's covered areas. */
  listAreas(): Promise<FeatureSummary[]> {
    return listFeatureSummaries(this.db);
  }

  /** The layer as GeoJSON with a version tag; the serialised text is kept until the layer changes. */
  async layerGeoJson(layerId: string): Promise<{ etag: string; body: string } | null> {
    const layer = (await listLayers(this.db)).find((l) => l.id === layerId);
    if (!layer) return null;
    const etag = `"${layer.id}-${layer.updatedAt.getTime()}-${layer.featureCount}"`;
    const cached = this.geojsonCache.get(layerId);
    if (cached && cached.etag === etag) return { etag, body: cached.value.body };
    const value = await getLayerGeoJson(this.db, layerId);
    if (!value) return null;
    this.geojsonCache.set(layerId, { etag, value });
    return { etag, body: value.body };
  }

  async importLayer(
    viewer: Viewer | null,
    input: ImportAreaLayerInput,
    actor: Actor,
  ): Promise<ImportSummary> {
    this.permissions.assert(viewer, 'areas.manage');
    const summary = await importAreaLayer(this.db, input, actor);
    this.index.markStale();
    return summary;
  }

  async deleteLayer(viewer: Viewer | null, layerId: string, actor: Actor): Promise<void> {
    this.permissions.assert(viewer, 'areas.manage');
    await deleteLayer(this.db, layerId, actor);
    this.index.markStale();
    this.geojsonCache.delete(layerId);
  }
}
