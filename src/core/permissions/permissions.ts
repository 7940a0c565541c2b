import type { Viewer } from '../auth/viewer.js';
import { ForbiddenError } from '../http/errors.js';

/** Answers "may this person do this, on this thing?"; a resource is what the rule needs to know. */
export type PermissionRule = (viewer: Viewer | null, resource?: unknown) => boolean;

export interface PermissionDefinition {
  name: string;
  /** i18n key describing who may do it, listed in the back office. */
  descriptionKey: string;
  rule: PermissionRule;
}

/**
 * The table of who may do what. The core defines its permissions below; each module adds
 * its own through its manifest. Services call `assert` before they change anything, so a
 * route that forgets a check still cannot act.
 */
export class Permissions {
  private readonly rules = new Map<string, PermissionDefinition>();

  define(definition: PermissionDefinition): void {
    if (this.rules.has(definition.name)) throw new Error(`Permission ${definition.name} is defined twice`);
    this.rules.set(definition.name, definition);
  }

  can(viewer: Viewer | null, name: string, resource?: unknown): boolean {
    const definition = this.rules.get(name);
    if (!definition) throw new Error(`Unknown permission ${name}`);
    return definition.rule(viewer, resource);
  }

  assert(viewer: Viewer | null, name: string, resource?: unknown): asserts viewer is Viewer {
    if (!this.can(viewer, name, resource)) throw new ForbiddenError();
  }

  list(): PermissionDefinition[] {
    return [...this.rules.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

export const isAdmin: PermissionRule = (viewer) => !!viewer?.isAdmin;
export const isAnyAgent: PermissionRule = (viewer) =>
  !!viewer && (viewer.isAdmin || viewer.memberships.length > 0);
export const isManagerOfAny: PermissionRule = (viewer) =>
  !!viewer && (viewer.isAdmin || viewer.memberships.some((m) => m.role === 'manager'));
/** Resource: a service id. */
export const isMemberOfService: PermissionRule = (viewer, serviceId) =>
  !!viewer && (viewer.isAdmin || viewer.memberships.some((m) => m.serviceId === serviceId));

export function corePermissions(): Permissions {
  const permissions = new Permissions();
  permissions.define({
    name: 'backoffice.access',
    descriptionKey: 'core.permissions.backoffice_access',
    rule: isAnyAgent,
  });
  permissions.define({ name: 'org.manage', descriptionKey: 'core.permissions.org_manage', rule: isAdmin });
  permissions.define({ name: 'org.read', descriptionKey: 'core.permissions.org_read', rule: isAnyAgent });
  permissions.define({
    name: 'areas.manage',
    descriptionKey: 'core.permissions.areas_manage',
    rule: isAdmin,
  });
  permissions.define({ name: 'audit.read', descriptionKey: 'core.permissions.audit_read', rule: isAdmin });
  permissions.define({
    name: 'users.manage',
    descriptionKey: 'core.permissions.users_manage',
    rule: isAdmin,
  });
  permissions.define({
    name: 'mail.outbox.read',
    descriptionKey: 'core.permissions.outbox_read',
    rule: isAdmin,
  });
  return permissions;
}
