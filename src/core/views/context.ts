import type { Viewer } from '../auth/viewer.js';
import type { CityTheme } from '../config/config.js';
import type { Locale, Translate } from '../i18n/i18n.js';

export interface NavItem {
  href: string;
  /** i18n key */
  labelKey: string;
}

/** Everything a view may know about the request. Views receive plain data and never query. */
export interface PageContext {
  locale: Locale;
  t: Translate;
  viewer: Viewer | null;
  city: CityTheme;
  /** For every form: `<CsrfField ctx={ctx} />`. */
  csrfToken: string;
  /** Path and query of the current page, for the language switch and "back to" links. */
  path: string;
  asset: (name: string) => string;
  nav: NavItem[];
  demo: boolean;
  can: (permission: string, resource?: unknown) => boolean;
  /** A one-time message after a redirect (an i18n key, already translated here). */
  flash: string | null;
}
