import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import { type ImportSummary, importAreaLayer } from './areas.service.js';

export interface ImportAreasFileOptions {
  layerId: string;
  name: string;
  codeProperty: string;
  nameProperty: string;
}

/**
 * `ville import-areas <file>`: reads a GeoJSON file and imports it as one layer (all or
 * nothing). Errors are DomainErrors whose code is an i18n key, with the feature index in params.
 */
export async function importAreasFromFile(
  db: Db,
  filePath: string,
  options: ImportAreasFileOptions,
  actor: Actor,
  onProgress?: (message: string) => void,
): Promise<ImportSummary> {
  onProgress?.(`reading ${filePath}`);
  const text = await readFile(filePath, 'utf8');
  onProgress?.(`checking and importing ${text.length} characters as layer "${options.layerId}"`);
  const summary = await importAreaLayer(
    db,
    { ...options, geojson: text, source: path.basename(filePath) },
    actor,
  );
  onProgress?.(`layer "${summary.layerId}": ${summary.imported} areas (${summary.replaced} replaced)`);
  return summary;
}
