/**
 * The implementation tracking of the winners: status, progress, dated milestones with photos,
 * followers told of each milestone; the public project page, the map and list of every winner,
 * and the agents' pages under /admin/budget/realisations.
 */
import type { BudgetPart } from '../budget.manifest.js';
import { registerTrackingUnsubscribe } from './notifications.js';
import { registerTrackingAdmin } from './tracking.admin.js';
import { registerTrackingPages } from './tracking.pages.js';
import { canManageTracking, MANAGE_PERMISSION } from './tracking.service.js';
import * as store from './tracking.store.js';

export const trackingPart: BudgetPart = {
  accountLinks: [{ href: '/compte/budget/suivis', labelKey: 'budget.tracking.followed.title' }],
  permissions(permissions) {
    /** Resource: `{ directorateId }` of the project. */
    permissions.define({
      name: MANAGE_PERMISSION,
      descriptionKey: 'budget.tracking.permissions.manage',
      rule: canManageTracking,
    });
  },
  async routes(app, core) {
    registerTrackingPages(app, core);
    registerTrackingUnsubscribe(app, core);
    await registerTrackingAdmin(app, core);
  },
  async seedDemo(core, onProgress) {
    const { seedTrackingDemo } = await import('./seed/tracking-demo.js');
    await seedTrackingDemo(core, { onProgress });
  },
  async personalData(core, userId) {
    return { budgetFollows: await store.selectPersonalFollows(core.db, userId) };
  },
  /** Follows go; milestones and status changes stay (public record), without the agent's account. */
  async anonymiseUser(core, userId) {
    await core.db.transaction().execute(async (tx) => {
      await store.deleteFollowsOf(tx, userId);
      await store.forgetActor(tx, userId);
    });
  },
};
