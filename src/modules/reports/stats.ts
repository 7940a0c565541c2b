/**
 * Public statistics of the reports, computed in SQL (read-only, same queries on PostgreSQL and
 * PGlite). Archived reports are left out everywhere: they are not public (DOMAIN.md), and the
 * figures then match the open-data export line for line.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { OPEN_STATES, REPORT_STATES } from './domain/workflow.js';
import './reports.tables.js';

export interface StatsFilter {
  /** Reports made on or after this instant. */
  from?: Date;
  /** Reports made before this instant (exclusive). */
  to?: Date;
}

export interface CountRow {
  /** Category id, arrondissement code, service id or state; '' for "none". */
  key: string;
  label: string;
  count: number;
}

export interface BacklogRow {
  serviceId: string | null;
  serviceName: string;
  /** Reports in an open state. */
  open: number;
  /** Open reports older than their category's target time to fix. */
  late: number;
}

export interface ReportStats {
  total: number;
  byTopCategory: CountRow[];
  byCategory: CountRow[];
  byArrondissement: CountRow[];
  byService: CountRow[];
  byState: CountRow[];
  /** Done reports: closed_at − created_at, in days. */
  timeToFix: { count: number; medianDays: number | null; p90Days: number | null };
  backlog: BacklogRow[];
  /** Among reports whose reporter answered "fixed well?". */
  satisfaction: { rated: number; satisfied: number; rate: number | null };
}

const DAY_SECONDS = 86_400;

function where(filter: StatsFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`r.state <> 'archived'`];
  if (filter.from) parts.push(sql`r.created_at >= ${filter.from}`);
  if (filter.to) parts.push(sql`r.created_at < ${filter.to}`);
  return sql.join(parts, sql` and `);
}

/** The report's category with its parent and grand-parent (the tree is at most 3 deep). */
const categoryJoins = sql`
  join report_category c on c.id = r.category_id
  left join report_category p on p.id = c.parent_id
  left join report_category g on g.id = p.parent_id`;

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

export async function reportStats(db: Db, filter: StatsFilter = {}): Promise<ReportStats> {
  const w = where(filter);
  const openStates = sql.join(OPEN_STATES.map((s) => sql`${s}`));

  const total = await sql<{ n: number }>`select count(*) as n from report_report r where ${w}`.execute(db);

  const byTop = await sql<{ key: string; label: string; n: number }>`
    select coalesce(g.id, p.id, c.id) as key, coalesce(g.label, p.label, c.label) as label, count(*) as n
    from report_report r ${categoryJoins}
    where ${w}
    group by 1, 2 order by n desc, label`.execute(db);

  // Leaf = the category the report was filed under, labelled with its whole path.
  const byLeaf = await sql<{ key: string; label: string; n: number }>`
    select c.id as key,
      concat_ws(' › ', g.label, p.label, c.label) as label, count(*) as n
    from report_report r ${categoryJoins}
    where ${w}
    group by 1, 2 order by n desc, label`.execute(db);

  const byArrondissement = await sql<{ key: string | null; label: string | null; n: number }>`
    select r.arrondissement_code as key, max(r.arrondissement_name) as label, count(*) as n
    from report_report r where ${w}
    group by 1
    -- numeric codes (1…20) in their natural order, others after
    order by case when r.arrondissement_code ~ '^[0-9]+$' then r.arrondissement_code::int end nulls last,
      r.arrondissement_code`.execute(db);

  const byService = await sql<{ key: string | null; label: string | null; n: number }>`
    select r.service_id::text as key, max(s.name) as label, count(*) as n
    from report_report r left join org_service s on s.id = r.service_id
    where ${w}
    group by 1 order by n desc, label`.execute(db);

  const byStateRows = await sql<{ key: string; n: number }>`
    select r.state as key, count(*) as n from report_report r where ${w} group by 1`.execute(db);
  const stateCounts = new Map(byStateRows.rows.map((row) => [row.key, num(row.n)]));

  const fix = await sql<{ n: number; median: number | null; p90: number | null }>`
    select count(*) as n,
      percentile_cont(0.5) within group (order by extract(epoch from r.closed_at - r.created_at)) as median,
      percentile_cont(0.9) within group (order by extract(epoch from r.closed_at - r.created_at)) as p90
    from report_report r
    where ${w} and r.state = 'done' and r.closed_at is not null`.execute(db);

  // Target time: the category's own, else inherited from the nearest ancestor that has one.
  const backlog = await sql<{ id: string | null; name: string | null; open: number; late: number }>`
    select r.service_id::text as id, max(s.name) as name, count(*) as open,
      count(*) filter (
        where r.created_at + make_interval(days => coalesce(c.target_days, p.target_days, g.target_days))
          < now()
      ) as late
    from report_report r ${categoryJoins}
    left join org_service s on s.id = r.service_id
    where ${w} and r.state in (${openStates})
    group by 1 order by late desc, open desc, name`.execute(db);

  const satisfaction = await sql<{ rated: number; satisfied: number }>`
    select count(r.satisfied) as rated, count(*) filter (where r.satisfied) as satisfied
    from report_report r where ${w}`.execute(db);

  const toRows = (rows: { key: string | null; label: string | null; n: number }[]): CountRow[] =>
    rows.map((row) => ({ key: row.key ?? '', label: row.label ?? '', count: num(row.n) }));
  const fixRow = fix.rows[0];
  const rated = num(satisfaction.rows[0]?.rated);
  const satisfied = num(satisfaction.rows[0]?.satisfied);
  const days = (seconds: unknown) => {
    const value = numOrNull(seconds);
    return value === null ? null : value / DAY_SECONDS;
  };
  return {
    total: num(total.rows[0]?.n),
    byTopCategory: toRows(byTop.rows),
    byCategory: toRows(byLeaf.rows),
    byArrondissement: toRows(byArrondissement.rows),
    byService: toRows(byService.rows),
    // Every public state, in workflow order, even at zero: the chart keeps its shape.
    byState: REPORT_STATES.filter((state) => state !== 'archived').map((state) => ({
      key: state,
      label: state,
      count: stateCounts.get(state) ?? 0,
    })),
    timeToFix: { count: num(fixRow?.n), medianDays: days(fixRow?.median), p90Days: days(fixRow?.p90) },
    backlog: backlog.rows.map((row) => ({
      serviceId: row.id,
      serviceName: row.name ?? '',
      open: num(row.open),
      late: num(row.late),
    })),
    satisfaction: { rated, satisfied, rate: rated > 0 ? satisfied / rated : null },
  };
}

// ---- Open-data export: keyset pages over the whole table -------------------------------------

/** What the export reads of a report: nothing about the reporter, no description. */
export interface ExportSourceRow {
  id: string;
  reference: string;
  channel: 'web' | 'open311' | 'backoffice';
  categoryId: string;
  address: string;
  arrondissementCode: string | null;
  quartierName: string | null;
  serviceName: string | null;
  lat: number;
  lon: number;
  state: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The public reports in pages of `chunkSize`, ordered by reference (unique index): each page is
 * one indexed query starting after the last reference of the one before, so memory stays flat
 * however big the table is and no row is read twice or missed.
 */
export async function* exportSourcePages(
  db: Db,
  chunkSize = 5_000,
): AsyncGenerator<ExportSourceRow[], void, undefined> {
  const pageAfter = (after: string | null) => {
    const query = db
      .selectFrom('report_report as r')
      .leftJoin('org_service as s', 's.id', 'r.service_id')
      .select([
        'r.id',
        'r.reference',
        'r.channel',
        'r.category_id',
        'r.address',
        'r.arrondissement_code',
        'r.quartier_name',
        's.name as service_name',
        'r.location',
        'r.state',
        'r.created_at',
        'r.updated_at',
      ])
      .where('r.state', '<>', 'archived')
      .orderBy('r.reference')
      .limit(chunkSize);
    return (after === null ? query : query.where('r.reference', '>', after)).execute();
  };
  let after: string | null = null;
  for (;;) {
    const rows = await pageAfter(after);
    if (rows.length === 0) return;
    yield rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      channel: row.channel,
      categoryId: row.category_id,
      address: row.address,
      arrondissementCode: row.arrondissement_code,
      quartierName: row.quartier_name,
      serviceName: row.service_name,
      lat: row.location.y,
      lon: row.location.x,
      state: row.state,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    }));
    if (rows.length < chunkSize) return;
    after = rows[rows.length - 1]!.reference;
  }
}

/** Labels of every category from the top level down, by id (the tree is small). */
export async function categoryPaths(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('report_category').select(['id', 'parent_id', 'label']).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const paths = new Map<string, string[]>();
  for (const row of rows) {
    const path: string[] = [];
    let current: typeof row | undefined = row;
    // bounded: the tree is at most 3 deep, a corrupt cycle cannot loop forever
    for (let depth = 0; current && depth < 5; depth++) {
      path.unshift(current.label);
      current = current.parent_id ? byId.get(current.parent_id) : undefined;
    }
    paths.set(row.id, path);
  }
  return paths;
}
