import type { RouteRegistrar } from '../../core/http/types.js';

/** Stub created by R1 so the manifest compiles; owner R5 replaces the body. */
export const registerReportAdmin: RouteRegistrar = () => {};
