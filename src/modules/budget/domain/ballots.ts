/**
 * Voting methods of a participatory budget, one strategy each, with a common interface:
 * `validate` a ballot against the envelope's rules (stable error codes, which the module
 * turns into messages), and `tally` valid ballots. Winner selection is separate (greedy.ts,
 * equal-shares.ts, and `selectByMajorityJudgment` below).
 */
import { type CountedProject, type SelectionResult, selectInRankOrder } from './greedy.js';
import {
  type MajorityJudgmentOptions,
  type MajorityJudgmentResult,
  MajorityJudgmentTally,
  PARIS_GRADES,
  rankMajorityJudgment,
} from './majority-judgment.js';
import { add, compare, fromNumber, mulInt, type Rational, ZERO } from './rational.js';
import type { TieBreakCriterion } from './ties.js';

export interface EnvelopeProject {
  readonly id: string;
  readonly cost: number;
}

/** The money of one vote (Paris-wide, or one arrondissement) and the projects on its ballot. */
export interface Envelope {
  readonly amount: number;
  readonly projects: readonly EnvelopeProject[];
}

export type BallotErrorCode =
  | 'budget.ballot.empty'
  | 'budget.ballot.unknown_project'
  | 'budget.ballot.duplicate_project'
  | 'budget.ballot.too_many_projects'
  | 'budget.ballot.too_few_projects'
  | 'budget.ballot.over_budget'
  | 'budget.ballot.under_minimum_share'
  | 'budget.ballot.unknown_grade'
  | 'budget.ballot.invalid_points'
  | 'budget.ballot.too_many_points';

export interface BallotError {
  readonly code: BallotErrorCode;
  /** The project concerned, when the error is about one project. */
  readonly projectId?: string;
  /** Numbers for the message (limits, totals). */
  readonly params?: Readonly<Record<string, string | number>>;
}

export type VotingMethodKind = 'approval' | 'knapsack' | 'cumulative' | 'majority_judgment';

export interface VotingMethod<Ballot, Tally> {
  readonly kind: VotingMethodKind;
  /** Every problem of the ballot; empty when it can be counted. */
  validate(ballot: Ballot): BallotError[];
  /** Count the valid ballots; invalid ones are left out and counted in `rejectedBallots`. */
  tally(ballots: Iterable<Ballot>): Tally;
}

/** A ballot that chooses projects (approval and knapsack). */
export interface SelectionBallot {
  readonly projectIds: readonly string[];
}

export interface SupportTally {
  readonly ballots: number;
  readonly rejectedBallots: number;
  /** Every project of the envelope, in envelope order, with its number of supporters as score. */
  readonly projects: CountedProject[];
}

function projectIndex(envelope: Envelope): Map<string, EnvelopeProject> {
  return new Map(envelope.projects.map((p) => [p.id, p]));
}

/** Errors shared by every method that lists projects: empty, unknown or repeated projects. */
function checkProjects(ids: readonly string[], known: Map<string, EnvelopeProject>): BallotError[] {
  if (ids.length === 0) return [{ code: 'budget.ballot.empty' }];
  const errors: BallotError[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (!known.has(id)) errors.push({ code: 'budget.ballot.unknown_project', projectId: id });
    else if (seen.has(id)) errors.push({ code: 'budget.ballot.duplicate_project', projectId: id });
    seen.add(id);
  }
  return errors;
}

function supportTally<B extends SelectionBallot>(
  envelope: Envelope,
  ballots: Iterable<B>,
  validate: (b: B) => BallotError[],
): SupportTally {
  const votes = new Map(envelope.projects.map((p) => [p.id, 0]));
  let counted = 0;
  let rejected = 0;
  for (const ballot of ballots) {
    if (validate(ballot).length > 0) {
      rejected++;
      continue;
    }
    counted++;
    for (const id of ballot.projectIds) votes.set(id, votes.get(id)! + 1);
  }
  return {
    ballots: counted,
    rejectedBallots: rejected,
    projects: envelope.projects.map((p) => ({
      id: p.id,
      cost: p.cost,
      votes: votes.get(p.id)!,
      score: votes.get(p.id)!,
    })),
  };
}

export interface ApprovalRules {
  /** At most this many projects per ballot (Paris before 2021: 8). */
  readonly maxProjects: number;
  /** At least this many (default 1). */
  readonly minProjects?: number;
}

/** Approval: choose up to N projects of the envelope, whatever their cost. */
export function approvalMethod(
  envelope: Envelope,
  rules: ApprovalRules,
): VotingMethod<SelectionBallot, SupportTally> {
  const known = projectIndex(envelope);
  const validate = (ballot: SelectionBallot): BallotError[] => {
    const errors = checkProjects(ballot.projectIds, known);
    if (errors.length > 0) return errors;
    const count = ballot.projectIds.length;
    if (count > rules.maxProjects) {
      errors.push({ code: 'budget.ballot.too_many_projects', params: { max: rules.maxProjects, count } });
    }
    if (count < (rules.minProjects ?? 1)) {
      errors.push({ code: 'budget.ballot.too_few_projects', params: { min: rules.minProjects ?? 1, count } });
    }
    return errors;
  };
  return { kind: 'approval', validate, tally: (ballots) => supportTally(envelope, ballots, validate) };
}

export interface KnapsackRules {
  /** The ballot must spend at least this percentage of the envelope (Decidim's threshold: 70). */
  readonly minSharePercent?: number;
}

/** Knapsack: choose projects whose total cost fits the envelope, optionally spending a minimum share of it. */
export function knapsackMethod(
  envelope: Envelope,
  rules: KnapsackRules = {},
): VotingMethod<SelectionBallot, SupportTally> {
  const known = projectIndex(envelope);
  const amount = fromNumber(envelope.amount);
  const validate = (ballot: SelectionBallot): BallotError[] => {
    const errors = checkProjects(ballot.projectIds, known);
    if (errors.length > 0) return errors;
    const total = ballot.projectIds.reduce<Rational>(
      (s, id) => add(s, fromNumber(known.get(id)!.cost)),
      ZERO,
    );
    const totalApprox = Number(total.n) / Number(total.d);
    if (compare(total, amount) > 0) {
      errors.push({
        code: 'budget.ballot.over_budget',
        params: { total: totalApprox, amount: envelope.amount },
      });
    }
    const share = rules.minSharePercent;
    if (share !== undefined && share > 0) {
      // total × 100 < share × amount, exactly
      const needed = fromNumber(share);
      if (compare(mulInt(total, 100n), { n: needed.n * amount.n, d: needed.d * amount.d }) < 0) {
        errors.push({
          code: 'budget.ballot.under_minimum_share',
          params: { total: totalApprox, percent: share },
        });
      }
    }
    return errors;
  };
  return { kind: 'knapsack', validate, tally: (ballots) => supportTally(envelope, ballots, validate) };
}

export interface CumulativeBallot {
  /** Points per project id; projects left out get 0. */
  readonly points: Readonly<Record<string, number>>;
}

export interface CumulativeRules {
  /** Points a voter may spread in total (Częstochowa: 10). */
  readonly maxTotalPoints: number;
}

/** Cumulative: spread up to a number of points over projects (whole positive points). */
export function cumulativeMethod(
  envelope: Envelope,
  rules: CumulativeRules,
): VotingMethod<CumulativeBallot, SupportTally> {
  const known = projectIndex(envelope);
  const validate = (ballot: CumulativeBallot): BallotError[] => {
    const entries = Object.entries(ballot.points);
    const errors = checkProjects(
      entries.map(([id]) => id),
      known,
    );
    if (errors.length > 0) return errors;
    let total = 0;
    for (const [id, points] of entries) {
      if (!Number.isInteger(points) || points <= 0)
        errors.push({ code: 'budget.ballot.invalid_points', projectId: id });
      else total += points;
    }
    if (total > rules.maxTotalPoints) {
      errors.push({ code: 'budget.ballot.too_many_points', params: { max: rules.maxTotalPoints, total } });
    }
    return errors;
  };
  const tally = (ballots: Iterable<CumulativeBallot>): SupportTally => {
    const votes = new Map(envelope.projects.map((p) => [p.id, 0]));
    const points = new Map(envelope.projects.map((p) => [p.id, 0]));
    let counted = 0;
    let rejected = 0;
    for (const ballot of ballots) {
      if (validate(ballot).length > 0) {
        rejected++;
        continue;
      }
      counted++;
      for (const [id, p] of Object.entries(ballot.points)) {
        votes.set(id, votes.get(id)! + 1);
        points.set(id, points.get(id)! + p);
      }
    }
    return {
      ballots: counted,
      rejectedBallots: rejected,
      projects: envelope.projects.map((p) => ({
        id: p.id,
        cost: p.cost,
        votes: votes.get(p.id)!,
        score: points.get(p.id)!,
      })),
    };
  };
  return { kind: 'cumulative', validate, tally };
}

export interface GradeBallot {
  /** Grade key per project id; projects left out count as the lowest grade. */
  readonly grades: Readonly<Record<string, string>>;
}

export interface GradeTally {
  /** Project ids in envelope order: project i of `tally` is `projectIds[i]`. */
  readonly projectIds: readonly string[];
  readonly grades: readonly string[];
  /** Judgments per project per grade; ungraded projects are not stored (they are the lowest grade). */
  readonly tally: MajorityJudgmentTally;
  readonly rejectedBallots: number;
}

/**
 * Majority judgment: grade each project of the envelope with one of the grades (worst first;
 * Paris: Pas convaincu, Pourquoi pas, J'aime bien, J'adore). Ungraded projects count as the
 * lowest grade.
 */
export function majorityJudgmentMethod(
  envelope: Envelope,
  grades: readonly string[] = PARIS_GRADES,
): VotingMethod<GradeBallot, GradeTally> {
  const known = projectIndex(envelope);
  const position = new Map(envelope.projects.map((p, i) => [p.id, i]));
  const gradeIndex = new Map(grades.map((g, i) => [g, i]));
  const validate = (ballot: GradeBallot): BallotError[] => {
    const entries = Object.entries(ballot.grades);
    const errors = checkProjects(
      entries.map(([id]) => id),
      known,
    );
    for (const [id, grade] of entries) {
      if (!gradeIndex.has(grade))
        errors.push({ code: 'budget.ballot.unknown_grade', projectId: id, params: { grade } });
    }
    return errors;
  };
  const tally = (ballots: Iterable<GradeBallot>): GradeTally => {
    const counts = new MajorityJudgmentTally(envelope.projects.length, grades.length);
    let rejected = 0;
    for (const ballot of ballots) {
      if (validate(ballot).length > 0) {
        rejected++;
        continue;
      }
      for (const [id, grade] of Object.entries(ballot.grades)) {
        counts.addJudgments(position.get(id)!, gradeIndex.get(grade)!);
      }
      counts.addParticipants(1);
    }
    return {
      projectIds: envelope.projects.map((p) => p.id),
      grades,
      tally: counts,
      rejectedBallots: rejected,
    };
  };
  return { kind: 'majority_judgment', validate, tally };
}

export interface MajorityJudgmentSelection extends SelectionResult {
  readonly ranking: MajorityJudgmentResult;
}

/**
 * Fund projects in majority-judgment rank order, taking each that still fits the envelope.
 * Projects with identical merit profiles share a rank; among them the tie-breaking criteria
 * decide (default: lowest cost first, then an order drawn by lot when given).
 */
export function selectByMajorityJudgment(
  envelope: Envelope,
  tally: MajorityJudgmentTally,
  options: {
    readonly tieBreaking?: readonly TieBreakCriterion[];
    readonly majorityJudgment?: MajorityJudgmentOptions;
  } = {},
): MajorityJudgmentSelection {
  const ranking = rankMajorityJudgment(tally.profiles(), {
    participants: tally.participants,
    balancing: { mode: 'static', grade: 0 },
    ...options.majorityJudgment,
  });
  const groups: CountedProject[][] = [];
  let lastRank = 0;
  for (const index of ranking.order) {
    const p = envelope.projects[index]!;
    // `votes` for tie-breaking = judgments above the lowest grade.
    const profile = tally.counts.subarray(index * tally.gradeCount, (index + 1) * tally.gradeCount);
    const supporters = profile.reduce((s, x, g) => (g > 0 ? s + x : s), 0);
    const project = { id: p.id, cost: p.cost, votes: supporters, score: supporters };
    if (ranking.ranks[index] === lastRank) groups[groups.length - 1]!.push(project);
    else groups.push([project]);
    lastRank = ranking.ranks[index]!;
  }
  const selection = selectInRankOrder(groups, {
    budget: envelope.amount,
    tieBreaking: options.tieBreaking ?? ['minCost'],
  });
  return { ...selection, ranking };
}
