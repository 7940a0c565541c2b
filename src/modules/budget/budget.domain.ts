/**
 * Pure rules of the participatory budget: ballot validation, tallies and winner selection.
 * No I/O. The rules are documented in COUNTING.md next to this file.
 */
export * from './domain/ballots.js';
export * from './domain/equal-shares.js';
export * from './domain/greedy.js';
export * from './domain/majority-judgment.js';
export type { Rational } from './domain/rational.js';
/** Exact rational arithmetic (BigInt), e.g. to display an Equal Shares per-voter amount. */
export * as exact from './domain/rational.js';
export * from './domain/ties.js';
