import { inTransaction } from '../areas/areas.service.js';
import { existingFeatureIds } from '../areas/areas.store.js';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db/database.js';
import { DomainError, NotFoundError, ValidationError } from '../http/errors.js';
import type { Permissions } from '../permissions/permissions.js';
import {
  type Agent,
  type Directorate,
  deleteMembership,
  directorateCodeTaken,
  findDirectorate,
  findDirectorateIdByCode,
  findMembership,
  findService,
  findUser,
  findUserByEmail,
  insertDirectorate,
  insertMembership,
  insertService,
  isUuid,
  listAgents,
  listDirectorates,
  listServices,
  type OrgUnit,
  type Role,
  serviceCodeTaken,
  setAdminFlag,
  updateDirectorate,
  updateMembershipRole,
  updateService,
} from './org.store.js';

export type { Agent, Directorate, OrgUnit, Role };

export interface DirectorateInput {
  code: string;
  name: string;
  description?: string;
}

export interface ServiceInput {
  /** Either the directorate's id or its code. */
  directorateId?: string;
  directorateCode?: string;
  code: string;
  name: string;
  email?: string;
  /** Areas (of any layer) the service covers; none means the whole city. */
  areaIds?: string[];
  active?: boolean;
}

export interface MembershipInput {
  userId: string;
  serviceId: string;
  role: Role;
}

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const ROLES: readonly Role[] = ['agent', 'manager'];

function clean(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function checkCodeAndName(code: string, name: string, errors: Record<string, string>) {
  if (!code) errors.code = 'core.org.errors.code_required';
  else if (!CODE_PATTERN.test(code)) errors.code = 'core.org.errors.code_format';
  if (!name) errors.name = 'core.org.errors.name_required';
  else if (name.length > 200) errors.name = 'core.org.errors.name_too_long';
}

function fail(errors: Record<string, string>) {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

async function validDirectorate(db: Db, input: DirectorateInput, exceptId?: string) {
  const values = { code: clean(input.code), name: clean(input.name), description: clean(input.description) };
  const errors: Record<string, string> = {};
  checkCodeAndName(values.code, values.name, errors);
  if (values.description.length > 2000) errors.description = 'core.org.errors.description_too_long';
  if (!errors.code && (await directorateCodeTaken(db, values.code, exceptId)))
    errors.code = 'core.org.errors.code_taken';
  fail(errors);
  return values;
}

// Seed-level functions: no viewer check (the demo seed and the CLI call them); each is audited.

export async function createDirectorate(db: Db, input: DirectorateInput, actor: Actor): Promise<Directorate> {
  return inTransaction(db, async (tx) => {
    const values = await validDirectorate(tx, input);
    const id = await insertDirectorate(tx, values);
    await recordAudit(tx, actor, {
      action: 'org.directorate_created',
      objectType: 'org_directorate',
      objectId: id,
      details: values,
    });
    return { id, ...values, serviceCount: 0 };
  });
}

export async function editDirectorate(
  db: Db,
  id: string,
  input: DirectorateInput,
  actor: Actor,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const before = await findDirectorate(tx, id);
    if (!before) throw new NotFoundError();
    const values = await validDirectorate(tx, input, id);
    await updateDirectorate(tx, id, values);
    await recordAudit(tx, actor, {
      action: 'org.directorate_updated',
      objectType: 'org_directorate',
      objectId: id,
      details: { before: { code: before.code, name: before.name }, after: values },
    });
  });
}

async function validService(db: Db, input: ServiceInput, exceptId?: string) {
  const errors: Record<string, string> = {};
  const code = clean(input.code);
  const name = clean(input.name);
  const email = clean(input.email).toLowerCase();
  checkCodeAndName(code, name, errors);
  let directorateId: string | null = null;
  const byId = clean(input.directorateId);
  if (byId) directorateId = isUuid(byId) && (await findDirectorate(db, byId)) ? byId : null;
  else if (clean(input.directorateCode))
    directorateId = await findDirectorateIdByCode(db, clean(input.directorateCode));
  if (!directorateId) errors.directorateId = 'core.org.errors.directorate_required';
  if (email && (email.length > 254 || !EMAIL_PATTERN.test(email)))
    errors.email = 'core.org.errors.email_invalid';
  const areaIds = [...new Set((input.areaIds ?? []).map(clean).filter(Boolean))];
  if (areaIds.some((id) => !isUuid(id))) errors.areaIds = 'core.org.errors.unknown_area';
  else if ((await existingFeatureIds(db, areaIds)).size !== areaIds.length)
    errors.areaIds = 'core.org.errors.unknown_area';
  if (!errors.code && (await serviceCodeTaken(db, code, exceptId)))
    errors.code = 'core.org.errors.code_taken';
  fail(errors);
  return {
    directorate_id: directorateId as string,
    code,
    name,
    email,
    area_ids: areaIds,
    active: input.active ?? true,
  };
}

export async function createService(db: Db, input: ServiceInput, actor: Actor): Promise<OrgUnit> {
  return inTransaction(db, async (tx) => {
    const values = await validService(tx, input);
    const id = await insertService(tx, values);
    await recordAudit(tx, actor, {
      action: 'org.service_created',
      objectType: 'org_service',
      objectId: id,
      details: values,
    });
    return (await findService(tx, id)) as OrgUnit;
  });
}

export async function editService(db: Db, id: string, input: ServiceInput, actor: Actor): Promise<void> {
  await inTransaction(db, async (tx) => {
    const before = await findService(tx, id);
    if (!before) throw new NotFoundError();
    const values = await validService(tx, input, id);
    await updateService(tx, id, values);
    await recordAudit(tx, actor, {
      action: 'org.service_updated',
      objectType: 'org_service',
      objectId: id,
      details: {
        before: { code: before.code, name: before.name, areaIds: before.areaIds, active: before.active },
        after: values,
      },
    });
  });
}

export async function addMembership(db: Db, input: MembershipInput, actor: Actor): Promise<void> {
  if (!ROLES.includes(input.role)) throw new ValidationError({ role: 'core.org.errors.role_invalid' });
  await inTransaction(db, async (tx) => {
    if (!(await findService(tx, input.serviceId)))
      throw new ValidationError({ serviceId: 'core.org.errors.service_required' });
    if (!(await findUser(tx, input.userId)))
      throw new ValidationError({ email: 'core.org.errors.unknown_account' });
    if (await findMembership(tx, input.userId, input.serviceId)) {
      throw new ValidationError({ serviceId: 'core.org.errors.already_member' });
    }
    await insertMembership(tx, input);
    await recordAudit(tx, actor, {
      action: 'org.membership_added',
      objectType: 'org_service',
      objectId: input.serviceId,
      details: { userId: input.userId, role: input.role },
    });
  });
}

export async function changeMembershipRole(db: Db, input: MembershipInput, actor: Actor): Promise<void> {
  if (!ROLES.includes(input.role)) throw new ValidationError({ role: 'core.org.errors.role_invalid' });
  await inTransaction(db, async (tx) => {
    const before = await findMembership(tx, input.userId, input.serviceId);
    if (!before) throw new NotFoundError();
    await updateMembershipRole(tx, input.userId, input.serviceId, input.role);
    await recordAudit(tx, actor, {
      action: 'org.membership_role_changed',
      objectType: 'org_service',
      objectId: input.serviceId,
      details: { userId: input.userId, before, after: input.role },
    });
  });
}

export async function removeMembership(
  db: Db,
  input: { userId: string; serviceId: string },
  actor: Actor,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const before = await findMembership(tx, input.userId, input.serviceId);
    if (!before) throw new NotFoundError();
    await deleteMembership(tx, input.userId, input.serviceId);
    await recordAudit(tx, actor, {
      action: 'org.membership_removed',
      objectType: 'org_service',
      objectId: input.serviceId,
      details: { userId: input.userId, role: before },
    });
  });
}

export async function setAdministrator(
  db: Db,
  userId: string,
  isAdmin: boolean,
  actor: Actor,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const user = await findUser(tx, userId);
    if (!user) throw new ValidationError({ email: 'core.org.errors.unknown_account' });
    if (user.isAdmin === isAdmin) return;
    await setAdminFlag(tx, userId, isAdmin);
    await recordAudit(tx, actor, {
      action: isAdmin ? 'org.admin_granted' : 'org.admin_revoked',
      objectType: 'account_user',
      objectId: userId,
    });
  });
}

/**
 * What people do in the back office: the same functions, after checking the viewer's
 * permission here (a route that forgets a check still cannot act).
 */
export class OrgUseCases {
  constructor(
    private readonly db: Db,
    private readonly permissions: Permissions,
  ) {}

  async listDirectorates(viewer: Viewer | null): Promise<Directorate[]> {
    this.permissions.assert(viewer, 'org.read');
    return listDirectorates(this.db);
  }

  async getDirectorate(viewer: Viewer | null, id: string): Promise<Directorate> {
    this.permissions.assert(viewer, 'org.read');
    const found = await findDirectorate(this.db, id);
    if (!found) throw new NotFoundError();
    return found;
  }

  async listServices(viewer: Viewer | null, filter: { directorateId?: string } = {}): Promise<OrgUnit[]> {
    this.permissions.assert(viewer, 'org.read');
    return listServices(this.db, filter);
  }

  async getService(viewer: Viewer | null, id: string): Promise<OrgUnit> {
    this.permissions.assert(viewer, 'org.read');
    const found = await findService(this.db, id);
    if (!found) throw new NotFoundError();
    return found;
  }

  async listAgents(viewer: Viewer | null): Promise<Agent[]> {
    this.permissions.assert(viewer, 'org.read');
    return listAgents(this.db);
  }

  async createDirectorate(viewer: Viewer | null, input: DirectorateInput, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return createDirectorate(this.db, input, actor);
  }

  async editDirectorate(viewer: Viewer | null, id: string, input: DirectorateInput, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return editDirectorate(this.db, id, input, actor);
  }

  async createService(viewer: Viewer | null, input: ServiceInput, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return createService(this.db, input, actor);
  }

  async editService(viewer: Viewer | null, id: string, input: ServiceInput, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return editService(this.db, id, input, actor);
  }

  /** Adds an existing account, found by its email, to a service. */
  async addMemberByEmail(
    viewer: Viewer | null,
    input: { email: string; serviceId: string; role: string },
    actor: Actor,
  ): Promise<void> {
    this.permissions.assert(viewer, 'org.manage');
    const errors: Record<string, string> = {};
    const email = clean(input.email);
    const user = email ? await findUserByEmail(this.db, email) : null;
    if (!user) errors.email = email ? 'core.org.errors.unknown_account' : 'core.org.errors.email_required';
    if (!(await findService(this.db, clean(input.serviceId))))
      errors.serviceId = 'core.org.errors.service_required';
    if (!ROLES.includes(input.role as Role)) errors.role = 'core.org.errors.role_invalid';
    fail(errors);
    await addMembership(
      this.db,
      { userId: (user as { id: string }).id, serviceId: input.serviceId, role: input.role as Role },
      actor,
    );
  }

  async changeRole(viewer: Viewer | null, input: MembershipInput, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return changeMembershipRole(this.db, input, actor);
  }

  async removeMember(viewer: Viewer | null, input: { userId: string; serviceId: string }, actor: Actor) {
    this.permissions.assert(viewer, 'org.manage');
    return removeMembership(this.db, input, actor);
  }

  /** Grants or revokes the city-wide administrator role; nobody revokes their own. */
  async setAdministrator(
    viewer: Viewer | null,
    input: { email?: string; userId?: string; isAdmin: boolean },
    actor: Actor,
  ): Promise<void> {
    this.permissions.assert(viewer, 'users.manage');
    const user = input.userId
      ? await findUser(this.db, input.userId)
      : input.email
        ? await findUserByEmail(this.db, input.email)
        : null;
    if (!user)
      throw new ValidationError({
        email: input.email ? 'core.org.errors.unknown_account' : 'core.org.errors.email_required',
      });
    if (!input.isAdmin && user.id === viewer.id) throw new DomainError('core.org.errors.cannot_revoke_self');
    await setAdministrator(this.db, user.id, input.isAdmin, actor);
  }
}
