import type { Actor } from '../audit/audit.js';
import { recordAudit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import { DomainError } from '../http/errors.js';
import { isLocale, type Locale } from '../i18n/i18n.js';
import '../db/core-tables.js';

/** The language code of the URL, or a 400: an unknown code changes nothing. */
export function parseLanguage(code: string): Locale {
  if (!isLocale(code)) throw new DomainError('core.i18n.unknown_language', 400);
  return code;
}

/** Only a path of this site: "/x" yes; "//evil.example", "/\\evil", "https://…" no (open redirect). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  if (value.startsWith('//') || value.startsWith('/\\')) return '/';
  // Control characters could smuggle a second header line or confuse a browser's URL parser.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return '/';
  return value;
}

/** A signed-in person's language follows them from device to device. */
export async function saveAccountLocale(db: Db, actor: Actor, userId: string, locale: Locale): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('account_user')
      .set({ locale, updated_at: new Date() })
      .where('id', '=', userId)
      .where('locale', '<>', locale)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) {
      await recordAudit(tx, actor, {
        action: 'account.locale_changed',
        objectType: 'account_user',
        objectId: userId,
        details: { locale },
      });
    }
  });
}
