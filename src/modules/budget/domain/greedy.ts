import { add, compare, fromNumber, type Rational, sub, ZERO } from './rational.js';
import { applyTieBreaking, type TieBreakCriterion, UnresolvedTieError } from './ties.js';

/** A project as the counting rules see it. */
export interface CountedProject {
  readonly id: string;
  readonly cost: number;
  /** Number of supporters (ballots that chose or graded it above nothing). */
  readonly votes: number;
  /** What the greedy rule ranks by: votes for approval and knapsack, points for cumulative ballots. */
  readonly score: number;
}

export interface RankedSelectionOptions {
  readonly budget: number;
  readonly tieBreaking?: readonly TieBreakCriterion[];
  /**
   * `true` (default, CONSUL, Paris, Pabulib `greedy`): a project that does not fit is skipped
   * and the walk goes on. `false` (Pabulib `greedy-no-skip`): stop at the first that does not fit.
   */
  readonly skipUnaffordable?: boolean;
}

export interface GreedyOptions extends RankedSelectionOptions {
  /** Projects whose score is below this never win (Pabulib `greedy-threshold`). */
  readonly minScore?: number;
}

export interface SelectionResult {
  /** Winners in selection order. */
  readonly winners: string[];
  readonly totalCost: number;
  readonly leftover: number;
  /** Projects passed over because they no longer fitted the money left. */
  readonly unaffordable: string[];
}

/**
 * Walk down a ranking and take each project that still fits the money left. `ranking` is a
 * list of groups of equally ranked projects, best group first. Inside a group the tie-breaking
 * criteria give the order; a tie left unresolved only matters — and is then reported — when
 * some but not all of the tied projects can be funded.
 */
export function selectInRankOrder(
  ranking: readonly (readonly CountedProject[])[],
  options: RankedSelectionOptions,
): SelectionResult {
  const criteria = options.tieBreaking ?? [];
  const skip = options.skipUnaffordable ?? true;
  const budget = fromNumber(options.budget);
  let spent: Rational = ZERO;
  const winners: string[] = [];
  const unaffordable: string[] = [];
  const fits = (p: CountedProject, money: Rational) => compare(fromNumber(p.cost), money) <= 0;

  walk: for (const group of ranking) {
    let remaining = [...group];
    while (remaining.length > 0) {
      const tied = applyTieBreaking(remaining, criteria);
      let next = tied[0]!;
      if (tied.length > 1) {
        const money = sub(budget, spent);
        const total = tied.reduce<Rational>((sum, p) => add(sum, fromNumber(p.cost)), ZERO);
        const allFit = compare(total, money) <= 0;
        const noneFits = tied.every((p) => !fits(p, money));
        if (!allFit && !noneFits) throw new UnresolvedTieError(tied.map((p) => p.id));
        // The funded set does not depend on the order here; take them by id for a stable output.
        next = [...tied].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!;
      }
      remaining = remaining.filter((p) => p !== next);
      const cost = fromNumber(next.cost);
      if (compare(add(spent, cost), budget) <= 0) {
        spent = add(spent, cost);
        winners.push(next.id);
      } else {
        unaffordable.push(next.id);
        if (!skip) break walk;
      }
    }
  }
  const totalCost = Number(spent.n) / Number(spent.d);
  return { winners, totalCost, leftover: options.budget - totalCost, unaffordable };
}

/** Group projects by equal score, best first. */
export function rankByScore(projects: readonly CountedProject[]): CountedProject[][] {
  const sorted = [...projects].sort((a, b) => b.score - a.score);
  const groups: CountedProject[][] = [];
  for (const p of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.score === p.score) last.push(p);
    else groups.push([p]);
  }
  return groups;
}

/**
 * The standard greedy rule (CONSUL, Paris before 2021, Pabulib `greedy`): sort by score,
 * highest first, and take each project that still fits the money left.
 */
export function selectGreedy(projects: readonly CountedProject[], options: GreedyOptions): SelectionResult {
  const minScore = options.minScore;
  const eligible = minScore === undefined ? projects : projects.filter((p) => p.score >= minScore);
  return selectInRankOrder(rankByScore(eligible), options);
}
