import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import { buildApp } from '../../../app.js';
import { loadConfig } from '../../../core/config/config.js';
import type { Database } from '../../../core/db/database.js';
import type { App } from '../../../core/http/types.js';
import { ImmediateJobQueue } from '../../../core/jobs/jobs.js';
import { OPEN_DATA_COLUMNS } from '../domain/exports.js';
import { registerReportStats } from '../reports.opendata.js';
import { plantReports, SECRET, TRICKY_LABEL } from './r6-fixtures.js';

let app: App;
let database: Database;

/** RFC 4180 reader for the test: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string, delimiter = ','): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');
  return records;
}

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-r6-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false' });
  database = await createTestDatabase();
  await plantReports(database.db);
  const built = await buildApp(config, { database, jobs: new ImmediateJobQueue(), migrate: false });
  app = built.app;
  // The reports manifest registers these routes once it exists; until then the test does.
  if (!app.hasRoute({ method: 'GET', url: '/statistiques/signalements' })) {
    await registerReportStats(app, built.core);
  }
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('public statistics page', () => {
  it('shows the figures, charts with a spoken summary and a data table after each', async () => {
    const response = await app.inject({ method: 'GET', url: '/statistiques/signalements' });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('<h1>Statistiques des signalements</h1>');
    const charts = html.match(/<svg[^>]*role="img"[^>]*>/g) ?? [];
    expect(charts.length).toBe(4);
    for (const chart of charts) expect(chart).toMatch(/aria-label="Graphique en barres, [^"]+"/);
    // each chart is followed by its table with a caption and header scopes
    expect(
      html.match(/<\/svg><section class="table-wrapper"[^>]*><table class="table"><caption>/g)?.length,
    ).toBe(4);
    expect(html).toContain('scope="col"');
    expect(html).toContain('scope="row"');
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain('Service A');
    expect(html).toContain('/donnees/signalements.csv');
    // no personal data on a public page
    for (const secret of [SECRET.name, SECRET.email, SECRET.phone]) expect(html).not.toContain(secret);
  });

  it('filters by period, and refuses a date that is not one with an error linked to its field', async () => {
    const ok = await app.inject({
      method: 'GET',
      url: '/statistiques/signalements?du=2000-01-01&au=2000-01-31',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('aucun signalement');
    const bad = await app.inject({ method: 'GET', url: '/statistiques/signalements?du=31%2F02%2F2026&au=' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#field-du"');
    expect(bad.body).toContain('value="31/02/2026"');
    const reversed = await app.inject({
      method: 'GET',
      url: '/statistiques/signalements?du=2026-02-01&au=2026-01-01',
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('href="#field-au"');
  });

  it('is in English for English readers', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/statistiques/signalements',
      headers: { 'accept-language': 'en' },
    });
    expect(response.body).toContain('<h1>Report statistics</h1>');
  });
});

describe('open data', () => {
  it('serves the Table Schema with exactly the export columns', async () => {
    const response = await app.inject({ method: 'GET', url: '/donnees/signalements.schema.json' });
    expect(response.statusCode).toBe(200);
    const schema = response.json() as { fields: { name: string }[]; primaryKey: string };
    expect(schema.fields.map((f) => f.name)).toEqual([...OPEN_DATA_COLUMNS]);
    expect(schema.primaryKey).toBe('id_dmr');
  });

  it('exports RFC 4180 CSV with the schema columns, quoting a tricky label, archived left out', async () => {
    const response = await app.inject({ method: 'GET', url: '/donnees/signalements.csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv; charset=utf-8');
    expect(response.body.startsWith('\uFEFF')).toBe(false);
    const [header, ...rows] = parseCsv(response.body);
    expect(header).toEqual([...OPEN_DATA_COLUMNS]);
    expect(rows).toHaveLength(9);
    for (const row of rows) expect(row).toHaveLength(OPEN_DATA_COLUMNS.length);
    const col = (name: string) => OPEN_DATA_COLUMNS.indexOf(name as (typeof OPEN_DATA_COLUMNS)[number]);
    const tricky = rows.filter((row) => row[col('soustype')] === TRICKY_LABEL);
    expect(tricky).toHaveLength(5);
    // the raw text has the label quoted with its quotes doubled
    expect(response.body).toContain(`"${TRICKY_LABEL.replace(/"/g, '""')}"`);
    expect(rows.map((row) => row[col('numero')])).not.toContain('DMR-2026-000010');
    const first = rows[0]!;
    expect(first[col('type')]).toBe('Propreté');
    expect(first[col('code_postal')]).toBe('75001');
    expect(first[col('ville')]).toBe('Paris');
    expect(first[col('prefixe')]).toBe('S');
    expect(first[col('etat')]).toBe('Traité');
    expect(first[col('intervenant')]).toBe('Service A');
    expect(Number(first[col('x')])).toBeCloseTo(2.351, 6);
  });

  it('exports a spreadsheet variant with a BOM and semicolons', async () => {
    const response = await app.inject({ method: 'GET', url: '/donnees/signalements.csv?format=excel' });
    expect(response.statusCode).toBe(200);
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(response.body.slice(1), ';');
    expect(header).toEqual([...OPEN_DATA_COLUMNS]);
    expect(rows).toHaveLength(9);
    expect(rows.filter((row) => row.includes(TRICKY_LABEL))).toHaveLength(5);
    // decimal comma in the coordinates
    expect(rows[0]![OPEN_DATA_COLUMNS.indexOf('x')]).toMatch(/^2,\d+$/);
    const bad = await app.inject({ method: 'GET', url: '/donnees/signalements.csv?format=xls' });
    expect(bad.statusCode).toBe(400);
  });

  it('exports GeoJSON (RFC 7946) with the same properties', async () => {
    const response = await app.inject({ method: 'GET', url: '/donnees/signalements.geojson' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/geo+json');
    const doc = response.json() as {
      type: string;
      features: {
        type: string;
        geometry: { type: string; coordinates: number[] };
        properties: Record<string, unknown>;
      }[];
    };
    expect(doc.type).toBe('FeatureCollection');
    expect(doc.features).toHaveLength(9);
    for (const feature of doc.features) {
      expect(feature.type).toBe('Feature');
      expect(feature.geometry.type).toBe('Point');
      const [lon, lat] = feature.geometry.coordinates;
      expect(lon).toBeGreaterThan(2.3);
      expect(lat).toBeGreaterThan(48.8);
      expect(Object.keys(feature.properties)).toEqual([...OPEN_DATA_COLUMNS]);
    }
  });

  it('never exports the reporter’s name, email or phone, nor the description', async () => {
    for (const url of [
      '/donnees/signalements.csv',
      '/donnees/signalements.csv?format=excel',
      '/donnees/signalements.geojson',
    ]) {
      const body = (await app.inject({ method: 'GET', url })).body;
      expect(body.length, url).toBeGreaterThan(500);
      for (const secret of [
        SECRET.name,
        SECRET.email,
        SECRET.phone,
        SECRET.description,
        'Zoé',
        '@example.org',
      ]) {
        expect(body, `${url} leaks ${secret}`).not.toContain(secret);
      }
    }
  });
});
