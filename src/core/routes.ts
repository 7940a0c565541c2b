import type { RouteRegistrar } from './http/types.js';

/** The core's own pages, in the order they are registered. */
export const coreRoutes: RouteRegistrar[] = [];
