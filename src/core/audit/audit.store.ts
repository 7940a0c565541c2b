import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import '../db/core-tables.js';

export interface AuditFilter {
  /** An action or its beginning: `org.` finds every organisation event. */
  action?: string;
  /** Part of the actor's label. */
  actor?: string;
  objectType?: string;
  objectId?: string;
  /** Inclusive days, YYYY-MM-DD, in the city's time zone. */
  from?: string;
  to?: string;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string;
  ip: string;
  details: Record<string, unknown>;
}

const TIME_ZONE = 'Europe/Paris';

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Newest first, one page at a time, with the total for the pagination. */
export async function searchAudit(
  db: Db,
  filter: AuditFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  let query = db.selectFrom('audit_event');
  if (filter.action) query = query.where('action', 'like', `${escapeLike(filter.action)}%`);
  if (filter.actor) query = query.where('actor_label', 'ilike', `%${escapeLike(filter.actor)}%`);
  if (filter.objectType) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectId) query = query.where('object_id', '=', filter.objectId);
  if (filter.from)
    query = query.where('at', '>=', sql<Date>`(${filter.from}::date)::timestamp at time zone ${TIME_ZONE}`);
  if (filter.to) {
    query = query.where('at', '<', sql<Date>`(${filter.to}::date + 1)::timestamp at time zone ${TIME_ZONE}`);
  }
  const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      ip: r.ip,
      details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    })),
  };
}

export async function recentAudit(db: Db, limit: number): Promise<AuditRow[]> {
  return (await searchAudit(db, {}, { offset: 0, limit })).rows;
}
