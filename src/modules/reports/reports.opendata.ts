/**
 * The public statistics page and the open-data exports of the reports.
 *
 * Exports carry the Paris DansMaRue columns (domain/exports.ts) and nothing else: no reporter
 * name, email or phone, and no description (free text that no one has moderated); archived
 * reports are left out. They are written page by page (keyset over the reference, 5,000 rows a
 * query) straight to the reply stream, so a table of a million rows never sits in memory.
 */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { App, RouteRegistrar } from '../../core/http/types.js';
import { translator } from '../../core/i18n/i18n.js';
import type { CoreServices } from '../../core/services.js';
import {
  CSV_RFC4180,
  CSV_SPREADSHEET_FR,
  type CsvOptions,
  csvLine,
  type ExportableReport,
  OPEN_DATA_COLUMNS,
  type OpenDataRow,
  openDataTableSchema,
  toGeoJson,
  toOpenDataRow,
} from './domain/exports.js';
import type { ReportState } from './domain/workflow.js';
import {
  categoryPaths,
  type ExportSourceRow,
  exportSourcePages,
  type ReportStats,
  reportStats,
  type StatsFilter,
} from './stats.js';
import { dayAt, parseDayText } from './views/dates.js';
import { type StatsFilterValues, StatsPage, stateLabel } from './views/stats/stats-page.js';

export const EXPORT_CHUNK_SIZE = 5_000;

const CHANNEL_PREFIX: Record<ExportSourceRow['channel'], string> = {
  web: 'S',
  open311: 'O',
  backoffice: 'B',
};

/** Paris arrondissement n → postcode 750nn (the 16e also has 75116: we give the main one). */
function postcodeFor(core: CoreServices, arrondissementCode: string | null): string | null {
  if (core.config.city.shortName !== 'Paris' || !arrondissementCode) return null;
  const n = Number.parseInt(arrondissementCode, 10);
  return n >= 1 && n <= 20 ? `750${String(n).padStart(2, '0')}` : null;
}

/** Open-data rows of the whole table, one page at a time. */
async function* openDataPages(core: CoreServices, chunkSize: number): AsyncGenerator<OpenDataRow[]> {
  const paths = await categoryPaths(core.db);
  // The dataset is French, like Paris's: state labels in French whatever the visitor's language.
  const t = translator('fr');
  const city = core.config.city.shortName;
  for await (const page of exportSourcePages(core.db, chunkSize)) {
    const rows: OpenDataRow[] = [];
    for (const source of page) {
      const report: ExportableReport = {
        id: source.id,
        reference: source.reference,
        channelPrefix: CHANNEL_PREFIX[source.channel] ?? 'S',
        categoryPath: paths.get(source.categoryId) ?? [source.categoryId],
        address: source.address || null,
        postcode: postcodeFor(core, source.arrondissementCode),
        city,
        arrondissement: source.arrondissementCode,
        declaredAt: source.createdAt,
        serviceName: source.serviceName,
        neighbourhood: source.quartierName,
        lat: source.lat,
        lon: source.lon,
        state: source.state as ReportState,
        // The last change of the row; the timeline holds the exact moment of each state change.
        stateChangedAt: source.updatedAt,
      };
      const row = toOpenDataRow(report, { stateLabel: (state) => stateLabel(t, state) });
      if (row) rows.push(row);
    }
    yield rows;
  }
}

async function* csvChunks(
  core: CoreServices,
  options: CsvOptions,
  chunkSize: number,
): AsyncGenerator<string> {
  yield (options.bom ? '\uFEFF' : '') + csvLine(OPEN_DATA_COLUMNS, options);
  for await (const rows of openDataPages(core, chunkSize)) {
    let text = '';
    for (const row of rows)
      text += csvLine(
        OPEN_DATA_COLUMNS.map((column) => row[column] ?? null),
        options,
      );
    yield text;
  }
}

async function* geoJsonChunks(core: CoreServices, chunkSize: number): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[';
  let first = true;
  for await (const rows of openDataPages(core, chunkSize)) {
    const parts = toGeoJson(rows).features.map((feature) => JSON.stringify(feature));
    if (parts.length === 0) continue;
    yield (first ? '' : ',') + parts.join(',');
    first = false;
  }
  yield ']}';
}

/** jj/mm/aaaa (or ISO) → midnight UTC of that day; anything else → undefined (and an error). */
function parseDay(text: string | undefined): { date?: Date; bad: boolean } {
  const value = (text ?? '').trim();
  if (value === '') return { bad: false };
  const day = parseDayText(value);
  return day ? { date: dayAt(day), bad: false } : { bad: true };
}

const DAY_MS = 86_400_000;

/** The statistics scan the whole table: a page view reuses figures up to a minute old. */
const STATS_TTL_MS = 60_000;
const STATS_CACHE_MAX = 200;

export const registerReportStats: RouteRegistrar = (app: App, core: CoreServices) => {
  const cache = new Map<string, { at: Date; stats: ReportStats }>();
  const cachedStats = async (filter: StatsFilter) => {
    const key = `${filter.from?.toISOString() ?? ''}|${filter.to?.toISOString() ?? ''}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at.getTime() < STATS_TTL_MS) return hit;
    if (cache.size >= STATS_CACHE_MAX) cache.clear();
    const entry = { at: new Date(), stats: await reportStats(core.db, filter) };
    cache.set(key, entry);
    return entry;
  };

  app.get(
    '/statistiques/signalements',
    {
      schema: {
        hide: true,
        querystring: Type.Object({ du: Type.Optional(Type.String()), au: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const values: StatsFilterValues = { from: request.query.du ?? '', to: request.query.au ?? '' };
      const from = parseDay(values.from);
      const to = parseDay(values.to);
      const errors: Record<string, string> = {};
      if (from.bad) errors.du = 'reports.stats.error_bad_date';
      if (to.bad) errors.au = 'reports.stats.error_bad_date';
      if (!from.bad && !to.bad && from.date && to.date && from.date > to.date) {
        errors.au = 'reports.stats.error_date_order';
      }
      const valid = Object.keys(errors).length === 0;
      // "to" is the last day included: the filter stops at the next midnight.
      const filter: StatsFilter = valid
        ? { from: from.date, to: to.date ? new Date(to.date.getTime() + DAY_MS) : undefined }
        : {};
      const { stats, at } = await cachedStats(filter);
      return reply.page(
        StatsPage({
          ctx: reply.ctx(),
          stats,
          values,
          errors: valid ? undefined : errors,
          generatedAt: at,
        }),
        valid ? 200 : 400,
      );
    },
  );

  app.get(
    '/donnees/signalements.csv',
    {
      schema: {
        tags: ['open data'],
        summary: 'Public reports as CSV (RFC 4180; format=excel: semicolons and a BOM)',
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('excel'), Type.Literal('csv')])),
        }),
      },
    },
    async (request, reply) => {
      const excel = request.query.format === 'excel';
      const options = excel ? CSV_SPREADSHEET_FR : CSV_RFC4180;
      return reply
        .header('content-type', `text/csv; charset=utf-8${excel ? '' : '; header=present'}`)
        .header('content-disposition', `attachment; filename="signalements${excel ? '-excel' : ''}.csv"`)
        .header('cache-control', 'public, max-age=300')
        .header('link', '</donnees/signalements.schema.json>; rel="describedby"')
        .send(Readable.from(csvChunks(core, options, EXPORT_CHUNK_SIZE)));
    },
  );

  app.get(
    '/donnees/signalements.geojson',
    { schema: { tags: ['open data'], summary: 'Public reports as a GeoJSON FeatureCollection (RFC 7946)' } },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="signalements.geojson"')
        .header('cache-control', 'public, max-age=300')
        .send(Readable.from(geoJsonChunks(core, EXPORT_CHUNK_SIZE))),
  );

  app.get(
    '/donnees/signalements.schema.json',
    { schema: { tags: ['open data'], summary: 'Table Schema (frictionless) of the reports export' } },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(JSON.stringify(openDataTableSchema(), null, 2)),
  );
};
