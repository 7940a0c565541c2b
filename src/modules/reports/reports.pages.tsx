import type { RouteRegistrar } from '../../core/http/types.js';

/** Stub created by R1 so the manifest compiles; owner R3 replaces the body. */
export const registerReportPages: RouteRegistrar = () => {};
