/** The reports module ("signalements", DansMaRue) as the core sees it. */
import type { RouteRegistrar } from '../../core/http/types.js';
import { isAdmin, isAnyAgent, isMemberOfService } from '../../core/permissions/permissions.js';
import type { ModuleManifest } from '../index.js';
import { registerReportJobs, registerReportNotificationRoutes, scheduleReportJobs } from './notifications.js';
import { registerOpen311MediaJob } from './open311/media.js';
import { registerOpen311 } from './open311.api.js';
import { registerReportAdmin } from './reports.admin.js';
import { registerReportStats } from './reports.opendata.js';
import { registerReportPages } from './reports.pages.js';
import * as store from './reports.store.js';

const routes: RouteRegistrar = async (app, core) => {
  await registerReportPages(app, core);
  await registerOpen311(app, core);
  await registerReportAdmin(app, core);
  await registerReportStats(app, core);
  await registerReportNotificationRoutes(app, core);
};

export const reportsManifest: ModuleManifest = {
  name: 'reports',
  nav: [{ href: '/signalements', labelKey: 'reports.nav' }],
  accountLinks: [{ href: '/compte/signalements', labelKey: 'reports.public.mine.title' }],
  home: { titleKey: 'reports.home.title', descriptionKey: 'reports.home.description', href: '/signalements' },
  permissions(permissions) {
    permissions.define({
      name: 'reports.categories.manage',
      descriptionKey: 'reports.permissions.categories_manage',
      rule: isAdmin,
    });
    permissions.define({
      name: 'reports.queue',
      descriptionKey: 'reports.permissions.queue',
      rule: isAnyAgent,
    });
    /** Resource: the report's service id. */
    permissions.define({
      name: 'reports.act',
      descriptionKey: 'reports.permissions.act',
      rule: isMemberOfService,
    });
    permissions.define({
      name: 'reports.api_keys.manage',
      descriptionKey: 'reports.permissions.api_keys_manage',
      rule: isAdmin,
    });
    /** Resource: the report's service id. */
    permissions.define({
      name: 'reports.internal.read',
      descriptionKey: 'reports.permissions.internal_read',
      rule: isMemberOfService,
    });
  },
  routes,
  jobs: (core) => {
    registerReportJobs(core);
    registerOpen311MediaJob(core);
  },
  schedule: (core) => scheduleReportJobs(core),
  async seedDemo(core, onProgress) {
    const { seedReportsDemo } = await import('./seed/reports-demo.js');
    await seedReportsDemo(core, { onProgress });
  },
  async personalData(core, userId) {
    const [reports, follows] = await Promise.all([
      store.selectPersonalReports(core.db, userId),
      store.selectPersonalFollows(core.db, userId),
    ]);
    return { reports, follows };
  },
  /** The reports stay (public record), without the person's name, e-mail, phone or account. */
  async anonymiseUser(core, userId) {
    await core.db.transaction().execute((tx) => store.anonymiseReporter(tx, userId));
  },
};
