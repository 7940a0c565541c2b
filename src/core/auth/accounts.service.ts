import type { Actor } from '../audit/audit.js';
import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import { DomainError, ValidationError } from '../http/errors.js';
import type { RateLimitRule } from '../http/rate-limit.js';
import { type Locale, translator } from '../i18n/i18n.js';
import { composeMail } from '../mail/compose.js';
import { queueMail } from '../mail/send.js';
import type { CoreServices } from '../services.js';
import {
  asLocale,
  emailProblem,
  type FieldErrors,
  localeProblem,
  nameProblem,
  normaliseEmail,
  normaliseName,
  passwordProblem,
  TOKEN_TTL,
} from './accounts.domain.js';
import * as store from './accounts.store.js';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.js';
import { hashToken } from './tokens.js';
import type { Viewer } from './viewer.js';

/**
 * Accounts and sessions: sign-up, sign-in (password or magic link), password reset, the
 * account page, "download my data" and "delete my account".
 *
 * Decisions (see also the report of the foundation issue):
 * - An account whose address is not confirmed cannot sign in with its password: the
 *   sign-in answers "confirm your address first" and mails a new confirmation link.
 *   Whoever typed the password may not own the address (account pre-hijacking).
 * - A magic link asked for an address without an account sends nothing; the answer on
 *   screen is the same either way. A magic link proves the address, so it confirms an
 *   unconfirmed account and drops the password that nobody had proved to own.
 */

export const RATE_LIMITS = {
  signInIp: { name: 'signin-ip', max: 30, windowSeconds: 900 },
  signInEmail: { name: 'signin-email', max: 10, windowSeconds: 900 },
  signUpIp: { name: 'signup-ip', max: 20, windowSeconds: 3600 },
  signUpEmail: { name: 'signup-email', max: 5, windowSeconds: 3600 },
  magicLinkIp: { name: 'magic-link-ip', max: 20, windowSeconds: 900 },
  magicLinkEmail: { name: 'magic-link-email', max: 5, windowSeconds: 900 },
  resetIp: { name: 'reset-ip', max: 20, windowSeconds: 900 },
  resetEmail: { name: 'reset-email', max: 5, windowSeconds: 900 },
  tokenUseIp: { name: 'token-use-ip', max: 60, windowSeconds: 900 },
  emailChangeUser: { name: 'email-change-user', max: 5, windowSeconds: 3600 },
} satisfies Record<string, RateLimitRule>;

/** Who is asking, from the HTTP request. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
  requestId: string;
  locale: Locale;
  /** The browser's current session, destroyed when a new one starts. */
  oldSessionToken: string | null;
}

export const LINK_INVALID = 'core.account.errors.link_invalid';
export const ANONYMOUS_LABEL = 'deleted-user';

/** Addresses are counted in the rate-limit table only as hashes. */
function emailSubject(email: string): string {
  return hashToken(`email:${email}`);
}

function userActor(user: { id: string; email: string | null }, meta: Pick<RequestMeta, 'ip' | 'requestId'>) {
  return { userId: user.id, label: `user:${user.email ?? user.id}`, ip: meta.ip, requestId: meta.requestId };
}

function throwIfAny(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

async function sendAccountMail(
  core: CoreServices,
  to: string,
  locale: string,
  content: { subject: string; paragraphs: string[]; action?: { label: string; path: string } },
  params: Record<string, string | number> = {},
): Promise<void> {
  const t = translator(asLocale(locale));
  const all = { city: core.config.city.name, ...params };
  await queueMail(
    core,
    composeMail(core.config.city, t, {
      to,
      subject: t(content.subject, all),
      paragraphs: content.paragraphs.map((key) => t(key, all)),
      action: content.action && {
        label: t(content.action.label, all),
        url: `${core.config.publicUrl}${content.action.path}`,
      },
    }),
  );
}

/** For a periodic clean-up job: expired and used single-use tokens. */
export const purgeExpiredTokens = (core: Pick<CoreServices, 'db'>) => store.purgeExpiredTokens(core.db);

// ——— Creating accounts ———

export async function findUserByEmail(db: Db, email: string): Promise<store.UserRow | undefined> {
  return store.selectUserByEmail(db, normaliseEmail(email));
}

export interface NewUser {
  email: string;
  password?: string;
  displayName: string;
  locale?: 'fr' | 'en';
  isAdmin?: boolean;
  emailVerified?: boolean;
}

function validateNewUser(input: NewUser): { email: string; displayName: string; errors: FieldErrors } {
  const email = normaliseEmail(input.email ?? '');
  const displayName = normaliseName(input.displayName ?? '');
  const errors: FieldErrors = {};
  const nameError = nameProblem(displayName);
  if (nameError) errors.display_name = nameError;
  const emailError = emailProblem(email);
  if (emailError) errors.email = emailError;
  if (input.password !== undefined) {
    const passwordError = passwordProblem(input.password);
    if (passwordError) errors.password = passwordError;
  }
  if (input.locale !== undefined) {
    const localeError = localeProblem(input.locale);
    if (localeError) errors.locale = localeError;
  }
  return { email, displayName, errors };
}

/**
 * Creates an account (used by sign-up, the CLI `create-user` and the demo seed).
 * Throws a ValidationError on bad input and `core.account.errors.email_taken` when the
 * address already has an account — callers facing the public must not show that one.
 */
export async function createUser(db: Db, input: NewUser, actor: Actor): Promise<{ id: string }> {
  const { email, displayName, errors } = validateNewUser(input);
  throwIfAny(errors);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (tx) => {
      if (await store.selectUserByEmail(tx, email)) throw new DomainError('core.account.errors.email_taken');
      const user = await store.insertUser(tx, {
        email,
        passwordHash,
        displayName,
        locale: input.locale ?? 'fr',
        isAdmin: input.isAdmin ?? false,
        emailVerified: input.emailVerified ?? false,
      });
      await recordAudit(tx, actor, {
        action: 'account.created',
        objectType: 'account_user',
        objectId: user.id,
        details: { isAdmin: input.isAdmin ?? false, emailVerified: input.emailVerified ?? false },
      });
      return user;
    });
  } catch (error) {
    // Two sign-ups with one address at the same moment: the unique index decides.
    if (store.isUniqueViolation(error)) throw new DomainError('core.account.errors.email_taken');
    throw error;
  }
}

async function sendConfirmation(
  core: CoreServices,
  user: { id: string; display_name: string; locale: string },
  email: string,
): Promise<void> {
  const token = await store.insertToken(core.db, {
    purpose: 'confirm_email',
    userId: user.id,
    email,
    ttlSeconds: TOKEN_TTL.confirm_email,
  });
  await sendAccountMail(
    core,
    email,
    user.locale,
    {
      subject: 'core.account.mail.confirm.subject',
      paragraphs: ['core.account.mail.hello', 'core.account.mail.confirm.body', 'core.account.mail.not_you'],
      action: { label: 'core.account.mail.confirm.action', path: `/inscription/confirmer/${token}` },
    },
    { name: user.display_name, hours: TOKEN_TTL.confirm_email / 3600 },
  );
}

/** Tells the owner of an address that someone tried to use it for another account. */
async function sendAddressInUse(core: CoreServices, owner: store.UserRow): Promise<void> {
  await sendAccountMail(
    core,
    owner.email!,
    owner.locale,
    {
      subject: 'core.account.mail.address_in_use.subject',
      paragraphs: [
        'core.account.mail.hello',
        'core.account.mail.address_in_use.body',
        'core.account.mail.address_in_use.reset',
      ],
      action: { label: 'core.account.mail.address_in_use.action', path: '/connexion' },
    },
    { name: owner.display_name, resetUrl: `${core.config.publicUrl}/mot-de-passe-oublie` },
  );
}

/**
 * Sign-up. The answer is the same whether or not the address already has an account:
 * the owner of a taken address gets a mail instead of a confirmation link.
 */
export async function signUp(
  core: CoreServices,
  input: { displayName: string; email: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const { email, errors } = validateNewUser({ ...input, locale: meta.locale });
  throwIfAny(errors);
  await core.rateLimiter.consume(RATE_LIMITS.signUpIp, meta.ip);
  await core.rateLimiter.consume(RATE_LIMITS.signUpEmail, emailSubject(email));
  const actor = { userId: null, label: 'anonymous', ip: meta.ip, requestId: meta.requestId };
  const existing = await store.selectUserByEmail(core.db, email);
  if (existing) {
    await sendAddressInUse(core, existing);
    return;
  }
  let created: { id: string };
  try {
    created = await createUser(core.db, { ...input, locale: meta.locale }, actor);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'core.account.errors.email_taken') {
      const owner = await store.selectUserByEmail(core.db, email);
      if (owner) await sendAddressInUse(core, owner);
      return;
    }
    throw error;
  }
  const user = await store.selectUserById(core.db, created.id);
  if (user) await sendConfirmation(core, user, email);
}

// ——— Sessions ———

async function openSession(
  core: CoreServices,
  user: store.UserRow,
  meta: RequestMeta,
  method: 'password' | 'magic_link' | 'email_confirmation' | 'password_reset',
): Promise<string> {
  // A new id at every sign-in, and the browser's previous session (if any) is ended.
  if (meta.oldSessionToken) await core.sessions.destroy(meta.oldSessionToken);
  const token = await core.sessions.create(user.id, { userAgent: meta.userAgent, ip: meta.ip });
  await recordAudit(core.db, userActor(user, meta), {
    action: 'account.signed_in',
    objectType: 'account_user',
    objectId: user.id,
    details: { method },
  });
  return token;
}

export async function signInWithPassword(
  core: CoreServices,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<{ sessionToken: string }> {
  const email = normaliseEmail(input.email);
  await core.rateLimiter.consume(RATE_LIMITS.signInIp, meta.ip);
  if (email !== '') await core.rateLimiter.consume(RATE_LIMITS.signInEmail, emailSubject(email));
  const user = email === '' ? undefined : await store.selectUserByEmail(core.db, email);
  const matches =
    user && input.password.length <= 200
      ? await verifyPassword(input.password, user.password_hash)
      : await verifyAgainstNothing(input.password.slice(0, 200));
  // One message for an unknown address and a wrong password: nothing to learn from it.
  if (!user || !matches) throw new ValidationError({ email: 'core.account.errors.signin_failed' });
  if (!user.email_verified_at) {
    await sendConfirmation(core, user, user.email!);
    throw new ValidationError({ email: 'core.account.errors.signin_unconfirmed' });
  }
  await core.rateLimiter.reset(RATE_LIMITS.signInEmail, emailSubject(email));
  return { sessionToken: await openSession(core, user, meta, 'password') };
}

export async function signOut(core: CoreServices, sessionToken: string | null, actor: Actor): Promise<void> {
  if (!sessionToken) return;
  await core.sessions.destroy(sessionToken);
  if (actor.userId) {
    await recordAudit(core.db, actor, {
      action: 'account.signed_out',
      objectType: 'account_user',
      objectId: actor.userId,
    });
  }
}

// ——— Email confirmation (sign-up and change of address) ———

export async function isConfirmationValid(core: CoreServices, token: string): Promise<boolean> {
  return !!(await store.selectValidToken(core.db, token, 'confirm_email'));
}

export async function confirmEmail(
  core: CoreServices,
  token: string,
  meta: RequestMeta,
): Promise<{ sessionToken: string; changed: boolean }> {
  await core.rateLimiter.consume(RATE_LIMITS.tokenUseIp, meta.ip);
  const row = await store.consumeToken(core.db, token, 'confirm_email');
  const user = row?.user_id ? await store.selectUserById(core.db, row.user_id) : undefined;
  if (!row || !user) throw new DomainError(LINK_INVALID, 410);
  const changed = user.email !== row.email;
  if (changed) {
    const taken = await store.selectUserByEmail(core.db, row.email);
    if (taken) throw new DomainError('core.account.errors.email_unavailable', 409);
    const oldEmail = user.email;
    try {
      await store.updateUser(core.db, user.id, { email: row.email, emailVerified: true });
    } catch (error) {
      if (store.isUniqueViolation(error)) throw new DomainError('core.account.errors.email_unavailable', 409);
      throw error;
    }
    if (oldEmail) {
      await sendAccountMail(
        core,
        oldEmail,
        user.locale,
        {
          subject: 'core.account.mail.email_changed.subject',
          paragraphs: ['core.account.mail.hello', 'core.account.mail.email_changed.body'],
        },
        { name: user.display_name },
      );
    }
  } else {
    await store.updateUser(core.db, user.id, { emailVerified: true });
  }
  const confirmed = { ...user, email: row.email };
  await recordAudit(core.db, userActor(confirmed, meta), {
    action: changed ? 'account.email_changed' : 'account.email_confirmed',
    objectType: 'account_user',
    objectId: user.id,
  });
  return { sessionToken: await openSession(core, confirmed, meta, 'email_confirmation'), changed };
}

// ——— Links sent by mail (magic link, password reset) ———

interface EmailLinkKind {
  purpose: 'magic_link' | 'reset_password';
  limits: { ip: RateLimitRule; email: RateLimitRule };
  auditAction: string;
  mail: { subject: string; body: string; action: string; path: string };
}

const MAGIC_LINK: EmailLinkKind = {
  purpose: 'magic_link',
  limits: { ip: RATE_LIMITS.magicLinkIp, email: RATE_LIMITS.magicLinkEmail },
  auditAction: 'account.magic_link_requested',
  mail: {
    subject: 'core.account.mail.magic_link.subject',
    body: 'core.account.mail.magic_link.body',
    action: 'core.account.mail.magic_link.action',
    path: '/connexion/lien/',
  },
};

const PASSWORD_RESET: EmailLinkKind = {
  purpose: 'reset_password',
  limits: { ip: RATE_LIMITS.resetIp, email: RATE_LIMITS.resetEmail },
  auditAction: 'account.password_reset_requested',
  mail: {
    subject: 'core.account.mail.reset.subject',
    body: 'core.account.mail.reset.body',
    action: 'core.account.mail.reset.action',
    path: '/mot-de-passe-oublie/',
  },
};

/**
 * Mails a single-use link to an account's address. Same answer whether or not the address
 * has an account (nothing is sent when it has none); rate-limited per address and per IP.
 */
async function sendEmailLink(core: CoreServices, kind: EmailLinkKind, rawEmail: string, meta: RequestMeta) {
  const email = normaliseEmail(rawEmail);
  const problem = emailProblem(email);
  if (problem) throw new ValidationError({ email: problem });
  await core.rateLimiter.consume(kind.limits.ip, meta.ip);
  await core.rateLimiter.consume(kind.limits.email, emailSubject(email));
  const user = await store.selectUserByEmail(core.db, email);
  if (!user) return;
  const ttlSeconds = TOKEN_TTL[kind.purpose];
  const token = await store.insertToken(core.db, {
    purpose: kind.purpose,
    userId: user.id,
    email,
    ttlSeconds,
  });
  await recordAudit(
    core.db,
    { userId: null, label: 'anonymous', ip: meta.ip, requestId: meta.requestId },
    { action: kind.auditAction, objectType: 'account_user', objectId: user.id },
  );
  await sendAccountMail(
    core,
    email,
    user.locale,
    {
      subject: kind.mail.subject,
      paragraphs: ['core.account.mail.hello', kind.mail.body, 'core.account.mail.not_you'],
      action: { label: kind.mail.action, path: `${kind.mail.path}${token}` },
    },
    { name: user.display_name, minutes: ttlSeconds / 60 },
  );
}

// ——— Magic link ———

export async function requestMagicLink(
  core: CoreServices,
  rawEmail: string,
  meta: RequestMeta,
): Promise<void> {
  await sendEmailLink(core, MAGIC_LINK, rawEmail, meta);
}

export async function isMagicLinkValid(core: CoreServices, token: string): Promise<boolean> {
  return !!(await store.selectValidToken(core.db, token, 'magic_link'));
}

export async function signInWithMagicLink(
  core: CoreServices,
  token: string,
  meta: RequestMeta,
): Promise<{ sessionToken: string }> {
  await core.rateLimiter.consume(RATE_LIMITS.tokenUseIp, meta.ip);
  const row = await store.consumeToken(core.db, token, 'magic_link');
  const user = row?.user_id ? await store.selectUserById(core.db, row.user_id) : undefined;
  // The link is bound to the address it was sent to.
  if (!row || !user || user.email !== row.email) throw new DomainError(LINK_INVALID, 410);
  if (!user.email_verified_at) {
    // The address is now proved; a password set before that proof cannot be trusted.
    await store.updateUser(core.db, user.id, { emailVerified: true, passwordHash: null });
    await store.deleteSessionsExcept(core.db, user.id);
    await recordAudit(core.db, userActor(user, meta), {
      action: 'account.email_confirmed',
      objectType: 'account_user',
      objectId: user.id,
      details: { passwordCleared: user.password_hash !== null },
    });
  }
  return { sessionToken: await openSession(core, user, meta, 'magic_link') };
}

// ——— Password reset ———

export async function requestPasswordReset(
  core: CoreServices,
  rawEmail: string,
  meta: RequestMeta,
): Promise<void> {
  await sendEmailLink(core, PASSWORD_RESET, rawEmail, meta);
}

export async function isResetTokenValid(core: CoreServices, token: string): Promise<boolean> {
  return !!(await store.selectValidToken(core.db, token, 'reset_password'));
}

export async function resetPassword(
  core: CoreServices,
  token: string,
  newPassword: string,
  meta: RequestMeta,
): Promise<{ sessionToken: string }> {
  const problem = passwordProblem(newPassword);
  if (problem) throw new ValidationError({ password: problem });
  await core.rateLimiter.consume(RATE_LIMITS.tokenUseIp, meta.ip);
  const passwordHash = await hashPassword(newPassword);
  const row = await store.consumeToken(core.db, token, 'reset_password');
  const user = row?.user_id ? await store.selectUserById(core.db, row.user_id) : undefined;
  if (!row || !user || user.email !== row.email) throw new DomainError(LINK_INVALID, 410);
  await core.db.transaction().execute(async (tx) => {
    // The mail was opened, so the address is proved too.
    await store.updateUser(tx, user.id, { passwordHash, emailVerified: true });
    await store.deleteSessionsExcept(tx, user.id);
    await store.deleteTokens(tx, user.id, ['reset_password', 'magic_link']);
    await recordAudit(tx, userActor(user, meta), {
      action: 'account.password_reset',
      objectType: 'account_user',
      objectId: user.id,
    });
  });
  return { sessionToken: await openSession(core, user, meta, 'password_reset') };
}

// ——— The account page ———

export interface AccountDetails {
  displayName: string;
  email: string;
  emailVerified: boolean;
  locale: Locale;
  notifyByEmail: boolean;
  notifyDigest: boolean;
  hasPassword: boolean;
}

export async function getAccount(core: CoreServices, viewer: Viewer): Promise<AccountDetails> {
  const user = await store.selectUserById(core.db, viewer.id);
  if (!user) throw new DomainError('core.errors.forbidden', 403);
  return {
    displayName: user.display_name,
    email: user.email ?? '',
    emailVerified: user.email_verified_at !== null,
    locale: asLocale(user.locale),
    notifyByEmail: user.notify_by_email,
    notifyDigest: user.notify_digest,
    hasPassword: user.password_hash !== null,
  };
}

export async function updateProfile(
  core: CoreServices,
  viewer: Viewer,
  input: { displayName: string; locale: string; notifyByEmail: boolean; notifyDigest: boolean },
  actor: Actor,
): Promise<void> {
  const displayName = normaliseName(input.displayName);
  const errors: FieldErrors = {};
  const nameError = nameProblem(displayName);
  if (nameError) errors.display_name = nameError;
  const localeError = localeProblem(input.locale);
  if (localeError) errors.locale = localeError;
  throwIfAny(errors);
  await core.db.transaction().execute(async (tx) => {
    await store.updateUser(tx, viewer.id, {
      displayName,
      locale: input.locale,
      notifyByEmail: input.notifyByEmail,
      notifyDigest: input.notifyDigest,
    });
    await recordAudit(tx, actor, {
      action: 'account.updated',
      objectType: 'account_user',
      objectId: viewer.id,
      details: {
        fields: ['display_name', 'locale', 'notify_by_email', 'notify_digest'],
        locale: input.locale,
      },
    });
  });
}

/**
 * A new address is used only once its owner opens the link sent to it. If the address
 * already has an account, that account's owner is told instead: the answer is the same.
 */
export async function requestEmailChange(
  core: CoreServices,
  viewer: Viewer,
  rawEmail: string,
  actor: Actor,
): Promise<'sent' | 'unchanged'> {
  const email = normaliseEmail(rawEmail);
  const problem = emailProblem(email);
  if (problem) throw new ValidationError({ email: problem });
  const user = await store.selectUserById(core.db, viewer.id);
  if (!user) throw new DomainError('core.errors.forbidden', 403);
  if (email === user.email) return 'unchanged';
  await core.rateLimiter.consume(RATE_LIMITS.emailChangeUser, viewer.id);
  const owner = await store.selectUserByEmail(core.db, email);
  if (owner) {
    await sendAddressInUse(core, owner);
  } else {
    const token = await store.insertToken(core.db, {
      purpose: 'confirm_email',
      userId: user.id,
      email,
      ttlSeconds: TOKEN_TTL.confirm_email,
    });
    await sendAccountMail(
      core,
      email,
      user.locale,
      {
        subject: 'core.account.mail.change_email.subject',
        paragraphs: [
          'core.account.mail.hello',
          'core.account.mail.change_email.body',
          'core.account.mail.not_you',
        ],
        action: { label: 'core.account.mail.change_email.action', path: `/inscription/confirmer/${token}` },
      },
      { name: user.display_name, hours: TOKEN_TTL.confirm_email / 3600 },
    );
  }
  await recordAudit(core.db, actor, {
    action: 'account.email_change_requested',
    objectType: 'account_user',
    objectId: viewer.id,
  });
  return 'sent';
}

/** Ends every other session: whoever knew the old password is signed out. */
export async function changePassword(
  core: CoreServices,
  viewer: Viewer,
  input: { currentPassword: string; newPassword: string },
  sessionToken: string | null,
  actor: Actor,
): Promise<void> {
  const user = await store.selectUserById(core.db, viewer.id);
  if (!user) throw new DomainError('core.errors.forbidden', 403);
  const errors: FieldErrors = {};
  if (user.password_hash) {
    await core.rateLimiter.consume(RATE_LIMITS.signInEmail, emailSubject(user.email ?? user.id));
    if (input.currentPassword === '') errors.current_password = 'core.account.errors.password_required';
    else if (
      input.currentPassword.length > 200 ||
      !(await verifyPassword(input.currentPassword, user.password_hash))
    ) {
      errors.current_password = 'core.account.errors.current_password_wrong';
    }
  }
  const problem = passwordProblem(input.newPassword);
  if (problem) errors.new_password = problem;
  throwIfAny(errors);
  const passwordHash = await hashPassword(input.newPassword);
  await core.db.transaction().execute(async (tx) => {
    await store.updateUser(tx, user.id, { passwordHash });
    await store.deleteSessionsExcept(tx, user.id, sessionToken ? hashToken(sessionToken) : undefined);
    await store.deleteTokens(tx, user.id, ['reset_password', 'magic_link']);
    await recordAudit(tx, actor, {
      action: 'account.password_changed',
      objectType: 'account_user',
      objectId: user.id,
    });
  });
}

/** Everything the core and the modules hold about the viewer. No hash, no token. */
export async function exportPersonalData(
  core: CoreServices,
  viewer: Viewer,
  actor: Actor,
): Promise<Record<string, unknown>> {
  const data = await store.selectPersonalData(core.db, viewer.id);
  const modules: Record<string, unknown> = {};
  for (const module of core.modules) {
    if (module.personalData) modules[module.name] = await module.personalData(core, viewer.id);
  }
  await recordAudit(core.db, actor, {
    action: 'account.data_exported',
    objectType: 'account_user',
    objectId: viewer.id,
  });
  return {
    exportedAt: new Date().toISOString(),
    city: core.config.city.name,
    account: data.user,
    sessions: data.sessions,
    memberships: data.memberships,
    auditEvents: data.auditEvents,
    modules,
  };
}

/**
 * Erases the person: name, address and password go, sessions and tokens are deleted,
 * memberships removed; public contributions stay, anonymised by each module.
 */
export async function deleteAccount(
  core: CoreServices,
  viewer: Viewer,
  input: { password: string; confirmation: string },
  actor: Actor,
): Promise<void> {
  const user = await store.selectUserById(core.db, viewer.id);
  if (!user) throw new DomainError('core.errors.forbidden', 403);
  if (user.password_hash) {
    await core.rateLimiter.consume(RATE_LIMITS.signInEmail, emailSubject(user.email ?? user.id));
    const ok =
      input.password.length <= 200 && input.password !== ''
        ? await verifyPassword(input.password, user.password_hash)
        : false;
    if (!ok) throw new ValidationError({ password: 'core.account.errors.current_password_wrong' });
  } else {
    const word = translator(asLocale(user.locale))('core.account.delete.confirm_word');
    if (input.confirmation.trim().toLowerCase() !== word.toLowerCase()) {
      throw new ValidationError({ confirmation: 'core.account.errors.confirmation_wrong' });
    }
  }
  for (const module of core.modules) {
    if (module.anonymiseUser) await module.anonymiseUser(core, viewer.id);
  }
  await core.db.transaction().execute(async (tx) => {
    await store.eraseUser(tx, viewer.id, ANONYMOUS_LABEL);
    await recordAudit(
      tx,
      { ...actor, label: ANONYMOUS_LABEL },
      {
        action: 'account.deleted',
        objectType: 'account_user',
        objectId: viewer.id,
      },
    );
  });
}
