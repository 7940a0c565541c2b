/**
 * SQL of the reports tables used by the citizen-side services (R1): categories, reports, photos,
 * timeline, followers, API keys. Points are `point` x = longitude, y = latitude; boxes use the
 * GiST index (`location <@ box(...)`).
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database, Db } from '../../core/db/database.js';
import './reports.tables.js';

// ---------------------------------------------------------------- categories

export interface CategoryRecord {
  id: string;
  parent_id: string | null;
  label: string;
  aliases: string[];
  default_service_id: string | null;
  service_code: string | null;
  service_name: string | null;
  target_days: number | null;
  extra_questions: unknown[];
  active: boolean;
  position: number;
  version: number;
}

export async function selectCategories(db: Db): Promise<CategoryRecord[]> {
  return db
    .selectFrom('report_category as c')
    .leftJoin('org_service as s', 's.id', 'c.default_service_id')
    .select([
      'c.id',
      'c.parent_id',
      'c.label',
      'c.aliases',
      'c.default_service_id',
      's.code as service_code',
      's.name as service_name',
      'c.target_days',
      'c.extra_questions',
      'c.active',
      'c.position',
      'c.version',
    ])
    .execute();
}

export interface CategoryWrite {
  id: string;
  parent_id: string | null;
  label: string;
  aliases: string[];
  default_service_id: string | null;
  target_days: number | null;
  extra_questions: unknown[];
  active: boolean;
  position: number;
}

export async function insertCategory(db: Db, row: CategoryWrite): Promise<void> {
  await db
    .insertInto('report_category')
    .values({ ...row, extra_questions: JSON.stringify(row.extra_questions) })
    .execute();
}

export async function updateCategory(db: Db, row: CategoryWrite): Promise<void> {
  await db
    .updateTable('report_category')
    .set({
      parent_id: row.parent_id,
      label: row.label,
      aliases: row.aliases,
      default_service_id: row.default_service_id,
      target_days: row.target_days,
      extra_questions: JSON.stringify(row.extra_questions),
      active: row.active,
      position: row.position,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', row.id)
    .execute();
}

/**
 * A cheap fingerprint of what the category tree is built from (categories and the services
 * they name): it changes whenever a row is added, removed or edited.
 */
export async function categoryTreeStamp(db: Db): Promise<string> {
  const row = await sql<{ stamp: string }>`
    select concat_ws('|',
      (select count(*) from report_category), (select max(updated_at) from report_category),
      (select count(*) from org_service), (select max(updated_at) from org_service)) as stamp
  `.execute(db);
  return row.rows[0]?.stamp ?? '';
}

/** Numeric ids of new back-office categories continue after the largest one. */
export async function nextNumericCategoryId(db: Db): Promise<string> {
  const row = await sql<{ max: number | null }>`
    select max(id::bigint) as max from report_category where id ~ '^[0-9]{1,15}$'
  `.execute(db);
  return String(Number(row.rows[0]?.max ?? 0) + 1);
}

// ---------------------------------------------------------------- services (routing)

export interface ServiceRecord {
  id: string;
  code: string;
  name: string;
  directorate_id: string;
  area_ids: string[];
  active: boolean;
}

export async function selectServices(db: Db): Promise<ServiceRecord[]> {
  return db
    .selectFrom('org_service')
    .select(['id', 'code', 'name', 'directorate_id', 'area_ids', 'active'])
    .execute();
}

// ---------------------------------------------------------------- reports

export async function findReportIdByIdempotencyKey(
  db: Db,
  key: string,
): Promise<{ id: string; reference: string } | null> {
  return (
    (await db
      .selectFrom('report_report')
      .select(['id', 'reference'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst()) ?? null
  );
}

/**
 * Next number of the year's sequence, in a transaction of its own, before the report's.
 *
 * The counter row is the one row every submission writes: held until the report's own commit
 * (as it once was), it serialised all submissions (seen at 32 clients: ~60/s, nearly every
 * backend waiting on this row). Here it is held for one statement only, and that short
 * transaction does not wait for the disk (`synchronous_commit off`): a report's commit flushes
 * the log up to itself, counter included, so no number of a saved report is ever handed out
 * twice. A submission that fails after this leaves a gap in the numbers.
 *
 * One simple-protocol query (two statements, one implicit transaction), so no round trip
 * happens while the row is locked; the year is an integer checked here, not user text.
 */
export async function allocateSequence(database: Pick<Database, 'executor'>, year: number): Promise<number> {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`bad reference year ${year}`);
  const { rows } = await database.executor.executeSql(
    `set local synchronous_commit = off;
     insert into report_sequence (year, last_value) values (${year}, 1)
     on conflict (year) do update set last_value = report_sequence.last_value + 1
     returning last_value`,
  );
  return Number(rows[0]!.last_value);
}

export interface ReportInsert {
  reference: string;
  category_id: string;
  service_id: string | null;
  state: string;
  description: string;
  address: string;
  lat: number;
  lon: number;
  arrondissement_code: string | null;
  arrondissement_name: string | null;
  quartier_code: string | null;
  quartier_name: string | null;
  area_ids: string[];
  routing: Record<string, unknown>;
  channel: 'web' | 'open311' | 'backoffice';
  reporter_user_id: string | null;
  reporter_name: string;
  reporter_email: string;
  reporter_phone: string;
  /** The language the reporter used on the site (null when unknown, e.g. Open311). */
  reporter_locale?: string | null;
  attributes: Record<string, unknown>;
  api_key_id: string | null;
  idempotency_key: string | null;
}

/** Returns null when a report with the same idempotency key exists (or is being inserted). */
export async function insertReport(tx: Db, row: ReportInsert): Promise<{ id: string } | null> {
  const { lat, lon, routing, attributes, ...rest } = row;
  const inserted = await tx
    .insertInto('report_report')
    .values({
      ...rest,
      location: `(${lon},${lat})`,
      routing: JSON.stringify(routing),
      attributes: JSON.stringify(attributes),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ?? null;
}

/** Several events in one statement (a submission's "received" and "routed"), ids in order. */
export async function insertEvents(
  db: Db,
  events: {
    report_id: string;
    kind: string;
    actor_id: string | null;
    public: boolean;
    data: Record<string, unknown>;
  }[],
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('report_event')
    .values(events.map((event) => ({ ...event, data: JSON.stringify(event.data) })))
    .execute();
}

export async function insertPhoto(
  db: Db,
  photo: {
    report_id: string;
    kind: 'initial' | 'after_fix';
    status: 'pending' | 'accepted' | 'refused';
    storage_key: string;
    width: number;
    height: number;
    bytes: number;
  },
): Promise<string> {
  const row = await db.insertInto('report_photo').values(photo).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const summaryColumns = [
  'r.id',
  'r.reference',
  'r.category_id',
  'r.state',
  'r.address',
  'r.arrondissement_code',
  'r.arrondissement_name',
  'r.location',
  'r.created_at',
  'r.updated_at',
] as const;

export interface ReportSummaryRecord {
  id: string;
  reference: string;
  category_id: string;
  state: string;
  address: string;
  arrondissement_code: string | null;
  arrondissement_name: string | null;
  location: { x: number; y: number };
  created_at: Date;
  updated_at: Date;
}

export interface ReportRecord extends ReportSummaryRecord {
  description: string;
  quartier_code: string | null;
  quartier_name: string | null;
  service_id: string | null;
  service_name: string | null;
  routing: Record<string, unknown>;
  attributes: Record<string, unknown>;
  reporter_user_id: string | null;
  closed_at: Date | null;
  satisfied: boolean | null;
}

/** Any state (the service decides what is public). No reporter contact. */
export async function selectReport(db: Db, idOrReference: string): Promise<ReportRecord | null> {
  const row = await db
    .selectFrom('report_report as r')
    .leftJoin('org_service as s', 's.id', 'r.service_id')
    .select([
      ...summaryColumns,
      'r.description',
      'r.quartier_code',
      'r.quartier_name',
      'r.service_id',
      's.name as service_name',
      'r.routing',
      'r.attributes',
      'r.reporter_user_id',
      'r.closed_at',
      'r.satisfied',
    ])
    .where((eb) =>
      isUuid(idOrReference) ? eb('r.id', '=', idOrReference) : eb('r.reference', '=', idOrReference),
    )
    .executeTakeFirst();
  return (row as ReportRecord | undefined) ?? null;
}

export async function selectReportState(
  db: Db,
  id: string,
): Promise<{ id: string; state: string; service_id: string | null } | null> {
  if (!isUuid(id)) return null;
  return (
    (await db
      .selectFrom('report_report')
      .select(['id', 'state', 'service_id'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

export async function selectPublicEvents(
  db: Db,
  reportId: string,
): Promise<{ at: Date; kind: string; data: Record<string, unknown> }[]> {
  return db
    .selectFrom('report_event')
    .select(['at', 'kind', 'data'])
    .where('report_id', '=', reportId)
    .where('public', '=', true)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export async function selectPhotos(
  db: Db,
  reportId: string,
  statuses: readonly ('pending' | 'accepted' | 'refused')[],
): Promise<{ id: string; kind: 'initial' | 'after_fix'; width: number; height: number }[]> {
  return db
    .selectFrom('report_photo')
    .select(['id', 'kind', 'width', 'height'])
    .where('report_id', '=', reportId)
    .where('status', 'in', statuses)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function selectPhotoWithReport(
  db: Db,
  photoId: string,
): Promise<{ storage_key: string; status: string; state: string; service_id: string | null } | null> {
  if (!isUuid(photoId)) return null;
  return (
    (await db
      .selectFrom('report_photo as p')
      .innerJoin('report_report as r', 'r.id', 'p.report_id')
      .select(['p.storage_key', 'p.status', 'r.state', 'r.service_id'])
      .where('p.id', '=', photoId)
      .executeTakeFirst()) ?? null
  );
}

export interface BBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

function inBox(column: string, b: BBox): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} <@ box(point(${b.minLon}::float8, ${b.minLat}::float8), point(${b.maxLon}::float8, ${b.maxLat}::float8))`;
}

/**
 * Reports of these states in the box, of one category (the 50 m duplicate check). The box is
 * searched first, alone, on the GiST index (the partial one of open reports when `states` are
 * open ones: a few dozen rows even in the densest streets), then the category is checked on
 * those rows: left free, the planner ANDs the category's b-tree (thousands of rows at 1,000,000
 * reports) and the check took several milliseconds. The states are constants of the workflow,
 * written into the SQL so that the partial index's predicate is seen to apply.
 */
export async function selectInBox(
  db: Db,
  q: { box: BBox; states: readonly string[]; categoryId: string },
): Promise<ReportSummaryRecord[]> {
  if (q.states.length === 0) return [];
  const states = sql.join(q.states.map((state) => sql.lit(state)));
  const { rows } = await sql<ReportSummaryRecord>`
    with near as materialized (
      select r.id, r.reference, r.category_id, r.state, r.address, r.arrondissement_code,
             r.arrondissement_name, r.location, r.created_at, r.updated_at
      from report_report r
      where ${inBox('r.location', q.box)} and r.state in (${states}))
    select * from near where category_id = ${q.categoryId}`.execute(db);
  return rows;
}

export interface ReportQuery {
  states: readonly string[];
  categoryIds?: readonly string[];
  arrondissementCode?: string;
  from?: Date;
  to?: Date;
  bbox?: BBox;
}

// biome-ignore lint/suspicious/noExplicitAny: Kysely's query builder type for report_report as r
function applyQuery<Q extends { where: (...args: any[]) => Q }>(query: Q, q: ReportQuery): Q {
  let out = query.where('r.state', 'in', q.states);
  if (q.categoryIds) out = out.where('r.category_id', 'in', q.categoryIds.length ? q.categoryIds : ['']);
  if (q.arrondissementCode) out = out.where('r.arrondissement_code', '=', q.arrondissementCode);
  if (q.from) out = out.where('r.created_at', '>=', q.from);
  if (q.to) out = out.where('r.created_at', '<', q.to);
  if (q.bbox) out = out.where(inBox('r.location', q.bbox));
  return out;
}

export async function selectReportPage(
  db: Db,
  q: ReportQuery,
  page: { offset: number; limit: number },
): Promise<{ rows: ReportSummaryRecord[]; total: number }> {
  const base = db.selectFrom('report_report as r');
  const [rows, count] = await Promise.all([
    applyQuery(base.select(summaryColumns), q)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    applyQuery(
      base.select((eb) => eb.fn.countAll<number>().as('n')),
      q,
    ).executeTakeFirst(),
  ]);
  return { rows: rows as ReportSummaryRecord[], total: Number(count?.n ?? 0) };
}

export interface ClusterRecord {
  count: number;
  lat: number;
  lon: number;
  min_lat: number;
  max_lat: number;
  min_lon: number;
  max_lon: number;
  id: string | null;
  reference: string | null;
}

/** Grid clustering (DOMAIN.md): `floor` cells, so SQL and clusterPoints agree. */
export async function selectClusters(
  db: Db,
  q: ReportQuery & { bbox: BBox },
  cell: { lon: number; lat: number },
): Promise<ClusterRecord[]> {
  const inner = applyQuery(
    db
      .selectFrom('report_report as r')
      .select([
        sql<number>`floor(r.location[0] / ${cell.lon}::float8)`.as('cell_x'),
        sql<number>`floor(r.location[1] / ${cell.lat}::float8)`.as('cell_y'),
        sql<number>`r.location[0]`.as('lon'),
        sql<number>`r.location[1]`.as('lat'),
        'r.id',
        'r.reference',
      ]),
    q,
  );
  const result = await sql<ClusterRecord>`
    select count(*) as count, avg(lat) as lat, avg(lon) as lon,
           min(lat) as min_lat, max(lat) as max_lat, min(lon) as min_lon, max(lon) as max_lon,
           case when count(*) = 1 then min(id::text) end as id,
           case when count(*) = 1 then min(reference) end as reference
    from (${inner}) as points
    group by cell_x, cell_y
    order by count(*) desc, min(id::text)
  `.execute(db);
  return result.rows.map((row) => ({
    ...row,
    count: Number(row.count),
    lat: Number(row.lat),
    lon: Number(row.lon),
    min_lat: Number(row.min_lat),
    max_lat: Number(row.max_lat),
    min_lon: Number(row.min_lon),
    max_lon: Number(row.max_lon),
  }));
}

export async function selectReportsOfUser(db: Db, userId: string): Promise<ReportSummaryRecord[]> {
  return (await db
    .selectFrom('report_report as r')
    .select(summaryColumns)
    .where('r.reporter_user_id', '=', userId)
    .orderBy('r.created_at', 'desc')
    .execute()) as ReportSummaryRecord[];
}

export async function selectFollowedReports(
  db: Db,
  userId: string,
  states: readonly string[],
): Promise<ReportSummaryRecord[]> {
  return (await db
    .selectFrom('report_follower as f')
    .innerJoin('report_report as r', 'r.id', 'f.report_id')
    .select(summaryColumns)
    .where('f.user_id', '=', userId)
    .where('r.state', 'in', states)
    .orderBy('f.created_at', 'desc')
    .execute()) as ReportSummaryRecord[];
}

// ---------------------------------------------------------------- followers

export async function insertFollower(db: Db, reportId: string, userId: string): Promise<boolean> {
  const row = await db
    .insertInto('report_follower')
    .values({ report_id: reportId, user_id: userId })
    .onConflict((oc) => oc.columns(['report_id', 'user_id']).doNothing())
    .returning('report_id')
    .executeTakeFirst();
  return !!row;
}

export async function deleteFollower(db: Db, reportId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('report_follower')
    .where('report_id', '=', reportId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function followerInfo(
  db: Db,
  reportId: string,
  userId: string | null,
): Promise<{ count: number; following: boolean }> {
  const row = await db
    .selectFrom('report_follower')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      sql<number>`count(*) filter (where user_id = ${userId ?? '00000000-0000-0000-0000-000000000000'}::uuid)`.as(
        'mine',
      ),
    ])
    .where('report_id', '=', reportId)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), following: Number(row?.mine ?? 0) > 0 };
}

// ---------------------------------------------------------------- personal data

export async function selectPersonalReports(db: Db, userId: string) {
  return db
    .selectFrom('report_report')
    .select([
      'reference',
      'category_id',
      'state',
      'description',
      'address',
      'reporter_name',
      'reporter_email',
      'reporter_phone',
      'created_at',
    ])
    .where('reporter_user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export async function selectPersonalFollows(db: Db, userId: string) {
  return db
    .selectFrom('report_follower as f')
    .innerJoin('report_report as r', 'r.id', 'f.report_id')
    .select(['r.reference', 'f.created_at'])
    .where('f.user_id', '=', userId)
    .orderBy('f.created_at')
    .execute();
}

export async function anonymiseReporter(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('report_report')
    .set({ reporter_name: '', reporter_email: '', reporter_phone: '', reporter_user_id: null })
    .where('reporter_user_id', '=', userId)
    .executeTakeFirst();
  await db.deleteFrom('report_follower').where('user_id', '=', userId).execute();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------- API keys

export async function insertApiKey(
  db: Db,
  row: { name: string; key_hash: string; created_by: string | null },
): Promise<string> {
  return (await db.insertInto('report_api_key').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function revokeApiKeyRow(db: Db, id: string): Promise<{ name: string } | null> {
  if (!isUuid(id)) return null;
  return (
    (await db
      .updateTable('report_api_key')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('name')
      .executeTakeFirst()) ?? null
  );
}

export async function selectApiKeys(db: Db) {
  return db
    .selectFrom('report_api_key')
    .select(['id', 'name', 'created_at', 'created_by', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .orderBy('name')
    .execute();
}

export async function selectActiveApiKeyByHash(
  db: Db,
  hash: string,
): Promise<{ id: string; name: string } | null> {
  return (
    (await db
      .selectFrom('report_api_key')
      .select(['id', 'name'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}
