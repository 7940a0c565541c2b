/**
 * The vote part of the budget module: ballots and the vote pages, eligibility, booth ballots,
 * participation counter, results and their exports. Secrecy and integrity: BALLOTS.md.
 */
import { isAdmin, isAnyAgent } from '../../../core/permissions/permissions.js';
import type { BudgetPart } from '../budget.manifest.js';
import { accountKey } from './keys.js';
import { registerVoteJobs, scheduleVoteJobs } from './vote.mail.js';
import { ballotSecret } from './vote.service.js';
import * as store from './vote.store.js';

export const votePart: BudgetPart = {
  permissions(permissions) {
    permissions.define({
      name: 'budget.ballots.paper',
      descriptionKey: 'budget.vote.permissions.ballots_paper',
      rule: isAnyAgent,
    });
    permissions.define({
      name: 'budget.results.manage',
      descriptionKey: 'budget.vote.permissions.results_manage',
      rule: isAdmin,
    });
  },
  async routes(app, core) {
    const { registerVotePages } = await import('./vote.pages.js');
    const { registerVoteAdmin } = await import('./vote.admin.js');
    await registerVotePages(app, core);
    await registerVoteAdmin(app, core);
  },
  jobs: (core) => registerVoteJobs(core),
  schedule: (core) => scheduleVoteJobs(core),
  async seedDemo(core, onProgress) {
    const { seedVoteDemo } = await import('./seed.js');
    await seedVoteDemo(core, onProgress);
  },
  /** Who took part, and when: never what (the ballot is not linked to the account in the tables). */
  async personalData(core, userId) {
    const rows = await store.participationsOf(core.db, userId);
    return {
      budgetParticipation: rows.map((r) => ({
        campaignId: r.campaign_id,
        declaration: r.declaration,
        state: r.state,
        confirmedAt: r.confirmed_at,
        createdAt: r.created_at,
      })),
    };
  },
  /** The register forgets the account; the ballot stays counted, no longer reachable from it. */
  async anonymiseUser(core, userId) {
    const campaigns = await core.db.selectFrom('budget_campaign').select('id').execute();
    const key = ballotSecret(core);
    await core.db.transaction().execute((tx) =>
      store.forgetAccount(
        tx,
        userId,
        campaigns.map((c) => accountKey(key, c.id, userId)),
      ),
    );
  },
};
