import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { type Db, prepared } from '../db/database.js';
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

/** The account and its memberships, in one statement; `seen` is the session's last_seen_at. */
async function readViewer(
  db: Db,
  by: { userId: string } | { sessionHash: string },
): Promise<{ viewer: Viewer; seen: Date | null } | null> {
  const now = new Date();
  const user = await db
    .selectFrom('account_user as u')
    .select((eb) => [
      'u.id',
      'u.email',
      'u.display_name',
      'u.locale',
      'u.is_admin',
      'u.email_verified_at',
      jsonArrayFrom(
        eb
          .selectFrom('org_membership as m')
          .innerJoin('org_service as s', 's.id', 'm.service_id')
          .select(['m.service_id', 'm.role', 's.name', 's.directorate_id'])
          .whereRef('m.user_id', '=', 'u.id')
          .orderBy('s.name'),
      ).as('memberships'),
      'sessionHash' in by
        ? eb
            .selectFrom('account_session')
            .select('last_seen_at')
            .where('id_hash', '=', by.sessionHash)
            .as('seen')
        : eb.val<Date | null>(null).as('seen'),
    ])
    .where('u.id', '=', (eb) =>
      'userId' in by
        ? eb.val(by.userId)
        : eb
            .selectFrom('account_session')
            .select('user_id')
            .where('id_hash', '=', by.sessionHash)
            .where('expires_at', '>', now),
    )
    .where('u.deleted_at', 'is', null)
    // Read on every signed-in request.
    .$if('sessionHash' in by, (qb) => qb.modifyFront(prepared('session-viewer')))
    .executeTakeFirst();
  if (!user) return null;
  const viewer: Viewer = {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    locale: isLocale(user.locale) ? user.locale : 'fr',
    isAdmin: user.is_admin,
    emailVerified: user.email_verified_at !== null,
    memberships: user.memberships.map((m) => ({
      serviceId: m.service_id,
      serviceName: m.name,
      directorateId: m.directorate_id,
      role: m.role,
    })),
  };
  return { viewer, seen: user.seen === null ? null : new Date(user.seen) };
}

/** One round trip: the account and its memberships. */
export async function loadViewer(db: Db, userId: string): Promise<Viewer | null> {
  return (await readViewer(db, { userId }))?.viewer ?? null;
}

/**
 * The person behind a live session token, in one round trip (read on every signed-in
 * request): the session, the account and its memberships.
 */
export async function loadSessionViewer(
  db: Db,
  sessionHash: string,
): Promise<{ viewer: Viewer; lastSeenAt: Date } | null> {
  const found = await readViewer(db, { sessionHash });
  return found?.seen ? { viewer: found.viewer, lastSeenAt: found.seen } : null;
}
