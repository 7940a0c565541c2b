/**
 * From a posted basket to ballot lines: the glue between the forms and the counting domain's
 * strategies (approval, knapsack, majority judgment). Pure: no I/O.
 */
import {
  approvalMethod,
  type BallotError,
  type Envelope as DomainEnvelope,
  knapsackMethod,
  majorityJudgmentMethod,
  PARIS_GRADES,
} from '../budget.domain.js';
import type { VotingMethodName } from '../budget.tables.js';
import type { LineInput } from './vote.store.js';

export const GRADES = PARIS_GRADES;
export type GradeName = (typeof GRADES)[number];

export interface BasketProject {
  id: string;
  number: number;
  costCents: number;
}

export interface BasketRules {
  method: VotingMethodName;
  amountCents: number;
  maxChoices: number | null;
  minSpendPercent: number;
}

/** What a form sends: ticked project numbers, or a grade per project number ('' = no opinion). */
export type BasketSubmission =
  | { kind: 'selection'; projectNumbers: string[] }
  | { kind: 'grades'; grades: Record<string, string> };

export interface BasketProblem {
  /** Form field: `projects`, `grade-<number>`, or `basket` for the whole basket. */
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export type BasketCheck = { ok: true; lines: LineInput[] } | { ok: false; problems: BasketProblem[] };

export const gradeField = (number: number | string) => `grade-${number}`;

/** The projects a selection names, refusing what is not a number on this envelope's ballot. */
function resolveNumbers(
  numbers: readonly string[],
  byNumber: Map<string, BasketProject>,
): { ids: string[]; problems: BasketProblem[] } {
  const ids: string[] = [];
  const problems: BasketProblem[] = [];
  for (const raw of numbers) {
    const project = /^\d{1,9}$/.test(raw) ? byNumber.get(String(Number(raw))) : undefined;
    if (!project) problems.push({ field: 'projects', code: 'budget.ballot.unknown_project' });
    else ids.push(project.id);
  }
  return { ids, problems };
}

/** Domain errors, moved onto the form's fields. */
function toProblems(errors: BallotError[], numberOf: Map<string, number>): BasketProblem[] {
  return errors.map((error) => {
    if (error.code === 'budget.ballot.unknown_grade' && error.projectId)
      return { field: gradeField(numberOf.get(error.projectId) ?? ''), code: error.code };
    const params = error.params ? { ...error.params } : undefined;
    if (params && typeof params.total === 'number') params.total = Math.round(params.total);
    return { field: 'projects', code: error.code, params };
  });
}

/**
 * Checks a basket against the envelope's rules and gives its lines, or every problem found.
 * An empty basket is refused (`budget.ballot.empty`); the caller decides whether it empties
 * a saved basket instead.
 */
export function checkBasket(
  rules: BasketRules,
  projects: readonly BasketProject[],
  submission: BasketSubmission,
): BasketCheck {
  const byNumber = new Map(projects.map((p) => [String(p.number), p]));
  const numberOf = new Map(projects.map((p) => [p.id, p.number]));
  const envelope: DomainEnvelope = {
    amount: rules.amountCents,
    projects: projects.map((p) => ({ id: p.id, cost: p.costCents })),
  };
  if (rules.method === 'majority_judgment') {
    if (submission.kind !== 'grades')
      return { ok: false, problems: [{ field: 'basket', code: 'budget.vote.tampered' }] };
    const grades: Record<string, string> = {};
    const problems: BasketProblem[] = [];
    for (const [number, grade] of Object.entries(submission.grades)) {
      if (grade === '') continue;
      const project = /^\d{1,9}$/.test(number) ? byNumber.get(String(Number(number))) : undefined;
      if (!project) problems.push({ field: 'basket', code: 'budget.ballot.unknown_project' });
      else grades[project.id] = grade;
    }
    const errors = majorityJudgmentMethod(envelope, GRADES).validate({ grades });
    problems.push(...toProblems(errors, numberOf));
    if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
    return {
      ok: true,
      lines: Object.entries(grades).map(([projectId, grade]) => ({
        projectId,
        grade: GRADES.indexOf(grade as GradeName),
      })),
    };
  }
  if (submission.kind !== 'selection')
    return { ok: false, problems: [{ field: 'basket', code: 'budget.vote.tampered' }] };
  const { ids, problems } = resolveNumbers(submission.projectNumbers, byNumber);
  const method =
    rules.method === 'approval'
      ? approvalMethod(envelope, { maxProjects: rules.maxChoices ?? projects.length })
      : knapsackMethod(envelope, { minSharePercent: rules.minSpendPercent });
  problems.push(...toProblems(method.validate({ projectIds: ids }), numberOf));
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, lines: ids.map((projectId) => ({ projectId, grade: null })) };
}

/** One message per field (the first); "empty" only when nothing else is wrong. */
function dedupe(problems: BasketProblem[]): BasketProblem[] {
  const seen = new Set<string>();
  const others = problems.some((p) => p.code !== 'budget.ballot.empty');
  return problems.filter((p) => {
    if (others && p.code === 'budget.ballot.empty') return false;
    const key = p.field;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Total cost of the chosen projects, in cents. */
export function basketTotal(projects: readonly BasketProject[], projectIds: Iterable<string>): number {
  const cost = new Map(projects.map((p) => [p.id, p.costCents]));
  let total = 0;
  for (const id of projectIds) total += cost.get(id) ?? 0;
  return total;
}
