import { sql } from 'kysely';
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

/** The account and its memberships, and the session when reached through one. */
function viewerQuery(db: Db) {
  return db
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
    ])
    .where('u.deleted_at', 'is', null);
}

type ViewerRow = Awaited<ReturnType<ReturnType<typeof viewerQuery>['executeTakeFirstOrThrow']>>;

function toViewer(user: ViewerRow): Viewer {
  return {
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
}

/** One round trip: the account and its memberships. */
export async function loadViewer(db: Db, userId: string): Promise<Viewer | null> {
  const user = await viewerQuery(db).where('u.id', '=', userId).executeTakeFirst();
  return user ? toViewer(user) : null;
}

/**
 * The people behind live session tokens (their hashes), in one round trip: the sessions, the
 * accounts and their memberships. Read on every signed-in request, for the requests of a
 * moment together (`SessionStore.viewer`).
 */
export async function loadSessionViewers(
  db: Db,
  sessionHashes: readonly string[],
): Promise<Map<string, { viewer: Viewer; lastSeenAt: Date }>> {
  const rows = await viewerQuery(db)
    .innerJoin('account_session as session', 'session.user_id', 'u.id')
    .select(['session.id_hash', 'session.last_seen_at'])
    .where('session.id_hash', '=', sql<string>`any(${sessionHashes}::text[])`)
    .where('session.expires_at', '>', new Date())
    .modifyFront(prepared('session-viewers'))
    .execute();
  return new Map(rows.map((row) => [row.id_hash, { viewer: toViewer(row), lastSeenAt: row.last_seen_at }]));
}
