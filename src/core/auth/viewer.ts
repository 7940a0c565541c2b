import type { Db } from '../db/database.js';
import type { Locale } from '../i18n/i18n.js';
import { isLocale } from '../i18n/i18n.js';
import '../db/core-tables.js';

export interface Membership {
  serviceId: string;
  serviceName: string;
  directorateId: string;
  role: 'agent' | 'manager';
}

/** The signed-in person, as every service and view sees them. */
export interface Viewer {
  id: string;
  email: string | null;
  displayName: string;
  locale: Locale;
  isAdmin: boolean;
  emailVerified: boolean;
  memberships: Membership[];
}

export function isAgent(viewer: Viewer | null): boolean {
  return !!viewer && (viewer.isAdmin || viewer.memberships.length > 0);
}

export async function loadViewer(db: Db, userId: string): Promise<Viewer | null> {
  const user = await db
    .selectFrom('account_user')
    .select(['id', 'email', 'display_name', 'locale', 'is_admin', 'email_verified_at'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) return null;
  const memberships = await db
    .selectFrom('org_membership as m')
    .innerJoin('org_service as s', 's.id', 'm.service_id')
    .select(['m.service_id', 'm.role', 's.name', 's.directorate_id'])
    .where('m.user_id', '=', userId)
    .orderBy('s.name')
    .execute();
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    locale: isLocale(user.locale) ? user.locale : 'fr',
    isAdmin: user.is_admin,
    emailVerified: user.email_verified_at !== null,
    memberships: memberships.map((m) => ({
      serviceId: m.service_id,
      serviceName: m.name,
      directorateId: m.directorate_id,
      role: m.role,
    })),
  };
}
