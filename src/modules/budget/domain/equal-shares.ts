/**
 * Method of Equal Shares (MES) for approval ballots with cost utilities (a supporter's
 * utility for a project is its cost), in exact rational arithmetic.
 *
 * Each voter receives an equal share of the budget. A project can only be bought with its
 * supporters' money; each round buys the affordable project whose cost can be split among
 * its supporters with the smallest maximum payment (the highest "effective vote count"
 * cost / maximum payment), each supporter paying min(own money, maximum payment).
 *
 * Voters who always paid for the same projects hold the same amount, so the count keeps
 * voters in classes of equal money: a round costs one pass over the project's supporters
 * plus a few exact operations per class, which makes the Add1 completion (a full count for
 * each per-voter amount) fast enough on real instances.
 */
import {
  add,
  compare,
  div,
  divInt,
  fromNumber,
  mulInt,
  type Rational,
  rational,
  sub,
  toNumber,
  ZERO,
} from './rational.js';
import { breakTie, DEFAULT_TIE_BREAKING, type TieBreakCriterion } from './ties.js';

export interface ApprovalProject {
  readonly id: string;
  readonly cost: number;
}

export interface ApprovalElection {
  readonly projects: readonly ApprovalProject[];
  /** One entry per ballot: the ids of the approved projects (unknown ids are ignored). */
  readonly ballots: readonly (readonly string[])[];
  readonly budget: number;
}

export type Add1Variant =
  /**
   * Pabulib's reading (its checker, and the official Wieliczka 2023 count): count with B/n,
   * then with floor(B/n) + 1, + 2 … per voter, keeping each outcome that still costs ≤ B;
   * stop at the first that does not. No other stopping rule.
   */
  | 'pabulib'
  /**
   * equalshares.net online tool with its `integral` + `exhaustive` options: start at
   * floor(B/n) per voter, and also stop as soon as the current outcome is exhaustive
   * (no further project fits the money left).
   */
  | 'exhaustive';

export type ComparisonMode =
  /** A voter prefers the outcome with more of their approved projects. */
  | 'satisfaction'
  /** A voter prefers the outcome where they have an approved winner and in the other none. */
  | 'exclusionRatio';

export interface EqualSharesOptions {
  /** Default: lowest cost, then most supporters (`DEFAULT_TIE_BREAKING`). */
  readonly tieBreaking?: readonly TieBreakCriterion[];
  /** Raise the per-voter amount until the budget is used (default: no Add1). */
  readonly add1?: Add1Variant;
  /** Per-voter step of Add1 (default 1 currency unit). */
  readonly add1Increment?: number;
  /** After MES (and Add1), fill what is left greedily by number of supporters. */
  readonly utilitarianCompletion?: boolean;
  /** Compare with the greedy outcome and switch to it if strictly more voters prefer it. */
  readonly comparison?: ComparisonMode;
}

export interface EqualSharesResult {
  /** Winners in selection order (MES rounds, then any greedy completion). */
  readonly winners: string[];
  readonly totalCost: number;
  /** The per-voter amount of the final MES count (exact and approximate). */
  readonly perVoterBudget: Rational;
  readonly perVoterBudgetApprox: number;
  /** Projects added by the utilitarian completion, in order. */
  readonly addedByCompletion: string[];
  readonly comparison?: {
    readonly prefersEqualShares: number;
    readonly prefersGreedy: number;
    readonly switchedToGreedy: boolean;
  };
}

interface Prepared {
  readonly voters: number;
  readonly ids: readonly string[];
  readonly cost: readonly Rational[];
  readonly costNumber: readonly number[];
  readonly supporters: readonly Int32Array[];
  readonly budget: Rational;
}

function prepare(election: ApprovalElection): Prepared {
  const index = new Map<string, number>();
  election.projects.forEach((p, i) => {
    if (index.has(p.id)) throw new RangeError(`duplicate project id ${p.id}`);
    index.set(p.id, i);
  });
  const lists: number[][] = election.projects.map(() => []);
  election.ballots.forEach((ballot, voter) => {
    for (const id of new Set(ballot)) {
      const i = index.get(id);
      if (i !== undefined) lists[i]!.push(voter);
    }
  });
  return {
    voters: election.ballots.length,
    ids: election.projects.map((p) => p.id),
    cost: election.projects.map((p) => fromNumber(p.cost)),
    costNumber: election.projects.map((p) => p.cost),
    supporters: lists.map((l) => Int32Array.from(l)),
    budget: fromNumber(election.budget),
  };
}

/** One MES count with a fixed per-voter amount. Returns project indexes in selection order. */
function countWithFixedBudget(
  e: Prepared,
  perVoter: Rational,
  tieBreaking: readonly TieBreakCriterion[],
): number[] {
  if (e.voters === 0) return [];
  // Voters holding the same money share a class.
  const classMoney: Rational[] = [perVoter];
  const classSize: number[] = [e.voters];
  const voterClass = new Int32Array(e.voters);
  const counts = new Int32Array(e.voters + 1);
  const touched: number[] = [];

  const gather = (project: number) => {
    touched.length = 0;
    for (const v of e.supporters[project]!) {
      const k = voterClass[v]!;
      if (counts[k] === 0) touched.push(k);
      counts[k]!++;
    }
  };
  const release = () => {
    for (const k of touched) counts[k] = 0;
  };

  // remaining project -> its previous effective vote count (an upper bound: it never grows).
  const remaining = new Map<number, Rational>();
  e.ids.forEach((_, i) => {
    if (e.cost[i]!.n > 0n && e.supporters[i]!.length > 0) remaining.set(i, rational(e.supporters[i]!.length));
  });
  const winners: number[] = [];

  while (true) {
    let best: number[] = [];
    let bestEff: Rational = ZERO;
    const order = [...remaining.keys()].sort((a, b) => compare(remaining.get(b)!, remaining.get(a)!));
    for (const c of order) {
      if (compare(remaining.get(c)!, bestEff) < 0) break;
      gather(c);
      const groups = touched.map((k) => ({ money: classMoney[k]!, count: counts[k]! }));
      release();
      let behind: Rational = ZERO;
      for (const g of groups) behind = add(behind, mulInt(g.money, BigInt(g.count)));
      const cost = e.cost[c]!;
      if (compare(behind, cost) < 0) {
        remaining.delete(c);
        continue;
      }
      groups.sort((a, b) => compare(a.money, b.money));
      let paid: Rational = ZERO;
      let payers = e.supporters[c]!.length;
      for (const g of groups) {
        const maxPayment = divInt(sub(cost, paid), BigInt(payers));
        if (compare(maxPayment, g.money) > 0) {
          paid = add(paid, mulInt(g.money, BigInt(g.count)));
          payers -= g.count;
          continue;
        }
        const eff = div(cost, maxPayment);
        remaining.set(c, eff);
        const cmp = compare(eff, bestEff);
        if (cmp > 0) {
          bestEff = eff;
          best = [c];
        } else if (cmp === 0) best.push(c);
        break;
      }
    }
    if (best.length === 0) break;

    // Tied projects are named by index here; `ties` was translated to indexes beforehand.
    const chosen =
      best.length === 1
        ? best[0]!
        : Number(
            breakTie(
              best.map((c) => ({ id: String(c), cost: e.costNumber[c]!, votes: e.supporters[c]!.length })),
              tieBreaking,
            ).id,
          );
    winners.push(chosen);
    remaining.delete(chosen);

    const maxPayment = div(e.cost[chosen]!, bestEff);
    gather(chosen);
    const moved = new Map<number, number>();
    for (const k of touched) {
      const money = classMoney[k]!;
      const left = compare(money, maxPayment) > 0 ? sub(money, maxPayment) : ZERO;
      if (counts[k] === classSize[k]) {
        classMoney[k] = left;
      } else {
        moved.set(k, classMoney.length);
        classMoney.push(left);
        classSize.push(counts[k]!);
        classSize[k]! -= counts[k]!;
      }
    }
    release();
    if (moved.size > 0) {
      for (const v of e.supporters[chosen]!) {
        const target = moved.get(voterClass[v]!);
        if (target !== undefined) voterClass[v] = target;
      }
    }
  }
  return winners;
}

function totalCostOf(e: Prepared, winners: readonly number[]): Rational {
  return winners.reduce<Rational>((sum, c) => add(sum, e.cost[c]!), ZERO);
}

/** Greedy by number of supporters from `start`, ties in input order (as the reference tools). */
function utilitarianFill(e: Prepared, start: readonly number[]): number[] {
  const winners = [...start];
  const chosen = new Set(start);
  let spent = totalCostOf(e, start);
  const order = e.ids.map((_, i) => i).sort((a, b) => e.supporters[b]!.length - e.supporters[a]!.length);
  for (const c of order) {
    if (chosen.has(c)) continue;
    const after = add(spent, e.cost[c]!);
    if (compare(after, e.budget) > 0) continue;
    winners.push(c);
    chosen.add(c);
    spent = after;
  }
  return winners;
}

function floorOf(q: Rational): bigint {
  const f = q.n / q.d;
  return q.n < 0n && f * q.d !== q.n ? f - 1n : f;
}

function runAdd1(e: Prepared, variant: Add1Variant, step: Rational, ties: readonly TieBreakCriterion[]) {
  const exact = divInt(e.budget, BigInt(e.voters));
  let perVoter: Rational = variant === 'pabulib' ? exact : rational(floorOf(exact));
  let winners = countWithFixedBudget(e, perVoter, ties);
  if (variant === 'pabulib') perVoter = rational(floorOf(exact));
  const supported = e.supporters.filter((s) => s.length > 0).length;
  while (true) {
    // Once every supported project is bought, raising the shares cannot change anything.
    if (winners.length >= supported) break;
    if (variant === 'exhaustive') {
      const left = sub(e.budget, totalCostOf(e, winners));
      const taken = new Set(winners);
      if (e.cost.every((cost, c) => taken.has(c) || compare(cost, left) > 0)) break;
    }
    const next = add(perVoter, step);
    const nextWinners = countWithFixedBudget(e, next, ties);
    if (compare(totalCostOf(e, nextWinners), e.budget) > 0) break;
    perVoter = next;
    winners = nextWinners;
  }
  // With the pabulib variant the outcome at B/n may be kept: report the amount really used.
  return { winners, perVoter: winners.length === 0 ? exact : perVoter };
}

function compareWithGreedy(
  e: Prepared,
  mes: readonly number[],
  greedy: readonly number[],
  mode: ComparisonMode,
) {
  const satisfaction = (outcome: readonly number[]) => {
    const s = new Int32Array(e.voters);
    for (const c of outcome) for (const v of e.supporters[c]!) s[v]!++;
    return s;
  };
  const a = satisfaction(mes);
  const b = satisfaction(greedy);
  let prefersEqualShares = 0;
  let prefersGreedy = 0;
  for (let v = 0; v < e.voters; v++) {
    const x = a[v]!;
    const y = b[v]!;
    if (mode === 'satisfaction') {
      if (x > y) prefersEqualShares++;
      else if (y > x) prefersGreedy++;
    } else if (x > 0 && y === 0) prefersEqualShares++;
    else if (y > 0 && x === 0) prefersGreedy++;
  }
  return { prefersEqualShares, prefersGreedy, switchedToGreedy: prefersGreedy > prefersEqualShares };
}

export function methodOfEqualShares(
  election: ApprovalElection,
  options: EqualSharesOptions = {},
): EqualSharesResult {
  const e = prepare(election);
  const ties = toIndexCriteria(e, options.tieBreaking ?? DEFAULT_TIE_BREAKING);
  let winners: number[];
  let perVoter = e.voters > 0 ? divInt(e.budget, BigInt(e.voters)) : ZERO;
  if (options.add1 && e.voters > 0) {
    const result = runAdd1(e, options.add1, fromNumber(options.add1Increment ?? 1), ties);
    winners = result.winners;
    perVoter = result.perVoter;
  } else {
    winners = countWithFixedBudget(e, perVoter, ties);
  }
  const mesCount = winners.length;
  if (options.utilitarianCompletion) winners = utilitarianFill(e, winners);
  const addedByCompletion = winners.slice(mesCount).map((c) => e.ids[c]!);

  let comparison: EqualSharesResult['comparison'];
  if (options.comparison) {
    const greedy = utilitarianFill(e, []);
    comparison = compareWithGreedy(e, winners, greedy, options.comparison);
    if (comparison.switchedToGreedy) winners = greedy;
  }
  return {
    winners: winners.map((c) => e.ids[c]!),
    totalCost: toNumber(totalCostOf(e, winners)),
    perVoterBudget: perVoter,
    perVoterBudgetApprox: toNumber(perVoter),
    addedByCompletion,
    ...(comparison ? { comparison } : {}),
  };
}

/**
 * The count names tied projects by index: explicit orders are translated to indexes, and
 * `lexicoId` (which compares the real ids as strings) becomes the order of indexes by id.
 */
function toIndexCriteria(e: Prepared, criteria: readonly TieBreakCriterion[]): TieBreakCriterion[] {
  const indexOf = new Map(e.ids.map((id, i) => [id, i]));
  const asIndexes = (ids: readonly string[]) =>
    ids.filter((id) => indexOf.has(id)).map((id) => String(indexOf.get(id)));
  return criteria.map((t) => {
    if (t === 'lexicoId')
      return { order: asIndexes([...e.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) };
    if (typeof t === 'object') return { order: asIndexes(t.order) };
    return t;
  });
}

/** Options matching a Pabulib `rule` value (`equalshares`, `equalshares/add1-comparison`…). */
export function optionsForPabulibRule(rule: string): EqualSharesOptions {
  switch (rule) {
    case 'equalshares':
      return {};
    case 'equalshares-comparison':
      return { comparison: 'satisfaction' };
    case 'equalshares/add1':
      return { add1: 'pabulib' };
    case 'equalshares/add1-comparison':
      return { add1: 'pabulib', comparison: 'satisfaction' };
    default:
      throw new RangeError(`not an Equal Shares rule: ${rule}`);
  }
}
