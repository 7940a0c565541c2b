import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fr';
/** The explicit language choice of a visitor (the switch in the header). */
export const LOCALE_COOKIE = 'vo_lang';

export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

const srcDir = path.resolve(import.meta.dirname, '../..');

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Every `locales/<lang>.json` under src/, one per part of the core and per module. */
export function localeFiles(locale: Locale, dir = srcDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === 'locales') {
        const file = path.join(full, `${locale}.json`);
        try {
          statSync(file);
          found.push(file);
        } catch {
          // this part has no messages in this language: the key test reports it
        }
      } else {
        found.push(...localeFiles(locale, full));
      }
    }
  }
  return found.sort();
}

export function loadMessages(locale: Locale): Map<string, string> {
  const messages = new Map<string, string>();
  for (const file of localeFiles(locale)) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(data)) {
      if (messages.has(key)) throw new Error(`i18n key ${key} is defined twice (second in ${file})`);
      messages.set(key, value);
    }
  }
  return messages;
}

const catalogues = new Map<Locale, Map<string, string>>();

function catalogue(locale: Locale): Map<string, string> {
  let messages = catalogues.get(locale);
  if (!messages) {
    messages = loadMessages(locale);
    catalogues.set(locale, messages);
  }
  return messages;
}

/** `{name}` placeholders; a missing key shows itself so that it is noticed, and the key test fails. */
export function translator(locale: Locale): Translate {
  const messages = catalogue(locale);
  return (key, params) => {
    const template = messages.get(key) ?? catalogue(DEFAULT_LOCALE).get(key) ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      params[name] === undefined ? match : String(params[name]),
    );
  };
}

/** The account's language, then an explicit choice (cookie), then Accept-Language, then French. */
export function resolveLocale(options: {
  account?: string | null;
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}): Locale {
  if (isLocale(options.account)) return options.account;
  if (isLocale(options.cookie)) return options.cookie;
  if (options.acceptLanguage) {
    const ranked = options.acceptLanguage
      .split(',')
      .map((part) => {
        const [tag = '', ...rest] = part.trim().split(';');
        const q = rest.find((p) => p.trim().startsWith('q='));
        return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
      })
      .sort((a, b) => b.q - a.q);
    for (const { lang, q } of ranked) if (q > 0 && isLocale(lang)) return lang;
  }
  return DEFAULT_LOCALE;
}

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(date);
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Paris',
  }).format(date);
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB').format(value);
}
