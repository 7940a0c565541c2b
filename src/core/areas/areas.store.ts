import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import '../db/core-tables.js';
import type { AreaGeometry, ParsedArea } from './geojson.js';

export interface LayerRow {
  id: string;
  name: string;
  source: string;
  featureCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface FeatureRow {
  id: string;
  layerId: string;
  code: string;
  name: string;
  geometry: AreaGeometry;
}

export interface FeatureSummary {
  id: string;
  layerId: string;
  code: string;
  name: string;
}

const toLayer = (row: {
  id: string;
  name: string;
  source: string;
  feature_count: number;
  created_at: Date;
  updated_at: Date;
}): LayerRow => ({
  id: row.id,
  name: row.name,
  source: row.source,
  featureCount: Number(row.feature_count),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function listLayerRows(db: Db): Promise<LayerRow[]> {
  const rows = await db.selectFrom('area_layer').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toLayer);
}

export async function findLayerRow(db: Db, layerId: string): Promise<LayerRow | null> {
  const row = await db.selectFrom('area_layer').selectAll().where('id', '=', layerId).executeTakeFirst();
  return row ? toLayer(row) : null;
}

/** The cheap question asked every 30 s by each app instance: has any layer changed? */
export async function layerVersions(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('area_layer').select(['id', 'updated_at']).execute();
  return new Map(rows.map((r) => [r.id, r.updated_at.getTime()]));
}

export async function layerFeatures(db: Db, layerId: string): Promise<FeatureRow[]> {
  const rows = await db
    .selectFrom('area_feature')
    .select(['id', 'layer_id', 'code', 'name', 'geometry'])
    .where('layer_id', '=', layerId)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    layerId: r.layer_id,
    code: r.code,
    name: r.name,
    geometry: (typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry) as AreaGeometry,
  }));
}

/** Every area without its shape: for pick lists (a service's covered areas). */
export async function listFeatureSummaries(db: Db): Promise<FeatureSummary[]> {
  const rows = await db
    .selectFrom('area_feature')
    .select(['id', 'layer_id', 'code', 'name'])
    .orderBy('layer_id')
    .execute();
  return rows
    .map((r) => ({ id: r.id, layerId: r.layer_id, code: r.code, name: r.name }))
    .sort(
      (a, b) => a.layerId.localeCompare(b.layerId) || a.code.localeCompare(b.code, 'fr', { numeric: true }),
    );
}

export async function existingFeatureIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('area_feature').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function countFeatures(db: Db, layerId?: string): Promise<number> {
  let query = db.selectFrom('area_feature').select((eb) => eb.fn.countAll<number>().as('n'));
  if (layerId) query = query.where('layer_id', '=', layerId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countLayers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('area_layer')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Writes a layer's features, keeping the id of an area whose code is still there (services
 * and other rows refer to area ids), and removing the areas that are gone. Call it in a transaction.
 */
export async function replaceLayer(
  tx: Db,
  layer: { id: string; name: string; source: string },
  areas: ParsedArea[],
): Promise<{ updated: number; inserted: number; removedIds: string[] }> {
  await tx
    .insertInto('area_layer')
    .values({ id: layer.id, name: layer.name, source: layer.source, feature_count: areas.length })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: layer.name,
        source: layer.source,
        feature_count: areas.length,
        updated_at: sql`clock_timestamp()`,
      }),
    )
    .execute();
  const before = await tx
    .selectFrom('area_feature')
    .select(['id', 'code'])
    .where('layer_id', '=', layer.id)
    .execute();
  const existing = new Map(before.map((r) => [r.code, r.id]));
  const kept = new Set(areas.map((a) => a.code));
  const removedIds = before.filter((r) => !kept.has(r.code)).map((r) => r.id);
  if (removedIds.length > 0) await tx.deleteFrom('area_feature').where('id', 'in', removedIds).execute();

  let updated = 0;
  const toInsert: ParsedArea[] = [];
  for (const area of areas) {
    const id = existing.get(area.code);
    if (!id) {
      toInsert.push(area);
      continue;
    }
    await tx
      .updateTable('area_feature')
      .set({
        name: area.name,
        properties: JSON.stringify(area.properties),
        geometry: JSON.stringify(area.geometry),
        bbox: boxText(area),
      })
      .where('id', '=', id)
      .execute();
    updated++;
  }
  // Shapes can be large: a few per statement keeps each query reasonable.
  for (let i = 0; i < toInsert.length; i += 25) {
    await tx
      .insertInto('area_feature')
      .values(
        toInsert.slice(i, i + 25).map((area) => ({
          layer_id: layer.id,
          code: area.code,
          name: area.name,
          properties: JSON.stringify(area.properties),
          geometry: JSON.stringify(area.geometry),
          bbox: boxText(area),
        })),
      )
      .execute();
  }
  return { updated, inserted: toInsert.length, removedIds };
}

function boxText(area: ParsedArea): string {
  const [minX, minY, maxX, maxY] = area.bbox;
  return `((${minX},${minY}),(${maxX},${maxY}))`;
}

export async function deleteLayerRow(tx: Db, layerId: string): Promise<string[]> {
  const ids = await tx.selectFrom('area_feature').select('id').where('layer_id', '=', layerId).execute();
  await tx.deleteFrom('area_layer').where('id', '=', layerId).execute();
  return ids.map((r) => r.id);
}
