import type { Actor } from '../audit/audit.js';
import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import { DomainError, NotFoundError, ValidationError } from '../http/errors.js';
import { forgetServiceAreas } from '../org/org.store.js';
import {
  countFeatures,
  deleteLayerRow,
  findLayerRow,
  type LayerRow,
  layerFeatures,
  listLayerRows,
  replaceLayer,
} from './areas.store.js';
import { type GeoJsonProblem, parseAreaLayer } from './geojson.js';

export interface ImportAreaLayerInput {
  /** A short stable id: `arrondissements`, `quartiers`, `dpe-secteurs`. */
  layerId: string;
  name: string;
  geojson: string | unknown;
  /** The feature property holding each area's code (unique in the layer) and its name. */
  codeProperty: string;
  nameProperty: string;
  /** Where the file came from (file name, URL, licence), kept with the layer. */
  source?: string;
}

export interface ImportSummary {
  layerId: string;
  /** Features in the layer after the import. */
  imported: number;
  /** Features of the previous version of the layer that were replaced (updated or removed). */
  replaced: number;
  /** Of those, the areas whose code is no longer in the file. */
  removed: number;
}

/** The file was refused: `code`/`params` give the first reason, `problems` all of them. */
export class GeoJsonError extends DomainError {
  constructor(readonly problems: GeoJsonProblem[]) {
    super(problems[0]?.key ?? 'core.areas.errors.not_geojson', 422, problems[0]?.params ?? {});
  }
}

export const LAYER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((tx) => work(tx));
}

/**
 * Imports (or replaces) a layer of areas, all or nothing: a single problem in the file and
 * nothing is written. An area keeps its id when its code is still in the new file.
 */
export async function importAreaLayer(
  db: Db,
  input: ImportAreaLayerInput,
  actor: Actor,
): Promise<ImportSummary> {
  const layerId = String(input.layerId ?? '').trim();
  const name = String(input.name ?? '').trim();
  const codeProperty = String(input.codeProperty ?? '').trim();
  const nameProperty = String(input.nameProperty ?? '').trim();
  const fields: Record<string, string> = {};
  if (!LAYER_ID_PATTERN.test(layerId)) fields.layerId = 'core.areas.errors.layer_id';
  if (!name) fields.name = 'core.areas.errors.name_required';
  else if (name.length > 200) fields.name = 'core.areas.errors.name_too_long';
  if (!codeProperty || codeProperty.length > 100) fields.codeProperty = 'core.areas.errors.property_required';
  if (!nameProperty || nameProperty.length > 100) fields.nameProperty = 'core.areas.errors.property_required';
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);

  const parsed = parseAreaLayer(input.geojson, { codeProperty, nameProperty });
  if (!parsed.ok) throw new GeoJsonError(parsed.problems);
  const source = String(input.source ?? '').slice(0, 500);

  return inTransaction(db, async (tx) => {
    const before = await countFeatures(tx, layerId);
    const result = await replaceLayer(tx, { id: layerId, name, source }, parsed.areas);
    await forgetServiceAreas(tx, result.removedIds);
    const summary: ImportSummary = {
      layerId,
      imported: parsed.areas.length,
      replaced: before,
      removed: result.removedIds.length,
    };
    await recordAudit(tx, actor, {
      action: 'areas.layer_imported',
      objectType: 'area_layer',
      objectId: layerId,
      details: { name, source, ...summary, bbox: parsed.bbox },
    });
    return summary;
  });
}

export async function listLayers(db: Db): Promise<LayerRow[]> {
  return listLayerRows(db);
}

export interface LayerGeoJson {
  layer: LayerRow;
  /** The FeatureCollection, serialised once. */
  body: string;
}

/** A layer as a FeatureCollection for maps: id, code, name of each area (not the source properties). */
export async function getLayerGeoJson(db: Db, layerId: string): Promise<LayerGeoJson | null> {
  const layer = await findLayerRow(db, layerId);
  if (!layer) return null;
  const features = await layerFeatures(db, layerId);
  const body = JSON.stringify({
    type: 'FeatureCollection',
    name: layer.id,
    features: features.map((f) => ({
      type: 'Feature',
      id: f.id,
      properties: { id: f.id, layer: layer.id, code: f.code, name: f.name },
      geometry: f.geometry,
    })),
  });
  return { layer, body };
}

export async function deleteLayer(db: Db, layerId: string, actor: Actor): Promise<void> {
  await inTransaction(db, async (tx) => {
    const layer = await findLayerRow(tx, layerId);
    if (!layer) throw new NotFoundError();
    const ids = await deleteLayerRow(tx, layerId);
    await forgetServiceAreas(tx, ids);
    await recordAudit(tx, actor, {
      action: 'areas.layer_deleted',
      objectType: 'area_layer',
      objectId: layerId,
      details: { name: layer.name, features: ids.length },
    });
  });
}
