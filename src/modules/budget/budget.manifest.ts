/**
 * The participatory budget module ("budget participatif") as the core sees it. Its three
 * parts each bring their routes, permissions, jobs and demo data:
 * - proposals/: campaigns, envelopes, proposals, the study by the directorates;
 * - vote/: ballots (approval, knapsack, majority judgment), paper ballots, results, exports;
 * - tracking/: the winners being built, their milestones and followers.
 */
import type { ModuleManifest } from '../index.js';
import { proposalsPart } from './proposals/part.js';
import { trackingPart } from './tracking/part.js';
import { votePart } from './vote/part.js';

/** What each part of the module gives; the manifest runs them in order. */
export type BudgetPart = Pick<
  ModuleManifest,
  | 'routes'
  | 'permissions'
  | 'jobs'
  | 'schedule'
  | 'seedDemo'
  | 'personalData'
  | 'anonymiseUser'
  | 'accountLinks'
>;

const parts: BudgetPart[] = [proposalsPart, votePart, trackingPart];

export const budgetManifest: ModuleManifest = {
  name: 'budget',
  nav: [{ href: '/budget', labelKey: 'budget.nav' }],
  home: { titleKey: 'budget.home.title', descriptionKey: 'budget.home.description', href: '/budget' },
  accountLinks: parts.flatMap((part) => part.accountLinks ?? []),
  permissions(permissions) {
    for (const part of parts) part.permissions?.(permissions);
  },
  async routes(app, core) {
    for (const part of parts) await part.routes?.(app, core);
  },
  jobs(core) {
    for (const part of parts) part.jobs?.(core);
  },
  schedule(core) {
    const stops = parts.map((part) => part.schedule?.(core));
    return () => {
      for (const stop of stops) stop?.();
    };
  },
  async seedDemo(core, onProgress) {
    for (const part of parts) await part.seedDemo?.(core, onProgress);
  },
  async personalData(core, userId) {
    const data: Record<string, unknown> = {};
    for (const part of parts) Object.assign(data, await part.personalData?.(core, userId));
    return data;
  },
  async anonymiseUser(core, userId) {
    for (const part of parts) await part.anonymiseUser?.(core, userId);
  },
};
