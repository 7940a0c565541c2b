import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import '../db/core-tables.js';
import type { AccountTokenTable } from '../db/core-tables.js';
import { hashToken, newToken } from './tokens.js';

/** Every SQL query on accounts and their tokens. Emails arrive here already normalised. */

export type TokenPurpose = AccountTokenTable['purpose'];

export interface UserRow {
  id: string;
  email: string | null;
  email_verified_at: Date | null;
  password_hash: string | null;
  display_name: string;
  locale: string;
  is_admin: boolean;
  notify_by_email: boolean;
  notify_digest: boolean;
  created_at: Date;
  updated_at: Date;
}

const userColumns = [
  'id',
  'email',
  'email_verified_at',
  'password_hash',
  'display_name',
  'locale',
  'is_admin',
  'notify_by_email',
  'notify_digest',
  'created_at',
  'updated_at',
] as const;

export async function selectUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('account_user')
    .select(userColumns)
    .where('email', '=', email)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function selectUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('account_user')
    .select(userColumns)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function insertUser(
  db: Db,
  values: {
    email: string;
    passwordHash: string | null;
    displayName: string;
    locale: string;
    isAdmin: boolean;
    emailVerified: boolean;
  },
): Promise<{ id: string }> {
  return db
    .insertInto('account_user')
    .values({
      email: values.email,
      password_hash: values.passwordHash,
      display_name: values.displayName,
      locale: values.locale,
      is_admin: values.isAdmin,
      email_verified_at: values.emailVerified ? new Date() : null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export interface UserPatch {
  email?: string;
  emailVerified?: boolean;
  passwordHash?: string | null;
  displayName?: string;
  locale?: string;
  notifyByEmail?: boolean;
  notifyDigest?: boolean;
}

export async function updateUser(db: Db, id: string, patch: UserPatch): Promise<void> {
  await db
    .updateTable('account_user')
    .set({
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.emailVerified !== undefined && {
        email_verified_at: patch.emailVerified ? sql<Date>`now()` : null,
      }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
      ...(patch.notifyByEmail !== undefined && { notify_by_email: patch.notifyByEmail }),
      ...(patch.notifyDigest !== undefined && { notify_digest: patch.notifyDigest }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Creates a single-use token and returns it in clear: only its hash is kept. */
export async function insertToken(
  db: Db,
  values: { purpose: TokenPurpose; userId: string; email: string; ttlSeconds: number },
): Promise<string> {
  const token = newToken();
  await db
    .insertInto('account_token')
    .values({
      token_hash: hashToken(token),
      purpose: values.purpose,
      user_id: values.userId,
      email: values.email,
      expires_at: sql<Date>`now() + make_interval(secs => ${values.ttlSeconds})`,
      used_at: null,
    })
    .execute();
  return token;
}

export interface TokenRow {
  user_id: string | null;
  email: string;
}

/** Reads a token without using it up (confirmation pages opened by GET). */
export async function selectValidToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenRow | undefined> {
  return db
    .selectFrom('account_token')
    .select(['user_id', 'email'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Uses a token up in one statement: of two simultaneous requests, only one gets the row. */
export async function consumeToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenRow | undefined> {
  return db
    .updateTable('account_token')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id', 'email'])
    .executeTakeFirst();
}

/** Used and expired tokens are of no use to anyone: a periodic job may call this. */
export async function purgeExpiredTokens(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('account_token')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now()`), eb('used_at', 'is not', null)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteTokens(db: Db, userId: string, purposes?: TokenPurpose[]): Promise<void> {
  let query = db.deleteFrom('account_token').where('user_id', '=', userId);
  if (purposes) query = query.where('purpose', 'in', purposes);
  await query.execute();
}

export async function deleteSessionsExcept(db: Db, userId: string, keepIdHash?: string): Promise<void> {
  let query = db.deleteFrom('account_session').where('user_id', '=', userId);
  if (keepIdHash) query = query.where('id_hash', '!=', keepIdHash);
  await query.execute();
}

/** For "download my data": what we hold about a person, never a hash. */
export async function selectPersonalData(db: Db, userId: string) {
  const user = await db
    .selectFrom('account_user')
    .select([
      'id',
      'email',
      'email_verified_at',
      'display_name',
      'locale',
      'is_admin',
      'notify_by_email',
      'notify_digest',
      'created_at',
      'updated_at',
    ])
    .select((eb) => eb('password_hash', 'is not', null).as('has_password'))
    .where('id', '=', userId)
    .executeTakeFirst();
  const sessions = await db
    .selectFrom('account_session')
    .select(['created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const memberships = await db
    .selectFrom('org_membership as m')
    .innerJoin('org_service as s', 's.id', 'm.service_id')
    .select(['s.code as service_code', 's.name as service_name', 'm.role', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .orderBy('s.name')
    .execute();
  const auditEvents = await db
    .selectFrom('audit_event')
    .select(['at', 'action', 'object_type', 'object_id', 'ip', 'details'])
    .where('actor_id', '=', userId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return { user, sessions, memberships, auditEvents };
}

/**
 * Erases a person from the core tables: the row stays (public contributions point to it)
 * but holds nothing personal any more.
 */
export async function eraseUser(db: Db, userId: string, anonymousLabel: string): Promise<void> {
  await db
    .updateTable('account_user')
    .set({
      email: null,
      email_verified_at: null,
      password_hash: null,
      display_name: '',
      is_admin: false,
      notify_by_email: false,
      notify_digest: false,
      deleted_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('account_session').where('user_id', '=', userId).execute();
  await db.deleteFrom('account_token').where('user_id', '=', userId).execute();
  await db.deleteFrom('org_membership').where('user_id', '=', userId).execute();
  await db
    .updateTable('audit_event')
    .set({ actor_label: anonymousLabel })
    .where('actor_id', '=', userId)
    .execute();
}

/** True when PostgreSQL refused a duplicate (e.g. two sign-ups with one address at once). */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code?: unknown }).code === '23505'
  );
}
