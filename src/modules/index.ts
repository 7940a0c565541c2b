import type { Config } from '../core/config/config.js';
import type { RouteRegistrar } from '../core/http/types.js';
import type { Permissions } from '../core/permissions/permissions.js';
import type { CoreServices } from '../core/services.js';
import type { NavItem } from '../core/views/context.js';
import { budgetManifest } from './budget/budget.manifest.js';
import { reportsManifest } from './reports/reports.manifest.js';

/** What a module gives the core. */
export interface ModuleManifest {
  name: string;
  /** Entries of the main navigation. */
  nav?: NavItem[];
  /** Adds the module's rows to the table of who may do what. */
  permissions?: (permissions: Permissions) => void;
  routes?: RouteRegistrar;
  /** Registers the module's background jobs. */
  jobs?: (core: CoreServices) => void;
  /** Home-page card: i18n keys of a title and a description, and where it leads. */
  home?: { titleKey: string; descriptionKey: string; href: string };
  /** Links shown on the account page (e.g. "My reports"). */
  accountLinks?: NavItem[];
  /** Demo data, after the Paris demo it builds on; must do nothing once done. */
  seedDemo?: (core: CoreServices, onProgress: (message: string) => void) => Promise<void>;
  /** Periodic jobs, asked for in each process that works jobs; returns a stop function. */
  schedule?: (core: CoreServices) => () => void;
  /** What this module holds about a person, for "download my data". */
  personalData?: (core: CoreServices, userId: string) => Promise<Record<string, unknown>>;
  /** Erases a deleted account's personal data here; public contributions stay, anonymised. */
  anonymiseUser?: (core: CoreServices, userId: string) => Promise<void>;
}

const available: ModuleManifest[] = [reportsManifest, budgetManifest];

export function enabledModules(config: Config): ModuleManifest[] {
  return available.filter((m) => config.modules.includes(m.name));
}
