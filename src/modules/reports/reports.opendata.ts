import type { RouteRegistrar } from '../../core/http/types.js';

/** Stub created by R1 so the manifest compiles; owner R6 replaces the body. */
export const registerReportStats: RouteRegistrar = () => {};
