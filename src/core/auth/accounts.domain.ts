import { isLocale, type Locale } from '../i18n/i18n.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';

/** Pure rules about accounts: no I/O here. */

export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;

/** Lifetimes of the single-use tokens, in seconds. */
export const TOKEN_TTL = {
  confirm_email: 48 * 3600,
  reset_password: 3600,
  magic_link: 15 * 60,
} as const;

export type FieldErrors = Record<string, string>;

export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

const emailPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** Returns the i18n key of the problem, or null. Expects a normalised address. */
export function emailProblem(email: string): string | null {
  if (email === '') return 'core.account.errors.email_required';
  if (email.length > EMAIL_MAX_LENGTH || !emailPattern.test(email))
    return 'core.account.errors.email_invalid';
  return null;
}

export function normaliseName(raw: string): string {
  // Control characters have no place in a name shown to others.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what is removed
  return raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

export function nameProblem(name: string): string | null {
  if (name === '') return 'core.account.errors.name_required';
  if (name.length > NAME_MAX_LENGTH) return 'core.account.errors.name_too_long';
  return null;
}

export function passwordProblem(password: string): string | null {
  if (password === '') return 'core.account.errors.password_required';
  if (password.length < PASSWORD_MIN_LENGTH) return 'core.account.errors.password_too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'core.account.errors.password_too_long';
  return null;
}

export function localeProblem(locale: string): string | null {
  return isLocale(locale) ? null : 'core.account.errors.locale_unknown';
}

export function asLocale(value: string | undefined, fallback: Locale = 'fr'): Locale {
  return isLocale(value) ? value : fallback;
}

/**
 * Where to go after signing in: only a path of this site, never `//other.site` or a URL,
 * so that a crafted link cannot send someone elsewhere.
 */
export function safeReturnPath(raw: string | undefined | null, fallback = '/compte'): string {
  if (!raw || raw.length > 500) return fallback;
  if (!/^\/(?![/\\])[^\s\\]*$/.test(raw)) return fallback;
  return raw;
}

/** A token in a URL: base64url of 32 bytes. Anything else is refused before touching the database. */
export function looksLikeToken(raw: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(raw);
}
