/**
 * Majority judgment (Balinski & Laraki): each voter gives each project one grade; a project's
 * majority grade is its median grade, and ties are broken by the groups of judgments around
 * the median. The count works on merit profiles — the number of judgments per grade for each
 * project, worst grade first — never on ballot objects, so a city-wide vote is one pass of
 * additions and the ranking costs grades × projects.
 */

/** Paris's four grades since 2021, worst first. Labels are i18n keys of the module. */
export const PARIS_GRADES = ['pas_convaincu', 'pourquoi_pas', 'aime_bien', 'adore'] as const;
export type ParisGrade = (typeof PARIS_GRADES)[number];

export class UnbalancedTallyError extends Error {
  readonly code = 'budget.count.unbalanced_tally';
  constructor(detail: string) {
    super(detail);
    this.name = 'UnbalancedTallyError';
  }
}

export class IncoherentTallyError extends Error {
  readonly code = 'budget.count.incoherent_tally';
  constructor(detail: string) {
    super(detail);
    this.name = 'IncoherentTallyError';
  }
}

/** Counts per project per grade, filled one judgment (or one ballot) at a time. */
export class MajorityJudgmentTally {
  readonly counts: Float64Array;
  /** Ballots added with `addBallot` or declared with `addParticipants`. */
  participants = 0;

  constructor(
    readonly projectCount: number,
    readonly gradeCount: number,
  ) {
    this.counts = new Float64Array(projectCount * gradeCount);
  }

  addJudgments(project: number, grade: number, count = 1): void {
    if (!(project >= 0 && project < this.projectCount && grade >= 0 && grade < this.gradeCount)) {
      throw new RangeError(`no project ${project} or grade ${grade}`);
    }
    this.counts[project * this.gradeCount + grade]! += count;
  }

  addParticipants(count: number): void {
    this.participants += count;
  }

  /** `grades[p]` is the grade given to project p, or a negative number when it was left ungraded. */
  addBallot(grades: ArrayLike<number>): void {
    const g = this.gradeCount;
    for (let p = 0; p < this.projectCount; p++) {
      const grade = grades[p]!;
      if (grade >= 0) this.counts[p * g + grade]!++;
    }
    this.participants++;
  }

  /** Merit profiles (worst grade first), as given, without the missing judgments. */
  profiles(): number[][] {
    const out: number[][] = [];
    for (let p = 0; p < this.projectCount; p++) {
      out.push(Array.from(this.counts.subarray(p * this.gradeCount, (p + 1) * this.gradeCount)));
    }
    return out;
  }
}

/** How projects graded by fewer voters than `participants` are completed. */
export type Balancing =
  /** Every profile must already hold `participants` judgments (or all the same number). */
  | { readonly mode: 'strict' }
  /** Missing judgments count as this grade. Paris: unrated = the lowest grade (0). */
  | { readonly mode: 'static'; readonly grade: number }
  /** Missing judgments count as the project's own median grade. */
  | { readonly mode: 'median' }
  /** Profiles are scaled to a common number of judgments (least common multiple, exact). */
  | { readonly mode: 'normalized' };

export interface MajorityJudgmentOptions {
  /** Number of voters; default: the largest number of judgments of any project. */
  readonly participants?: number | bigint;
  /** Default: `{ mode: 'static', grade: 0 }` — an ungraded project got the lowest grade. */
  readonly balancing?: Balancing;
  /**
   * `true` (default, the usual rule): lower median for an even count, and a tie between the
   * groups above and below the median counts against the project. `false`: upper median, and
   * such a tie counts for it.
   */
  readonly favorContestation?: boolean;
}

/** One tie-breaking round: the median grade and the signed size of the winning group. */
export interface MeritRound {
  readonly grade: number;
  /** +p when more judgments are above the median than below, −q otherwise, 0 when both are empty. */
  readonly group: bigint;
}

export interface MajorityJudgmentResult {
  /** Rank of each project, in input order; 1 is best; equal results share a rank. */
  readonly ranks: number[];
  /** Project indexes, best first (equal results keep input order). */
  readonly order: number[];
  /** Majority grade of each project. */
  readonly majorityGrades: number[];
  /** The full comparison key of each project. */
  readonly rounds: MeritRound[][];
}

const big = (x: number | bigint) => (typeof x === 'bigint' ? x : BigInt(x));

function sum(xs: readonly bigint[]): bigint {
  let s = 0n;
  for (const x of xs) s += x;
  return s;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Index of the median grade: lower median when favoring contestation, upper otherwise. */
export function medianGrade(profile: readonly (number | bigint)[], favorContestation = true): number {
  const t = profile.map(big);
  const total = sum(t);
  if (total === 0n) return 0;
  const position = favorContestation ? (total + 1n) / 2n : (total + 2n) / 2n;
  let seen = 0n;
  for (let g = 0; g < t.length; g++) {
    seen += t[g]!;
    if (seen >= position) return g;
  }
  return t.length - 1;
}

function balance(profiles: bigint[][], options: MajorityJudgmentOptions): bigint[][] {
  const balancing = options.balancing ?? { mode: 'static', grade: 0 };
  const contest = options.favorContestation ?? true;
  const totals = profiles.map(sum);
  let largest = 0n; // Math.max does not take BigInt
  for (const t of totals) if (t > largest) largest = t;
  const participants = options.participants === undefined ? largest : big(options.participants);
  if (balancing.mode === 'normalized') {
    const nonZero = totals.filter((t) => t > 0n);
    const lcm = nonZero.reduce((a, b) => (a / gcd(a, b)) * b, 1n);
    return profiles.map((p, i) => {
      const total = totals[i]!;
      if (total === 0n) return p.map((_, g) => (g === 0 ? lcm : 0n));
      return p.map((x) => x * (lcm / total));
    });
  }
  if (totals.some((t) => t > participants)) {
    throw new UnbalancedTallyError('a project has more judgments than there are participants');
  }
  if (balancing.mode === 'strict') {
    if (totals.some((t) => t !== participants))
      throw new UnbalancedTallyError('projects have different numbers of judgments');
    return profiles;
  }
  return profiles.map((p, i) => {
    const missing = participants - totals[i]!;
    if (missing === 0n) return p;
    const grade = balancing.mode === 'static' ? balancing.grade : medianGrade(p, contest);
    if (grade < 0 || grade >= p.length) throw new RangeError(`no grade ${grade}`);
    return p.map((x, g) => (g === grade ? x + missing : x));
  });
}

/** The comparison key of one merit profile (one round per grade). */
export function meritRounds(profile: readonly (number | bigint)[], favorContestation = true): MeritRound[] {
  const t = profile.map(big);
  const rounds: MeritRound[] = [];
  for (let round = 0; round < t.length; round++) {
    const median = medianGrade(t, favorContestation);
    let above = 0n;
    let below = 0n;
    for (let g = 0; g < t.length; g++) {
      if (g > median) above += t[g]!;
      else if (g < median) below += t[g]!;
    }
    let group: bigint;
    if (above > below) group = above;
    else if (below > above) group = -below;
    else if (above === 0n) group = 0n;
    else group = favorContestation ? -below : above;
    rounds.push({ grade: median, group });
    // Merge the median judgments into the nearest non-empty grade of the winning group.
    let target = 0;
    if (group > 0n) {
      target = median + 1;
      while (t[target] === 0n) target++;
    } else if (group < 0n) {
      target = median - 1;
      while (t[target] === 0n) target--;
    }
    if (target !== median) {
      t[target]! += t[median]!;
      t[median] = 0n;
    }
  }
  return rounds;
}

function compareRounds(a: readonly MeritRound[], b: readonly MeritRound[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.grade !== y.grade) return x.grade - y.grade;
    if (x.group !== y.group) return x.group > y.group ? 1 : -1;
  }
  return 0;
}

/**
 * Rank projects from their merit profiles (judgments per grade, worst grade first).
 * Negative counts → `IncoherentTallyError`; profiles of different lengths or, in strict
 * mode, different totals → `UnbalancedTallyError`.
 */
export function rankMajorityJudgment(
  profiles: readonly (readonly (number | bigint)[])[],
  options: MajorityJudgmentOptions = {},
): MajorityJudgmentResult {
  const contest = options.favorContestation ?? true;
  const raw = profiles.map((p) => p.map(big));
  if (raw.some((p) => p.some((x) => x < 0n))) throw new IncoherentTallyError('negative number of judgments');
  if (raw.some((p) => p.length !== (raw[0]?.length ?? 0))) {
    throw new UnbalancedTallyError('projects have different numbers of grades');
  }
  const balanced = balance(raw, options);
  const rounds = balanced.map((p) => meritRounds(p, contest));
  const order = rounds.map((_, i) => i).sort((a, b) => compareRounds(rounds[b]!, rounds[a]!) || a - b);
  const ranks = new Array<number>(order.length);
  order.forEach((project, position) => {
    const previous = order[position - 1];
    ranks[project] =
      previous !== undefined && compareRounds(rounds[previous]!, rounds[project]!) === 0
        ? ranks[previous]!
        : position + 1;
  });
  return { ranks, order, majorityGrades: rounds.map((r) => r[0]?.grade ?? 0), rounds };
}
