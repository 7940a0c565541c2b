import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCategoryTsv, pathLabel } from '../domain/categories.js';
import {
  CSV_RFC4180,
  CSV_SPREADSHEET_FR,
  csvField,
  type ExportableReport,
  OPEN_DATA_COLUMNS,
  openDataTableSchema,
  toGeoJson,
  toOpenDataRow,
  writeCsv,
} from '../domain/exports.js';

const tree = parseCategoryTsv(
  readFileSync(
    new URL('../../../../resources/reports/dansmarue_type_signalement.tsv', import.meta.url),
    'utf8',
  ),
);

function report(extra: Partial<ExportableReport> = {}): ExportableReport {
  return {
    id: 'b1f0c7e2-0000-4000-8000-000000000001',
    reference: 'DMR-2026-000123',
    channelPrefix: 'S',
    categoryPath: pathLabel(tree, '3405').split(' › '),
    address: '1 rue des Écoles',
    postcode: '75005',
    city: 'Paris',
    arrondissement: 5,
    // 23:30 UTC on 31 Dec = 00:30 on 1 Jan in Paris
    declaredAt: new Date('2025-12-31T23:30:00Z'),
    serviceName: 'Division propreté du 5e',
    neighbourhood: 'Sorbonne',
    lat: 48.849312345,
    lon: 2.349912345,
    state: 'done',
    stateChangedAt: new Date('2026-01-03T10:00:00Z'),
    ...extra,
  };
}

describe('open-data rows', () => {
  it('uses the DansMaRue dataset columns, in order, and no personal data', () => {
    expect(OPEN_DATA_COLUMNS).toEqual([
      'id_dmr',
      'type',
      'soustype',
      'adresse',
      'code_postal',
      'ville',
      'arrondissement',
      'datedecl',
      'anneedecl',
      'moisdecl',
      'numero',
      'prefixe',
      'intervenant',
      'conseilquartier',
      'x',
      'y',
      'etat',
      'dateetat',
    ]);
    for (const column of OPEN_DATA_COLUMNS) {
      expect(column).not.toMatch(/mail|nom|name|phone|tel|prenom|usager|user|commentaire|description|photo/);
    }
  });

  it('maps a report, in the city time zone', () => {
    const row = toOpenDataRow(report(), { stateLabel: (s) => (s === 'done' ? 'Service fait' : s) });
    expect(row).toEqual({
      id_dmr: 'b1f0c7e2-0000-4000-8000-000000000001',
      type: 'Propreté',
      soustype: 'Malpropreté du sol : Mégots',
      adresse: '1 rue des Écoles',
      code_postal: '75005',
      ville: 'Paris',
      arrondissement: 5,
      datedecl: '2026-01-01',
      anneedecl: 2026,
      moisdecl: 1,
      numero: 'DMR-2026-000123',
      prefixe: 'S',
      intervenant: 'Division propreté du 5e',
      conseilquartier: 'Sorbonne',
      x: 2.349912,
      y: 48.849312,
      etat: 'Service fait',
      dateetat: '2026-01-03',
    });
    expect(toOpenDataRow(report(), { timeZone: 'UTC' })).toMatchObject({
      datedecl: '2025-12-31',
      anneedecl: 2025,
      moisdecl: 12,
      etat: 'done',
    });
  });

  it('never lets personal fields through, even if a caller passes them', () => {
    const leaky = { ...report(), email: 'jane@example.org', reporterName: 'Jane Doe', phone: '0600000000' };
    const row = toOpenDataRow(leaky as ExportableReport)!;
    expect(Object.keys(row)).toEqual([...OPEN_DATA_COLUMNS]);
    expect(JSON.stringify(row)).not.toMatch(/jane|0600000000/i);
  });

  it('skips archived reports and handles a top-level-only category', () => {
    expect(toOpenDataRow(report({ state: 'archived' }))).toBeNull();
    expect(toOpenDataRow(report({ categoryPath: ['Propreté'] }))).toMatchObject({
      type: 'Propreté',
      soustype: null,
    });
  });
});

describe('Table Schema', () => {
  it('describes every column once, in order, with a primary key', () => {
    const schema = openDataTableSchema();
    expect(schema.fields.map((f) => f.name)).toEqual([...OPEN_DATA_COLUMNS]);
    expect(schema.primaryKey).toBe('id_dmr');
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      datedecl: 'date',
      anneedecl: 'integer',
      x: 'number',
      y: 'number',
      numero: 'string',
    });
    for (const field of schema.fields) expect(field.description.length).toBeGreaterThan(3);
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvField(null)).toBe('');
    expect(csvField(2.5)).toBe('2.5');
    expect(csvField('a;b')).toBe('a;b');
    expect(csvField('=1+1')).toBe('=1+1');
  });

  it('has a spreadsheet variant: semicolon, BOM, decimal comma, formulas neutralised', () => {
    expect(csvField('a;b', CSV_SPREADSHEET_FR)).toBe('"a;b"');
    expect(csvField('a,b', CSV_SPREADSHEET_FR)).toBe('a,b');
    expect(csvField(2.5, CSV_SPREADSHEET_FR)).toBe('2,5');
    expect(csvField(-2.5, CSV_SPREADSHEET_FR)).toBe('-2,5');
    expect(csvField('=HYPERLINK("http://x")', CSV_SPREADSHEET_FR)).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('@SUM(A1)', CSV_SPREADSHEET_FR)).toBe("'@SUM(A1)");
  });

  it('writes a whole file', () => {
    const rows = [
      toOpenDataRow(report())!,
      toOpenDataRow(report({ id: 'x2', address: 'Place "Monge", nord' }))!,
    ];
    const csv = writeCsv(OPEN_DATA_COLUMNS, rows, CSV_RFC4180);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(OPEN_DATA_COLUMNS.join(','));
    expect(lines[1]).toBe(
      'b1f0c7e2-0000-4000-8000-000000000001,Propreté,Malpropreté du sol : Mégots,1 rue des Écoles,75005,Paris,5,' +
        '2026-01-01,2026,1,DMR-2026-000123,S,Division propreté du 5e,Sorbonne,2.349912,48.849312,done,2026-01-03',
    );
    expect(lines[2]).toContain(',"Place ""Monge"", nord",');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const excel = writeCsv(OPEN_DATA_COLUMNS, rows, CSV_SPREADSHEET_FR);
    expect(excel.startsWith('\uFEFFid_dmr;type;')).toBe(true);
    expect(excel).toContain(';2,349912;48,849312;');
  });
});

describe('GeoJSON', () => {
  it('writes points with lon, lat order and the row as properties', () => {
    const geojson = toGeoJson([toOpenDataRow(report())!]);
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.features[0]).toMatchObject({
      type: 'Feature',
      id: 'b1f0c7e2-0000-4000-8000-000000000001',
      geometry: { type: 'Point', coordinates: [2.349912, 48.849312] },
      properties: { numero: 'DMR-2026-000123', type: 'Propreté' },
    });
  });
});
