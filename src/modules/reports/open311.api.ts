import type { RouteRegistrar } from '../../core/http/types.js';

/** Stub created by R1 so the manifest compiles; owner R4 replaces the body. */
export const registerOpen311: RouteRegistrar = () => {};
