/**
 * Open-data exports of reports: one row per public report with the column names of Paris's
 * "DansMaRue – anomalies signalées" dataset (reports.md §11), its Table Schema (frictionless),
 * a CSV writer (RFC 4180, plus a `;` + BOM variant for spreadsheet users) and GeoJSON.
 *
 * No personal data, by construction: the input type has no field for the reporter, their
 * comment or photos, and rows are built field by field (never by spreading the input).
 */
import { isPublicState, type ReportState } from './workflow.js';

export const OPEN_DATA_COLUMNS = [
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
] as const;
export type OpenDataColumn = (typeof OPEN_DATA_COLUMNS)[number];
export type CsvCell = string | number | null;
export type OpenDataRow = Record<OpenDataColumn, CsvCell>;

/** What an export reads of a report. Deliberately nothing about the reporter. */
export interface ExportableReport {
  id: string;
  /** Readable reference, e.g. DMR-2026-000123. */
  reference: string;
  /** Channel letter as in DansMaRue: A iOS, G Android, S web, B back office (our O: Open311). */
  channelPrefix: string;
  /** Category labels from the top level down. */
  categoryPath: readonly string[];
  address: string | null;
  postcode: string | null;
  city: string;
  /** Arrondissement (or district) number or name computed from the point. */
  arrondissement: string | number | null;
  declaredAt: Date;
  /** The service (or contractor) handling it. */
  serviceName: string | null;
  /** Quartier / conseil de quartier name computed from the point. */
  neighbourhood: string | null;
  lat: number;
  lon: number;
  state: ReportState;
  stateChangedAt: Date;
}

export interface OpenDataOptions {
  /** Dates and year/month of declaration are given in the city's time zone. */
  timeZone?: string;
  /** Label of a state in the export's language (i18n from the caller); default: the state id. */
  stateLabel?: (state: ReportState) => string;
}

function localDateParts(date: Date, timeZone: string): { year: number; month: number; iso: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    iso: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** One open-data row, or null for a report that is not public (archived). */
export function toOpenDataRow(report: ExportableReport, options: OpenDataOptions = {}): OpenDataRow | null {
  if (!isPublicState(report.state)) return null;
  const timeZone = options.timeZone ?? 'Europe/Paris';
  const declared = localDateParts(report.declaredAt, timeZone);
  const [type = null, ...rest] = report.categoryPath;
  return {
    id_dmr: report.id,
    type,
    // the open data writes deeper levels as "Sous-type : précision"
    soustype: rest.length > 0 ? rest.join(' : ') : null,
    adresse: report.address,
    code_postal: report.postcode,
    ville: report.city,
    arrondissement: report.arrondissement,
    datedecl: declared.iso,
    anneedecl: declared.year,
    moisdecl: declared.month,
    numero: report.reference,
    prefixe: report.channelPrefix,
    intervenant: report.serviceName,
    conseilquartier: report.neighbourhood,
    x: round6(report.lon),
    y: round6(report.lat),
    etat: options.stateLabel ? options.stateLabel(report.state) : report.state,
    dateetat: localDateParts(report.stateChangedAt, timeZone).iso,
  };
}

// ---- Table Schema ---------------------------------------------------------------------------

export interface TableSchemaField {
  name: OpenDataColumn;
  type: 'string' | 'integer' | 'number' | 'date';
  description: string;
  constraints?: { required?: boolean; unique?: boolean; minimum?: number; maximum?: number };
}

/** Column documentation (dataset metadata, in English like the code; the portal may translate it). */
const FIELDS: readonly TableSchemaField[] = [
  {
    name: 'id_dmr',
    type: 'string',
    description: 'Stable identifier of the report',
    constraints: { required: true, unique: true },
  },
  { name: 'type', type: 'string', description: 'Top-level category', constraints: { required: true } },
  { name: 'soustype', type: 'string', description: 'Sub-category, deeper levels joined with " : "' },
  { name: 'adresse', type: 'string', description: 'Address of the problem (street, not a person)' },
  { name: 'code_postal', type: 'string', description: 'Postcode' },
  { name: 'ville', type: 'string', description: 'City' },
  { name: 'arrondissement', type: 'string', description: 'Arrondissement (district) containing the point' },
  {
    name: 'datedecl',
    type: 'date',
    description: 'Date the report was made (city time zone)',
    constraints: { required: true },
  },
  { name: 'anneedecl', type: 'integer', description: 'Year of the report', constraints: { required: true } },
  {
    name: 'moisdecl',
    type: 'integer',
    description: 'Month of the report (1-12)',
    constraints: { required: true, minimum: 1, maximum: 12 },
  },
  {
    name: 'numero',
    type: 'string',
    description: 'Readable reference (prefix-year-sequence)',
    constraints: { required: true, unique: true },
  },
  {
    name: 'prefixe',
    type: 'string',
    description: 'Channel: A iOS, G Android, S web, B back office, O Open311',
  },
  { name: 'intervenant', type: 'string', description: 'Service or contractor handling the report' },
  { name: 'conseilquartier', type: 'string', description: 'Neighbourhood (quartier) containing the point' },
  {
    name: 'x',
    type: 'number',
    description: 'Longitude, WGS84 decimal degrees',
    constraints: { required: true, minimum: -180, maximum: 180 },
  },
  {
    name: 'y',
    type: 'number',
    description: 'Latitude, WGS84 decimal degrees',
    constraints: { required: true, minimum: -90, maximum: 90 },
  },
  {
    name: 'etat',
    type: 'string',
    description: 'Current state of the report',
    constraints: { required: true },
  },
  {
    name: 'dateetat',
    type: 'date',
    description: 'Date of the last change of state',
    constraints: { required: true },
  },
];

/** Frictionless Table Schema of the export. */
export function openDataTableSchema(): {
  fields: TableSchemaField[];
  primaryKey: OpenDataColumn;
  missingValues: string[];
} {
  return { fields: FIELDS.map((field) => ({ ...field })), primaryKey: 'id_dmr', missingValues: [''] };
}

// ---- CSV ------------------------------------------------------------------------------------

export interface CsvOptions {
  delimiter: ',' | ';';
  /** UTF-8 byte order mark, so spreadsheet software reads accents right. */
  bom: boolean;
  lineEnding: '\r\n' | '\n';
  /** Decimal comma for numbers (French spreadsheets). */
  decimalComma: boolean;
  /** Neutralise cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) with a quote. */
  formulaSafe: boolean;
}

/** RFC 4180: comma, CRLF, no BOM, values as they are. For machines. */
export const CSV_RFC4180: CsvOptions = {
  delimiter: ',',
  bom: false,
  lineEnding: '\r\n',
  decimalComma: false,
  formulaSafe: false,
};
/** Semicolon, BOM, decimal comma, formula-safe. For people opening the file in a spreadsheet. */
export const CSV_SPREADSHEET_FR: CsvOptions = {
  delimiter: ';',
  bom: true,
  lineEnding: '\r\n',
  decimalComma: true,
  formulaSafe: true,
};

export function csvField(value: CsvCell, options: CsvOptions = CSV_RFC4180): string {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'number') {
    text = Number.isFinite(value) ? String(value) : '';
    if (options.decimalComma) text = text.replace('.', ',');
  } else {
    text = value;
    if (options.formulaSafe && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  }
  // Quote when the field holds the delimiter, a quote, a line break or edge spaces; double the quotes.
  if (text.includes(options.delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/** One CSV record with its line ending (for streaming large exports). */
export function csvLine(values: readonly CsvCell[], options: CsvOptions = CSV_RFC4180): string {
  return values.map((value) => csvField(value, options)).join(options.delimiter) + options.lineEnding;
}

/** A whole CSV document: BOM (if asked), header, then one line per row. */
export function writeCsv<C extends string>(
  columns: readonly C[],
  rows: Iterable<Readonly<Record<C, CsvCell>>>,
  options: CsvOptions = CSV_RFC4180,
): string {
  let out = (options.bom ? '\uFEFF' : '') + csvLine(columns, options);
  for (const row of rows)
    out += csvLine(
      columns.map((column) => row[column] ?? null),
      options,
    );
  return out;
}

// ---- GeoJSON --------------------------------------------------------------------------------

export interface OpenDataFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: OpenDataRow;
}

export function toGeoJson(rows: Iterable<OpenDataRow>): {
  type: 'FeatureCollection';
  features: OpenDataFeature[];
} {
  const features: OpenDataFeature[] = [];
  for (const row of rows) {
    features.push({
      type: 'Feature',
      id: String(row.id_dmr),
      geometry: { type: 'Point', coordinates: [Number(row.x), Number(row.y)] },
      properties: { ...row },
    });
  }
  return { type: 'FeatureCollection', features };
}
