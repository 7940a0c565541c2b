/**
 * SQL of the agent side of reports: queue, detail, workflow updates, timeline, followers,
 * notification recipients, late reports for the digest and the escalation.
 */
import { type ColumnType, type Expression, type SqlBool, sql } from 'kysely';
import type { CreatedAt } from '../../core/db/core-tables.js';
import type { Db } from '../../core/db/database.js';
import { OPEN_STATES } from './domain/workflow.js';
import './reports.tables.js';

export interface ReportMailOptoutTable {
  report_id: string;
  email: string;
  created_at: CreatedAt;
}

export interface ReportDigestSentTable {
  service_id: string;
  day: ColumnType<string, string, string>;
  report_count: number;
  created_at: CreatedAt;
}

declare module '../../core/db/schema.js' {
  interface Tables {
    report_mail_optout: ReportMailOptoutTable;
    report_digest_sent: ReportDigestSentTable;
  }
}

const OPEN = [...OPEN_STATES] as string[];

/** created_at + target days of the category (or of its nearest ancestor with one). */
const dueAtSql = sql<Date | null>`r.created_at + make_interval(days => coalesce(c.target_days, pc.target_days, gc.target_days))`;

export interface AgentReportRecord {
  id: string;
  reference: string;
  state: string;
  category_id: string;
  category_label: string;
  parent_label: string | null;
  grandparent_label: string | null;
  target_days: number | null;
  service_id: string | null;
  service_name: string | null;
  address: string;
  arrondissement_code: string | null;
  arrondissement_name: string | null;
  quartier_code: string | null;
  quartier_name: string | null;
  assigned_agent_id: string | null;
  assigned_agent_name: string | null;
  created_at: Date;
  due_at: Date | null;
  location: { x: number; y: number };
}

export interface AgentReportDetailRecord extends AgentReportRecord {
  description: string;
  channel: 'web' | 'open311' | 'backoffice';
  routing: Record<string, unknown>;
  attributes: Record<string, unknown>;
  reporter_user_id: string | null;
  reporter_name: string;
  reporter_email: string;
  reporter_phone: string;
  scheduled_for: Date | null;
  closed_at: Date | null;
  duplicate_of: string | null;
  reason_code: string | null;
  third_party_id: string | null;
  third_party_name: string | null;
  satisfied: boolean | null;
  area_ids: string[];
}

function baseQuery(db: Db) {
  return db
    .selectFrom('report_report as r')
    .innerJoin('report_category as c', 'c.id', 'r.category_id')
    .leftJoin('report_category as pc', 'pc.id', 'c.parent_id')
    .leftJoin('report_category as gc', 'gc.id', 'pc.parent_id')
    .leftJoin('org_service as s', 's.id', 'r.service_id')
    .leftJoin('account_user as a', 'a.id', 'r.assigned_agent_id');
}

const listColumns = [
  'r.id',
  'r.reference',
  'r.state',
  'r.category_id',
  'c.label as category_label',
  'pc.label as parent_label',
  'gc.label as grandparent_label',
  'r.service_id',
  's.name as service_name',
  'r.address',
  'r.arrondissement_code',
  'r.arrondissement_name',
  'r.quartier_code',
  'r.quartier_name',
  'r.assigned_agent_id',
  'a.display_name as assigned_agent_name',
  'r.created_at',
  'r.location',
] as const;

export interface QueueFilter {
  /** null = every service (admins); otherwise these services only. */
  serviceIds: string[] | null;
  /** Also the reports waiting in triage (no service). */
  includeTriage: boolean;
  states?: string[];
  categoryId?: string;
  arrondissementCode?: string;
  late?: boolean;
  sort: 'age' | 'lateness';
  now: Date;
  limit: number;
  offset: number;
}

export async function listQueue(
  db: Db,
  f: QueueFilter,
): Promise<{ rows: AgentReportRecord[]; total: number }> {
  const query = baseQuery(db).where((eb) => {
    const conditions: Expression<SqlBool>[] = [];
    if (f.serviceIds !== null) {
      const scope: Expression<SqlBool>[] = [];
      if (f.serviceIds.length > 0) scope.push(eb('r.service_id', 'in', f.serviceIds));
      if (f.includeTriage) scope.push(eb('r.service_id', 'is', null));
      conditions.push(scope.length > 0 ? eb.or(scope) : eb.val(false));
    }
    if (f.states && f.states.length > 0) conditions.push(eb('r.state', 'in', f.states));
    if (f.categoryId) {
      conditions.push(
        eb.or([
          eb('r.category_id', '=', f.categoryId),
          eb('c.parent_id', '=', f.categoryId),
          eb('pc.parent_id', '=', f.categoryId),
        ]),
      );
    }
    if (f.arrondissementCode) conditions.push(eb('r.arrondissement_code', '=', f.arrondissementCode));
    if (f.late !== undefined) {
      const late = sql<SqlBool>`(r.state in (${sql.join(OPEN)}) and ${dueAtSql} < ${f.now})`;
      conditions.push(f.late ? late : sql<SqlBool>`not coalesce(${late}, false)`);
    }
    return eb.and(conditions);
  });
  const counted = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst();
  const ordered =
    f.sort === 'lateness'
      ? query
          .orderBy(sql`${sql`${f.now}::timestamptz`} - ${dueAtSql}`, (ob) => ob.desc().nullsLast())
          .orderBy('r.created_at')
      : query.orderBy('r.created_at').orderBy('r.reference');
  const rows = await ordered
    .select([...listColumns, dueAtSql.as('due_at'), 'c.target_days'])
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { rows: rows as AgentReportRecord[], total: Number(counted?.total ?? 0) };
}

export async function findReportDetail(db: Db, id: string): Promise<AgentReportDetailRecord | null> {
  if (!isUuid(id)) return null;
  const row = await baseQuery(db)
    .select([
      ...listColumns,
      dueAtSql.as('due_at'),
      sql<number | null>`coalesce(c.target_days, pc.target_days, gc.target_days)`.as('target_days'),
      'r.description',
      'r.channel',
      'r.routing',
      'r.attributes',
      'r.reporter_user_id',
      'r.reporter_name',
      'r.reporter_email',
      'r.reporter_phone',
      'r.scheduled_for',
      'r.closed_at',
      'r.duplicate_of',
      'r.reason_code',
      'r.third_party_id',
      'r.third_party_name',
      'r.satisfied',
      'r.area_ids',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return (row as AgentReportDetailRecord | undefined) ?? null;
}

/** The fields the workflow needs, locked for the transaction. */
export async function lockReport(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('report_report')
    .select([
      'id',
      'reference',
      'state',
      'service_id',
      'category_id',
      'reporter_user_id',
      'closed_at',
      'scheduled_for',
      'duplicate_of',
      'reason_code',
      'third_party_id',
      'area_ids',
      'assigned_agent_id',
      'satisfied',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}

export async function reportExists(db: Db, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const row = await db.selectFrom('report_report').select('id').where('id', '=', id).executeTakeFirst();
  return !!row;
}

export async function updateReport(
  db: Db,
  id: string,
  values: Partial<{
    state: string;
    service_id: string | null;
    category_id: string;
    scheduled_for: Date | null;
    closed_at: Date | null;
    duplicate_of: string | null;
    reason_code: string | null;
    third_party_id: string | null;
    third_party_name: string | null;
    assigned_agent_id: string | null;
    satisfied: boolean | null;
    routing: string;
  }>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('report_report')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function insertEvent(
  db: Db,
  event: {
    reportId: string;
    kind: string;
    actorId: string | null;
    public: boolean;
    data: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('report_event')
    .values({
      report_id: event.reportId,
      kind: event.kind,
      actor_id: event.actorId,
      public: event.public,
      data: JSON.stringify(event.data),
      at: event.at,
    })
    .execute();
}

export async function listTimeline(db: Db, reportId: string) {
  return db
    .selectFrom('report_event as e')
    .leftJoin('account_user as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.at', 'e.kind', 'e.public', 'e.actor_id', 'u.display_name as actor_name', 'e.data'])
    .where('e.report_id', '=', reportId)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
}

export async function listPhotos(db: Db, reportId: string) {
  return db
    .selectFrom('report_photo')
    .select(['id', 'kind', 'status', 'width', 'height', 'created_at'])
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findPhoto(db: Db, photoId: string) {
  if (!isUuid(photoId)) return null;
  return (
    (await db
      .selectFrom('report_photo')
      .select(['id', 'report_id', 'kind', 'status'])
      .where('id', '=', photoId)
      .executeTakeFirst()) ?? null
  );
}

export async function setPhotoStatus(db: Db, photoId: string, status: 'accepted' | 'refused'): Promise<void> {
  await db.updateTable('report_photo').set({ status }).where('id', '=', photoId).execute();
}

export async function countFollowers(db: Db, reportId: string): Promise<number> {
  const row = await db
    .selectFrom('report_follower')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('report_id', '=', reportId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Followers of `fromId` (and the reporter account, when given) now follow `toId`. */
export async function moveFollowers(
  db: Db,
  fromId: string,
  toId: string,
  reporterUserId: string | null,
): Promise<void> {
  await sql`
    insert into report_follower (report_id, user_id)
    select ${toId}::uuid, user_id from report_follower where report_id = ${fromId}::uuid
    on conflict do nothing
  `.execute(db);
  if (reporterUserId) {
    await db
      .insertInto('report_follower')
      .values({ report_id: toId, user_id: reporterUserId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await db.deleteFrom('report_follower').where('report_id', '=', fromId).execute();
}

export async function findServiceInfo(db: Db, id: string) {
  if (!isUuid(id)) return null;
  return (
    (await db
      .selectFrom('org_service')
      .select(['id', 'name', 'code', 'email', 'directorate_id', 'active'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

export async function isServiceMember(db: Db, userId: string, serviceId: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const row = await db
    .selectFrom('org_membership')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  return !!row;
}

export async function listServiceAgents(db: Db, serviceId: string) {
  return db
    .selectFrom('org_membership as m')
    .innerJoin('account_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 'u.locale', 'u.notify_by_email', 'm.role'])
    .where('m.service_id', '=', serviceId)
    .where('u.deleted_at', 'is', null)
    .orderBy('u.display_name')
    .execute();
}

export async function listRoutingServices(db: Db) {
  return db
    .selectFrom('org_service')
    .select(['id', 'code', 'directorate_id', 'area_ids', 'active'])
    .execute();
}

export async function findCategory(db: Db, id: string) {
  return (
    (await db
      .selectFrom('report_category')
      .select(['id', 'label', 'default_service_id', 'active'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** Open and late counts per service (null = every service). */
export async function backlogCounts(db: Db, serviceIds: string[] | null, now: Date) {
  let query = db
    .selectFrom('org_service as s')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('report_report as r')
          .innerJoin('report_category as c', 'c.id', 'r.category_id')
          .leftJoin('report_category as pc', 'pc.id', 'c.parent_id')
          .leftJoin('report_category as gc', 'gc.id', 'pc.parent_id')
          .select([
            'r.service_id',
            (e) => e.fn.countAll<number>().as('open'),
            sql<number>`count(*) filter (where ${dueAtSql} < ${now})`.as('late'),
          ])
          .where('r.state', 'in', OPEN)
          .groupBy('r.service_id')
          .as('b'),
      (join) => join.onRef('b.service_id', '=', 's.id'),
    )
    .select([
      's.id',
      's.name',
      sql<number>`coalesce(b.open, 0)`.as('open'),
      sql<number>`coalesce(b.late, 0)`.as('late'),
    ]);
  if (serviceIds !== null) {
    if (serviceIds.length === 0) return [];
    query = query.where('s.id', 'in', serviceIds);
  }
  const rows = await query.orderBy('s.name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, open: Number(r.open), late: Number(r.late) }));
}

/** Open reports past their due date, oldest due first. */
export async function listLateReports(db: Db, now: Date, options: { notEscalated?: boolean } = {}) {
  let query = baseQuery(db)
    .select([...listColumns, dueAtSql.as('due_at')])
    .where('r.state', 'in', OPEN)
    .where(sql<SqlBool>`${dueAtSql} < ${now}`);
  if (options.notEscalated) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('report_event as e')
            .select('e.id')
            .whereRef('e.report_id', '=', 'r.id')
            .where('e.kind', '=', 'escalated'),
        ),
      ),
    );
  }
  const rows = await query.orderBy(dueAtSql).orderBy('r.reference').execute();
  return rows as AgentReportRecord[];
}

/** Records that a service got its digest today; false when it already had it. */
export async function claimDigest(db: Db, serviceId: string, day: string, count: number): Promise<boolean> {
  const row = await db
    .insertInto('report_digest_sent')
    .values({ service_id: serviceId, day, report_count: count })
    .onConflict((oc) => oc.doNothing())
    .returning('service_id')
    .executeTakeFirst();
  return !!row;
}

// ---- notification recipients ----------------------------------------------------------------

export async function findNotificationTarget(db: Db, reportId: string) {
  if (!isUuid(reportId)) return null;
  return (
    (await db
      .selectFrom('report_report as r')
      .leftJoin('account_user as u', (join) =>
        join.onRef('u.id', '=', 'r.reporter_user_id').on('u.deleted_at', 'is', null),
      )
      .select([
        'r.id',
        'r.reference',
        'r.state',
        'r.reporter_user_id',
        'r.reporter_email',
        'r.reporter_locale',
        'u.email as account_email',
        'u.locale as account_locale',
        'u.notify_by_email as account_notify',
      ])
      .where('r.id', '=', reportId)
      .executeTakeFirst()) ?? null
  );
}

export async function listFollowerRecipients(db: Db, reportId: string) {
  return db
    .selectFrom('report_follower as f')
    .innerJoin('account_user as u', 'u.id', 'f.user_id')
    .select(['u.id', 'u.email', 'u.locale'])
    .where('f.report_id', '=', reportId)
    .where('u.notify_by_email', '=', true)
    .where('u.deleted_at', 'is', null)
    .where('u.email', 'is not', null)
    .execute();
}

export async function listOptouts(db: Db, reportId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('report_mail_optout')
    .select('email')
    .where('report_id', '=', reportId)
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** Stops mail about a report to this address: removes the follow rows of accounts with it and records the opt-out. */
export async function optOut(db: Db, reportId: string, email: string): Promise<void> {
  await db
    .insertInto('report_mail_optout')
    .values({ report_id: reportId, email })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await sql`
    delete from report_follower
    where report_id = ${reportId}::uuid
      and user_id in (select id from account_user where lower(email) = ${email})
  `.execute(db);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
