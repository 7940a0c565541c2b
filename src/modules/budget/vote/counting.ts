/**
 * The count of one envelope, from tallies to winners, with the module's choices on top of the
 * domain (COUNTING.md): which rule for which campaign setting, and how ties end. Pure: the
 * results service feeds it from the database, the export test from a Pabulib file.
 *
 * Ties (BALLOTS.md, "Counting"): lowest cost first, then (Equal Shares) most supporters, then
 * a lot order fixed before the vote and public: projects sorted by SHA-256 of
 * "<campaign slug>:<project number>". Every tie therefore ends, and anyone can redo it.
 */
import { createHash } from 'node:crypto';
import {
  type CountedProject,
  DEFAULT_TIE_BREAKING,
  MajorityJudgmentTally,
  methodOfEqualShares,
  selectByMajorityJudgment,
  selectGreedy,
  type TieBreakCriterion,
} from '../budget.domain.js';
import type { SelectionRuleName, VotingMethodName } from '../budget.tables.js';
import { GRADES } from './ballot-rules.js';

export interface CountProject {
  id: string;
  number: number;
  costCents: number;
}

export interface ProjectResult {
  id: string;
  number: number;
  costCents: number;
  /** Supporters: ballots that chose it, or graded it above the lowest grade. */
  votes: number;
  /** Majority judgment: judgments per grade, worst first, unrated counted as the lowest. */
  profile?: number[];
  majorityGrade?: number;
  /** 1 = best; equal results share a rank. */
  rank: number;
  selected: boolean;
}

export interface EnvelopeCount {
  ballots: number;
  amountCents: number;
  /** Winners in selection order. */
  winners: string[];
  totalCostCents: number;
  /** In rank order. */
  projects: ProjectResult[];
  /** The rule that chose the winners ('greedy', 'equal_shares', 'majority_judgment'). */
  rule: string;
  /** Method of Equal Shares: the final amount per voter, in cents. */
  perVoterCents?: number;
  /** Project ids in the lot order used for the last tie-break. */
  lotOrder: string[];
}

/** The lot order: drawn from the campaign's slug and the ballot numbers, known before the vote. */
export function lotOrder(slug: string, projects: readonly CountProject[]): string[] {
  const draw = (p: CountProject) => createHash('sha256').update(`${slug}:${p.number}`).digest('hex');
  return [...projects]
    .map((p) => ({ id: p.id, key: draw(p) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.id);
}

export type CountInput =
  | {
      method: 'majority_judgment';
      /** Project id → judgments per grade (worst first), as cast (unrated not included). */
      judgments: Map<string, number[]>;
      participants: number;
    }
  | {
      method: 'approval' | 'knapsack';
      /** Project id → ballots that chose it (greedy needs no more). */
      votes: Map<string, number>;
      participants: number;
      /** Each ballot's chosen projects: needed by the Method of Equal Shares only. */
      ballots?: readonly (readonly string[])[];
    };

/** Ranks (1, 1, 3…) of projects sorted by a score, highest first. */
function ranksByScore<T extends { id: string; votes: number }>(sorted: readonly T[]): Map<string, number> {
  const ranks = new Map<string, number>();
  sorted.forEach((p, i) => {
    const previous = sorted[i - 1];
    ranks.set(p.id, previous && previous.votes === p.votes ? ranks.get(previous.id)! : i + 1);
  });
  return ranks;
}

export function countEnvelope(
  options: {
    method: VotingMethodName;
    selectionRule: SelectionRuleName;
    amountCents: number;
    projects: readonly CountProject[];
    lotOrder: readonly string[];
  },
  input: CountInput,
): EnvelopeCount {
  const { projects, amountCents } = options;
  const lot: TieBreakCriterion = { order: options.lotOrder };
  const total = (ids: readonly string[]) =>
    ids.reduce((sum, id) => sum + (projects.find((p) => p.id === id)?.costCents ?? 0), 0);

  if (input.method === 'majority_judgment') {
    const profiles = projects.map((p) => {
      const cast = input.judgments.get(p.id) ?? [];
      const profile = GRADES.map((_, g) => cast[g] ?? 0);
      const graded = profile.reduce((s, x) => s + x, 0);
      // Unrated = the lowest grade (Paris's rule), for the display as for the count.
      profile[0]! += Math.max(0, input.participants - graded);
      return profile;
    });
    const select = (subset: readonly number[]) => {
      const tally = new MajorityJudgmentTally(subset.length, GRADES.length);
      subset.forEach((index, i) => {
        profiles[index]!.forEach((count, grade) => {
          if (count > 0) tally.addJudgments(i, grade, count);
        });
      });
      tally.addParticipants(input.participants);
      return selectByMajorityJudgment(
        {
          amount: amountCents,
          projects: subset.map((index) => ({ id: projects[index]!.id, cost: projects[index]!.costCents })),
        },
        tally,
        { tieBreaking: ['minCost', lot] },
      );
    };
    const all = projects.map((_, index) => index);
    const ranking = select(all).ranking;
    // Only a project someone graded above the lowest grade can win (none without ballots).
    const supported = all.filter((index) => profiles[index]!.slice(1).some((x) => x > 0));
    const winnersInOrder = input.participants > 0 && supported.length > 0 ? select(supported).winners : [];
    const winners = new Set(winnersInOrder);
    const results: ProjectResult[] = projects.map((p, index) => ({
      id: p.id,
      number: p.number,
      costCents: p.costCents,
      votes: profiles[index]!.slice(1).reduce((s, x) => s + x, 0),
      profile: profiles[index]!,
      majorityGrade: ranking.majorityGrades[index],
      rank: ranking.ranks[index]!,
      selected: winners.has(p.id),
    }));
    results.sort((a, b) => a.rank - b.rank || a.number - b.number);
    return {
      ballots: input.participants,
      amountCents,
      winners: winnersInOrder,
      totalCostCents: total(winnersInOrder),
      projects: results,
      rule: 'majority_judgment',
      lotOrder: [...options.lotOrder],
    };
  }

  const counted: CountedProject[] = projects.map((p) => {
    const votes = input.votes.get(p.id) ?? 0;
    return { id: p.id, cost: p.costCents, votes, score: votes };
  });
  let winners: string[];
  let perVoterCents: number | undefined;
  if (options.selectionRule === 'equal_shares') {
    const result = methodOfEqualShares(
      {
        projects: projects.map((p) => ({ id: p.id, cost: p.costCents })),
        ballots: input.ballots ?? [],
        budget: amountCents,
      },
      // Add1 one euro per voter at a time (Pabulib's reading), then ties as equalshares.net.
      { add1: 'pabulib', add1Increment: 100, tieBreaking: [...DEFAULT_TIE_BREAKING, lot] },
    );
    winners = result.winners;
    perVoterCents = result.perVoterBudgetApprox;
  } else {
    // A project nobody chose never wins (Pabulib greedy-threshold with 1).
    winners = selectGreedy(counted, {
      budget: amountCents,
      minScore: 1,
      tieBreaking: ['minCost', lot],
    }).winners;
  }
  const chosen = new Set(winners);
  const sorted = [...counted].sort(
    (a, b) => b.votes - a.votes || options.lotOrder.indexOf(a.id) - options.lotOrder.indexOf(b.id),
  );
  const ranks = ranksByScore(sorted);
  const numberOf = new Map(projects.map((p) => [p.id, p.number]));
  return {
    ballots: input.participants,
    amountCents,
    winners,
    totalCostCents: total(winners),
    projects: sorted.map((p) => ({
      id: p.id,
      number: numberOf.get(p.id)!,
      costCents: p.cost,
      votes: p.votes,
      rank: ranks.get(p.id)!,
      selected: chosen.has(p.id),
    })),
    rule: options.selectionRule,
    ...(perVoterCents === undefined ? {} : { perVoterCents }),
    lotOrder: [...options.lotOrder],
  };
}
