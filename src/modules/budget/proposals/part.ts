/**
 * The proposals part of the participatory budget: campaigns and envelopes (back office),
 * citizens' proposals, the study by the directorates, moderation, and the demo campaigns.
 */
import type { Viewer } from '../../../core/auth/viewer.js';
import { isAdmin, isAnyAgent } from '../../../core/permissions/permissions.js';
import type { BudgetPart } from '../budget.manifest.js';
import * as store from './proposals.store.js';
import { registerProposalRoutes } from './routes.js';

/**
 * budget.study — no resource: may open the study queue (any agent); resource = a directorate
 * id: agents of any service of that directorate, and administrators; resource null (an
 * unrouted proposal): administrators only.
 */
export function canStudy(viewer: Viewer | null, resource?: unknown): boolean {
  if (!viewer) return false;
  if (viewer.isAdmin) return true;
  if (resource === undefined) return viewer.memberships.length > 0;
  return typeof resource === 'string' && viewer.memberships.some((m) => m.directorateId === resource);
}

export const proposalsPart: BudgetPart = {
  accountLinks: [{ href: '/compte/budget', labelKey: 'budget.proposals.mine.title' }],
  permissions(permissions) {
    permissions.define({
      name: 'budget.campaigns.manage',
      descriptionKey: 'budget.campaigns.permission',
      rule: isAdmin,
    });
    permissions.define({ name: 'budget.study', descriptionKey: 'budget.study.permission', rule: canStudy });
    permissions.define({
      name: 'budget.moderate',
      descriptionKey: 'budget.proposals.moderation.permission',
      rule: isAnyAgent,
    });
  },
  routes: registerProposalRoutes,
  async seedDemo(core, onProgress) {
    const { seedProposalsDemo } = await import('./seed/demo.js');
    await seedProposalsDemo(core, { onProgress });
  },
  async personalData(core, userId) {
    return { budgetProposals: await store.selectPersonalData(core.db, userId) };
  },
  async anonymiseUser(core, userId) {
    await core.db.transaction().execute((tx) => store.anonymiseUser(tx, userId));
  },
};
