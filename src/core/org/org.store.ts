import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import '../db/core-tables.js';

export type Role = 'agent' | 'manager';

export interface Directorate {
  id: string;
  code: string;
  name: string;
  description: string;
  serviceCount: number;
}

export interface OrgUnit {
  id: string;
  directorateId: string;
  directorateCode: string;
  directorateName: string;
  code: string;
  name: string;
  email: string;
  areaIds: string[];
  active: boolean;
  memberCount: number;
}

export interface AgentMembership {
  serviceId: string;
  serviceCode: string;
  serviceName: string;
  role: Role;
}

export interface Agent {
  id: string;
  email: string | null;
  displayName: string;
  isAdmin: boolean;
  memberships: AgentMembership[];
}

export async function listDirectorates(db: Db): Promise<Directorate[]> {
  const rows = await db
    .selectFrom('org_directorate as d')
    .leftJoin('org_service as s', 's.directorate_id', 'd.id')
    .select(['d.id', 'd.code', 'd.name', 'd.description', (eb) => eb.fn.count<number>('s.id').as('services')])
    .groupBy(['d.id', 'd.code', 'd.name', 'd.description'])
    .orderBy('d.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    serviceCount: Number(r.services),
  }));
}

export async function findDirectorate(db: Db, id: string): Promise<Directorate | null> {
  if (!isUuid(id)) return null;
  return (await listDirectorates(db)).find((d) => d.id === id) ?? null;
}

export async function findDirectorateIdByCode(db: Db, code: string): Promise<string | null> {
  const row = await db
    .selectFrom('org_directorate')
    .select('id')
    .where(sql`lower(code)`, '=', code.toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function directorateCodeTaken(db: Db, code: string, exceptId?: string): Promise<boolean> {
  let query = db.selectFrom('org_directorate').select('id').where(sql`lower(code)`, '=', code.toLowerCase());
  if (exceptId) query = query.where('id', '<>', exceptId);
  return !!(await query.executeTakeFirst());
}

export async function insertDirectorate(
  db: Db,
  values: { code: string; name: string; description: string },
): Promise<string> {
  const row = await db.insertInto('org_directorate').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateDirectorate(
  db: Db,
  id: string,
  values: { code: string; name: string; description: string },
): Promise<void> {
  await db
    .updateTable('org_directorate')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function listServices(db: Db, filter: { directorateId?: string } = {}): Promise<OrgUnit[]> {
  let query = db
    .selectFrom('org_service as s')
    .innerJoin('org_directorate as d', 'd.id', 's.directorate_id')
    .leftJoin('org_membership as m', 'm.service_id', 's.id')
    .select([
      's.id',
      's.directorate_id',
      'd.code as directorate_code',
      'd.name as directorate_name',
      's.code',
      's.name',
      's.email',
      's.area_ids',
      's.active',
      (eb) => eb.fn.count<number>('m.user_id').as('members'),
    ])
    .groupBy(['s.id', 'd.code', 'd.name'])
    .orderBy('d.name')
    .orderBy('s.name');
  if (filter.directorateId) {
    if (!isUuid(filter.directorateId)) return [];
    query = query.where('s.directorate_id', '=', filter.directorateId);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    directorateId: r.directorate_id,
    directorateCode: r.directorate_code,
    directorateName: r.directorate_name,
    code: r.code,
    name: r.name,
    email: r.email,
    areaIds: r.area_ids ?? [],
    active: r.active,
    memberCount: Number(r.members),
  }));
}

export async function findService(db: Db, id: string): Promise<OrgUnit | null> {
  if (!isUuid(id)) return null;
  const all = await listServices(db);
  return all.find((s) => s.id === id) ?? null;
}

export async function serviceCodeTaken(db: Db, code: string, exceptId?: string): Promise<boolean> {
  let query = db.selectFrom('org_service').select('id').where(sql`lower(code)`, '=', code.toLowerCase());
  if (exceptId) query = query.where('id', '<>', exceptId);
  return !!(await query.executeTakeFirst());
}

export interface ServiceValues {
  directorate_id: string;
  code: string;
  name: string;
  email: string;
  area_ids: string[];
  active: boolean;
}

export async function insertService(db: Db, values: ServiceValues): Promise<string> {
  const row = await db.insertInto('org_service').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateService(db: Db, id: string, values: ServiceValues): Promise<void> {
  await db
    .updateTable('org_service')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Areas removed by a re-import or a layer deletion stop being covered by any service. */
export async function forgetServiceAreas(db: Db, areaIds: string[]): Promise<void> {
  if (areaIds.length === 0) return;
  const services = await db.selectFrom('org_service').select(['id', 'area_ids']).execute();
  const gone = new Set(areaIds);
  for (const service of services) {
    const kept = (service.area_ids ?? []).filter((id) => !gone.has(id));
    if (kept.length !== (service.area_ids ?? []).length) {
      await db.updateTable('org_service').set({ area_ids: kept }).where('id', '=', service.id).execute();
    }
  }
}

export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<{ id: string; email: string | null; isAdmin: boolean } | null> {
  const row = await db
    .selectFrom('account_user')
    .select(['id', 'email', 'is_admin'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, isAdmin: row.is_admin } : null;
}

export async function findUser(
  db: Db,
  id: string,
): Promise<{ id: string; email: string | null; isAdmin: boolean } | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('account_user')
    .select(['id', 'email', 'is_admin'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, isAdmin: row.is_admin } : null;
}

export async function findMembership(db: Db, userId: string, serviceId: string): Promise<Role | null> {
  const row = await db
    .selectFrom('org_membership')
    .select('role')
    .where('user_id', '=', userId)
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  return row?.role ?? null;
}

export async function insertMembership(db: Db, values: { userId: string; serviceId: string; role: Role }) {
  await db
    .insertInto('org_membership')
    .values({ user_id: values.userId, service_id: values.serviceId, role: values.role })
    .execute();
}

export async function updateMembershipRole(db: Db, userId: string, serviceId: string, role: Role) {
  await db
    .updateTable('org_membership')
    .set({ role })
    .where('user_id', '=', userId)
    .where('service_id', '=', serviceId)
    .execute();
}

export async function deleteMembership(db: Db, userId: string, serviceId: string) {
  await db
    .deleteFrom('org_membership')
    .where('user_id', '=', userId)
    .where('service_id', '=', serviceId)
    .execute();
}

export async function setAdminFlag(db: Db, userId: string, isAdmin: boolean) {
  await db
    .updateTable('account_user')
    .set({ is_admin: isAdmin, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Administrators and members of at least one service, with their services. */
export async function listAgents(db: Db): Promise<Agent[]> {
  const users = await db
    .selectFrom('account_user as u')
    .select(['u.id', 'u.email', 'u.display_name', 'u.is_admin'])
    .where('u.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('u.is_admin', '=', true),
        eb.exists(
          eb.selectFrom('org_membership as m').select('m.user_id').whereRef('m.user_id', '=', 'u.id'),
        ),
      ]),
    )
    .orderBy('u.email')
    .execute();
  const memberships = await db
    .selectFrom('org_membership as m')
    .innerJoin('org_service as s', 's.id', 'm.service_id')
    .select(['m.user_id', 'm.service_id', 'm.role', 's.code', 's.name'])
    .orderBy('s.name')
    .execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    isAdmin: u.is_admin,
    memberships: memberships
      .filter((m) => m.user_id === u.id)
      .map((m) => ({ serviceId: m.service_id, serviceCode: m.code, serviceName: m.name, role: m.role })),
  }));
}

export async function orgCounts(db: Db): Promise<{ directorates: number; services: number; agents: number }> {
  const count = async (table: 'org_directorate' | 'org_service') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const agents = await db
    .selectFrom('org_membership')
    .select((eb) => eb.fn.count<number>('user_id').distinct().as('n'))
    .executeTakeFirstOrThrow();
  return {
    directorates: await count('org_directorate'),
    services: await count('org_service'),
    agents: Number(agents.n),
  };
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
