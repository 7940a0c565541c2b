/**
 * Tie-breaking shared by the winner-selection rules. A tie is broken by an ordered list of
 * criteria; each one keeps only the best of the tied projects. If projects are still tied
 * after the last criterion the rule reports the tie (`UnresolvedTieError`) instead of
 * choosing silently: the campaign must then add a criterion, usually an order drawn by lot
 * once, before counting, and used for every step (`{ order: [...] }`).
 */
export type TieBreakCriterion =
  | 'minCost'
  | 'maxCost'
  | 'maxVotes'
  /** Project ids compared as strings (so `1017` < `104`), as pabutools' lexicographic rule. */
  | 'lexicoId'
  /** An explicit order, e.g. drawn by lot: the first listed project wins. */
  | { readonly order: readonly string[] };

export interface TieCandidate {
  readonly id: string;
  readonly cost: number;
  /** Raw number of supporters (or points): what `maxVotes` compares. */
  readonly votes: number;
}

export class UnresolvedTieError extends Error {
  readonly code = 'budget.count.unresolved_tie';
  constructor(readonly projectIds: readonly string[]) {
    super(`tie between projects ${projectIds.join(', ')} could not be resolved`);
    this.name = 'UnresolvedTieError';
  }
}

/** Recommended by equalshares.net: lowest cost, then most supporters (then a lot order). */
export const DEFAULT_TIE_BREAKING: readonly TieBreakCriterion[] = ['minCost', 'maxVotes'];

function keepBest<T extends TieCandidate>(candidates: T[], score: (c: T) => number): T[] {
  let best = Number.NEGATIVE_INFINITY;
  for (const c of candidates) best = Math.max(best, score(c));
  return candidates.filter((c) => score(c) === best);
}

/** The candidates that remain tied after applying every criterion, in input order. */
export function applyTieBreaking<T extends TieCandidate>(
  candidates: readonly T[],
  criteria: readonly TieBreakCriterion[],
): T[] {
  let remaining = [...candidates];
  for (const criterion of criteria) {
    if (remaining.length <= 1) break;
    if (criterion === 'minCost') remaining = keepBest(remaining, (c) => -c.cost);
    else if (criterion === 'maxCost') remaining = keepBest(remaining, (c) => c.cost);
    else if (criterion === 'maxVotes') remaining = keepBest(remaining, (c) => c.votes);
    else if (criterion === 'lexicoId') {
      const first = remaining.map((c) => c.id).sort()[0];
      remaining = remaining.filter((c) => c.id === first);
    } else {
      const position = (id: string) => {
        const index = criterion.order.indexOf(id);
        return index < 0 ? Number.POSITIVE_INFINITY : index;
      };
      const best = Math.min(...remaining.map((c) => position(c.id)));
      if (best !== Number.POSITIVE_INFINITY) remaining = remaining.filter((c) => position(c.id) === best);
    }
  }
  return remaining;
}

/** The single winner of a tie, or `UnresolvedTieError`. */
export function breakTie<T extends TieCandidate>(
  candidates: readonly T[],
  criteria: readonly TieBreakCriterion[],
): T {
  const remaining = applyTieBreaking(candidates, criteria);
  if (remaining.length !== 1) throw new UnresolvedTieError(remaining.map((c) => c.id));
  return remaining[0]!;
}
