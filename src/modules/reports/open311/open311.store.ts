/**
 * Read-only SQL for the Open311 API: searches the contract's services do not offer (service codes,
 * open/closed, date windows, id lists, updated times, timeline events since a date). Never selects
 * a reporter column: nothing personal can reach a GET response from here.
 */
import { type SqlBool, sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import { CLOSED_STATES, OPEN_STATES, type ReportState } from '../domain/workflow.js';
import '../reports.tables.js';

export interface Open311RequestRow {
  id: string;
  reference: string;
  state: ReportState;
  categoryId: string;
  categoryLabel: string;
  targetDays: number | null;
  serviceName: string | null;
  description: string;
  address: string;
  lat: number;
  lon: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  scheduledFor: Date | null;
  reasonCode: string | null;
  /** First accepted photo, the only kind that is public. */
  photoId: string | null;
}

export type Open311Search =
  | { kind: 'ids'; references: string[] }
  | {
      kind: 'search';
      categoryIds: string[] | null;
      statuses: readonly ('open' | 'closed')[];
      start: Date;
      end: Date;
      updatedAfter: Date | null;
      updatedBefore: Date | null;
      /** Extension: only reports in this box (`bbox=minLon,minLat,maxLon,maxLat`). */
      bbox: BBox | null;
      limit: number;
      offset: number;
    };

export interface BBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface SearchPlan {
  /**
   * With a box holding many reports: read the window's newest reports in order, this many at
   * most, and keep those in the box (a few pages of the table), instead of fetching every report
   * of the box from the spatial index and sorting them (tens of thousands in a 2 km box of
   * central Paris at 1,000,000 reports). Too few found this way: the spatial index answers.
   */
  newestFirstScan?: number | null;
}

/** Closed states that are public (archived reports are not listed anywhere). */
const PUBLIC_CLOSED = CLOSED_STATES.filter((state) => state !== 'archived');

function statesFor(statuses: readonly ('open' | 'closed')[]): string[] {
  return [
    ...(statuses.includes('open') ? OPEN_STATES : []),
    ...(statuses.includes('closed') ? PUBLIC_CLOSED : []),
  ];
}

function baseQuery(db: Db) {
  return db
    .selectFrom('report_report as r')
    .innerJoin('report_category as c', 'c.id', 'r.category_id')
    .leftJoin('org_service as s', 's.id', 'r.service_id')
    .select([
      'r.id',
      'r.reference',
      'r.state',
      'r.category_id',
      'c.label as category_label',
      'c.target_days',
      's.name as service_name',
      'r.description',
      'r.address',
      'r.location',
      'r.created_at',
      'r.updated_at',
      'r.closed_at',
      'r.scheduled_for',
      'r.reason_code',
      sql<string | null>`(select p.id::text from report_photo p
        where p.report_id = r.id and p.status = 'accepted' and p.kind = 'initial'
        order by p.created_at, p.id limit 1)`.as('photo_id'),
    ])
    .where('r.state', '<>', 'archived');
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function toRow(row: BaseRow): Open311RequestRow {
  return {
    id: row.id,
    reference: row.reference,
    state: row.state as ReportState,
    categoryId: row.category_id,
    categoryLabel: row.category_label,
    targetDays: row.target_days,
    serviceName: row.service_name,
    description: row.description,
    address: row.address,
    lat: Number(row.location.y),
    lon: Number(row.location.x),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    scheduledFor: row.scheduled_for ? new Date(row.scheduled_for) : null,
    reasonCode: row.reason_code,
    photoId: row.photo_id,
  };
}

function inBox(b: BBox) {
  return sql<SqlBool>`r.location <@ box(point(${b.minLon}::float8, ${b.minLat}::float8), point(${b.maxLon}::float8, ${b.maxLat}::float8))`;
}

/** GET /requests: newest first within the window, or exactly the ids asked for. */
export async function searchOpen311Requests(
  db: Db,
  search: Open311Search,
  plan: SearchPlan = {},
): Promise<Open311RequestRow[]> {
  let query = baseQuery(db);
  if (search.kind === 'ids') {
    if (search.references.length === 0) return [];
    query = query.where('r.reference', 'in', search.references);
  } else {
    const states = statesFor(search.statuses);
    if (states.length === 0) return [];
    if (search.categoryIds && search.categoryIds.length === 0) return [];
    if (search.bbox && plan.newestFirstScan) {
      const found = await newestInBox(db, search, search.bbox, states, plan.newestFirstScan);
      if (found) return found;
    }
    query = query
      .where('r.state', 'in', states)
      .where('r.created_at', '>=', search.start)
      .where('r.created_at', '<=', search.end);
    if (search.categoryIds) query = query.where('r.category_id', 'in', search.categoryIds);
    if (search.updatedAfter) query = query.where('r.updated_at', '>=', search.updatedAfter);
    if (search.updatedBefore) query = query.where('r.updated_at', '<=', search.updatedBefore);
    if (search.bbox) query = query.where(inBox(search.bbox));
    query = query.limit(search.limit).offset(search.offset);
  }
  const rows = await query.orderBy('r.created_at', 'desc').orderBy('r.reference', 'desc').execute();
  return rows.map(toRow);
}

/**
 * The page of a box search read newest first (see SearchPlan): the ids from the window's newest
 * `scan` reports, then their rows. Null when the scan found fewer than the page needs (the box
 * is sparser than its cells said, or the window ends before): the caller asks the spatial index.
 */
export async function newestInBox(
  db: Db,
  search: Extract<Open311Search, { kind: 'search' }>,
  box: BBox,
  states: string[],
  scan: number,
): Promise<Open311RequestRow[] | null> {
  let recent = db
    .selectFrom('report_report')
    .select(['id', 'created_at', 'reference', 'state', 'category_id', 'location'])
    .where('created_at', '>=', search.start)
    .where('created_at', '<=', search.end);
  if (search.updatedAfter) recent = recent.where('updated_at', '>=', search.updatedAfter);
  if (search.updatedBefore) recent = recent.where('updated_at', '<=', search.updatedBefore);
  let picked = db
    .selectFrom(recent.orderBy('created_at', 'desc').limit(scan).as('recent'))
    .select('recent.id')
    .where('recent.state', 'in', states)
    // Coordinates, not the index operator: these rows are already in hand.
    .where(sql<SqlBool>`recent.location[0] between ${box.minLon}::float8 and ${box.maxLon}::float8`)
    .where(sql<SqlBool>`recent.location[1] between ${box.minLat}::float8 and ${box.maxLat}::float8`);
  if (search.categoryIds) picked = picked.where('recent.category_id', 'in', search.categoryIds);
  const ids = await picked
    .orderBy('recent.created_at', 'desc')
    .orderBy('recent.reference', 'desc')
    .limit(search.limit + search.offset)
    .execute();
  if (ids.length < search.limit + search.offset) return null;
  const page = ids.slice(search.offset).map((row) => row.id);
  if (page.length === 0) return [];
  const rows = await baseQuery(db)
    .where('r.id', 'in', page)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.reference', 'desc')
    .execute();
  return rows.map(toRow);
}

export async function findOpen311Request(db: Db, reference: string): Promise<Open311RequestRow | null> {
  const row = await baseQuery(db).where('r.reference', '=', reference).executeTakeFirst();
  return row ? toRow(row) : null;
}

/** The id and state of a report by its reference, archived included (for updates posted by a client). */
export async function findReportByReference(
  db: Db,
  reference: string,
): Promise<{ id: string; state: ReportState } | null> {
  const row = await db
    .selectFrom('report_report')
    .select(['id', 'state'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row ? { id: row.id, state: row.state as ReportState } : null;
}

/** The latest change of the service list: categories are the services. */
export async function categoriesChangeset(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('report_category')
    .select(sql<Date | null>`max(updated_at)`.as('changed'))
    .executeTakeFirst();
  return row?.changed ? new Date(row.changed) : null;
}

export interface Open311EventRow {
  id: string;
  reportReference: string;
  reportState: ReportState;
  at: Date;
  kind: string;
  data: Record<string, unknown>;
}

/** Public timeline events of public reports in a window, oldest first. Internal notes never. */
export async function listPublicEvents(
  db: Db,
  window: { start: Date; end: Date; limit: number },
): Promise<Open311EventRow[]> {
  const rows = await db
    .selectFrom('report_event as e')
    .innerJoin('report_report as r', 'r.id', 'e.report_id')
    .select(['e.id', 'e.at', 'e.kind', 'e.data', 'r.reference', 'r.state'])
    .where('e.public', '=', true)
    .where('r.state', '<>', 'archived')
    .where('e.at', '>=', window.start)
    .where('e.at', '<=', window.end)
    .orderBy('e.at')
    .orderBy('e.id')
    .limit(window.limit)
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    reportReference: row.reference,
    reportState: row.state as ReportState,
    at: new Date(row.at),
    kind: row.kind,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
  }));
}

/** The newest public event of a report: the update a client has just caused. */
export async function latestPublicEventId(db: Db, reportId: string): Promise<string | null> {
  const row = await db
    .selectFrom('report_event')
    .select('id')
    .where('report_id', '=', reportId)
    .where('public', '=', true)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? String(row.id) : null;
}

/** The account that created an API key (its updates act with that account's rights). */
export async function apiKeyOwner(db: Db, keyId: string): Promise<string | null> {
  const row = await db
    .selectFrom('report_api_key')
    .select('created_by')
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.created_by ?? null;
}
