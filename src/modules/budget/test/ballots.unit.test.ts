import { describe, expect, it } from 'vitest';
import {
  approvalMethod,
  cumulativeMethod,
  type Envelope,
  knapsackMethod,
  majorityJudgmentMethod,
  selectByMajorityJudgment,
} from '../domain/ballots.js';
import { PARIS_GRADES } from '../domain/majority-judgment.js';
import { UnresolvedTieError } from '../domain/ties.js';

const envelope: Envelope = {
  amount: 100,
  projects: [
    { id: 'a', cost: 50 },
    { id: 'b', cost: 40 },
    { id: 'c', cost: 30 },
    { id: 'd', cost: 10 },
  ],
};
const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

describe('approval ballots', () => {
  const method = approvalMethod(envelope, { maxProjects: 2 });

  it('accepts up to N projects, whatever their cost', () => {
    expect(method.validate({ projectIds: ['a', 'b'] })).toEqual([]);
  });

  it('budget.ballot.too_many_projects', () => {
    expect(method.validate({ projectIds: ['a', 'b', 'c'] })).toEqual([
      { code: 'budget.ballot.too_many_projects', params: { max: 2, count: 3 } },
    ]);
  });

  it('budget.ballot.too_few_projects and budget.ballot.empty', () => {
    expect(
      codes(approvalMethod(envelope, { maxProjects: 3, minProjects: 2 }).validate({ projectIds: ['a'] })),
    ).toEqual(['budget.ballot.too_few_projects']);
    expect(codes(method.validate({ projectIds: [] }))).toEqual(['budget.ballot.empty']);
  });

  it('budget.ballot.unknown_project and budget.ballot.duplicate_project', () => {
    expect(method.validate({ projectIds: ['zz', 'a', 'a'] })).toEqual([
      { code: 'budget.ballot.unknown_project', projectId: 'zz' },
      { code: 'budget.ballot.duplicate_project', projectId: 'a' },
    ]);
  });

  it('tallies valid ballots and leaves out invalid ones', () => {
    const tally = method.tally([
      { projectIds: ['a'] },
      { projectIds: ['a', 'd'] },
      { projectIds: ['a', 'b', 'c'] },
    ]);
    expect(tally.ballots).toBe(2);
    expect(tally.rejectedBallots).toBe(1);
    expect(tally.projects.map((p) => [p.id, p.votes])).toEqual([
      ['a', 2],
      ['b', 0],
      ['c', 0],
      ['d', 1],
    ]);
  });
});

describe('knapsack ballots', () => {
  it('budget.ballot.over_budget when the total cost exceeds the envelope', () => {
    const method = knapsackMethod(envelope);
    expect(method.validate({ projectIds: ['a', 'b', 'd'] })).toEqual([]);
    expect(method.validate({ projectIds: ['a', 'b', 'c'] })).toEqual([
      { code: 'budget.ballot.over_budget', params: { total: 120, amount: 100 } },
    ]);
  });

  it('budget.ballot.under_minimum_share below the minimum share of the envelope (exact at the boundary)', () => {
    const method = knapsackMethod(envelope, { minSharePercent: 70 });
    expect(method.validate({ projectIds: ['b', 'c'] })).toEqual([]); // exactly 70 %
    expect(method.validate({ projectIds: ['b', 'd'] })).toEqual([
      { code: 'budget.ballot.under_minimum_share', params: { total: 50, percent: 70 } },
    ]);
  });

  it('budget.ballot.unknown_project', () => {
    expect(codes(knapsackMethod(envelope).validate({ projectIds: ['nope'] }))).toEqual([
      'budget.ballot.unknown_project',
    ]);
  });
});

describe('cumulative ballots', () => {
  const method = cumulativeMethod(envelope, { maxTotalPoints: 10 });

  it('accepts points up to the total and counts supporters and points', () => {
    expect(method.validate({ points: { a: 5, b: 5 } })).toEqual([]);
    const tally = method.tally([{ points: { a: 5, b: 5 } }, { points: { a: 10 } }]);
    expect(tally.projects.find((p) => p.id === 'a')).toMatchObject({ votes: 2, score: 15 });
  });

  it('budget.ballot.too_many_points and budget.ballot.invalid_points', () => {
    expect(codes(method.validate({ points: { a: 6, b: 5 } }))).toEqual(['budget.ballot.too_many_points']);
    expect(codes(method.validate({ points: { a: 0, b: 1.5 } }))).toEqual([
      'budget.ballot.invalid_points',
      'budget.ballot.invalid_points',
    ]);
  });
});

describe('majority-judgment ballots (Paris grades)', () => {
  const method = majorityJudgmentMethod(envelope);

  it("uses Paris's four grades, worst first: Pas convaincu, Pourquoi pas, J'aime bien, J'adore", () => {
    expect(PARIS_GRADES).toEqual(['pas_convaincu', 'pourquoi_pas', 'aime_bien', 'adore']);
  });

  it('budget.ballot.unknown_grade and budget.ballot.unknown_project', () => {
    expect(method.validate({ grades: { a: 'adore', b: 'pourquoi_pas' } })).toEqual([]);
    expect(method.validate({ grades: { a: 'super', x: 'adore' } })).toEqual([
      { code: 'budget.ballot.unknown_project', projectId: 'x' },
      { code: 'budget.ballot.unknown_grade', projectId: 'a', params: { grade: 'super' } },
    ]);
  });

  it('counts unrated projects as the lowest grade', () => {
    const { tally } = method.tally([
      { grades: { a: 'adore' } },
      { grades: { a: 'adore', b: 'adore' } },
      { grades: { b: 'aime_bien' } },
    ]);
    const result = selectByMajorityJudgment(envelope, tally);
    // a: adore, adore, (pas convaincu) → median adore; b: (pas convaincu), adore, aime bien → median aime bien.
    expect(result.ranking.majorityGrades.slice(0, 2)).toEqual([3, 2]);
    expect(result.ranking.order.slice(0, 2)).toEqual([0, 1]);
  });

  it('funds projects in rank order, taking each that still fits the envelope', () => {
    const ballots = [
      { grades: { a: 'adore', b: 'aime_bien', c: 'adore', d: 'pourquoi_pas' } },
      { grades: { a: 'adore', b: 'pourquoi_pas', c: 'aime_bien', d: 'pourquoi_pas' } },
      { grades: { a: 'aime_bien', b: 'adore', c: 'aime_bien', d: 'pourquoi_pas' } },
    ];
    const { tally } = method.tally(ballots);
    const result = selectByMajorityJudgment(envelope, tally);
    // a: median J'adore; c: J'aime bien with more above than below; b: J'aime bien with one below;
    // d: Pourquoi pas. a 50 + c 30 = 80; b (40) no longer fits; d (10) still fits.
    expect(result.ranking.order.map((i) => envelope.projects[i]!.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(result.winners).toEqual(['a', 'c', 'd']);
    expect(result.unaffordable).toEqual(['b']);
  });

  it('projects with identical merit profiles: lower cost first; a remaining tie that matters is reported', () => {
    const same: Envelope = {
      amount: 50,
      projects: [
        { id: 'x', cost: 40 },
        { id: 'y', cost: 30 },
        { id: 'z', cost: 30 },
      ],
    };
    const mj = majorityJudgmentMethod(same);
    const { tally } = mj.tally([{ grades: { x: 'adore', y: 'adore', z: 'adore' } }]);
    expect(() => selectByMajorityJudgment(same, tally)).toThrow(UnresolvedTieError);
    const byLot = selectByMajorityJudgment(same, tally, {
      tieBreaking: ['minCost', { order: ['z', 'y', 'x'] }],
    });
    expect(byLot.winners).toEqual(['z']);
  });
});
