/** Every route of the proposals part: citizen pages, then the back office behind requireAgent. */
import type { App, RouteRegistrar } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import { requireAgent } from '../../backoffice/common.js';
import { registerCampaignAdmin } from './admin.js';
import { registerProposalPages } from './pages.js';
import { registerStudyAdmin } from './study.admin.js';

export const registerProposalRoutes: RouteRegistrar = async (app: App, core: CoreServices) => {
  await registerProposalPages(app, core);
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireAgent);
    registerCampaignAdmin(scope as unknown as App, core);
    registerStudyAdmin(scope as unknown as App, core);
  });
};
