import { registerBackoffice } from '../modules/backoffice/index.js';
import { registerAreasApi } from './areas/areas.api.js';
import { registerAccountRoutes } from './auth/accounts.pages.js';
import type { RouteRegistrar } from './http/types.js';
import { registerOutboxRoutes } from './mail/outbox.pages.js';
import { registerPublicPages } from './pages/pages.routes.js';

/** The core's own pages, in the order they are registered. */
export const coreRoutes: RouteRegistrar[] = [
  registerOutboxRoutes,
  registerAccountRoutes,
  registerPublicPages,
  registerAreasApi,
  registerBackoffice,
];
