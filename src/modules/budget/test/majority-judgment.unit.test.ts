import { describe, expect, it } from 'vitest';
import {
  type Balancing,
  IncoherentTallyError,
  MajorityJudgmentTally,
  medianGrade,
  meritRounds,
  rankMajorityJudgment,
  UnbalancedTallyError,
} from '../domain/majority-judgment.js';
import { fixtureText } from './fixtures.js';

interface AssertionCase {
  title: string;
  participants: number;
  mode?: 'StaticDefault' | 'MedianDefault' | 'Normalized';
  default?: number;
  tallies: number[][];
  ranks: number[];
}

const cases = JSON.parse(fixtureText('majority_judgment_assertions.json')) as AssertionCase[];

function balancingOf(c: AssertionCase): Balancing {
  if (c.mode === 'StaticDefault') return { mode: 'static', grade: c.default ?? 0 };
  if (c.mode === 'MedianDefault') return { mode: 'median' };
  if (c.mode === 'Normalized') return { mode: 'normalized' };
  return { mode: 'strict' };
}

describe('majority judgment — MieuxVoter assertions.json (JAVA testFromJson / TS)', () => {
  it('has the 9 published cases', () => expect(cases).toHaveLength(9));

  it.each(cases.map((c) => [c.title, c] as const))('assertions.json "%s": expected ranks', (_title, c) => {
    const result = rankMajorityJudgment(c.tallies, {
      participants: c.participants,
      balancing: balancingOf(c),
    });
    expect(result.ranks).toEqual(c.ranks);
  });
});

describe('majority judgment — MieuxVoter TS tests', () => {
  it('TS T1 (README demo, 18 judges): B rank 1, A rank 2', () => {
    const r = rankMajorityJudgment([
      [4, 5, 2, 1, 3, 1, 2],
      [3, 6, 2, 1, 3, 1, 2],
    ]);
    expect(r.ranks).toEqual([2, 1]);
  });

  it('TS T2 (billions of participants): ranks 2, 1', () => {
    const r = rankMajorityJudgment([
      [11312415004, 21153652410, 24101523299, 18758623562],
      [11312415004, 21153652400, 24101523299, 18758623572],
    ]);
    expect(r.ranks).toEqual([2, 1]);
  });

  it('TS T3 (collect demo): ranks 3, 1, 2', () => {
    expect(
      rankMajorityJudgment([
        [2, 3, 0, 3],
        [2, 0, 4, 2],
        [2, 1, 3, 2],
      ]).ranks,
    ).toEqual([3, 1, 2]);
  });

  it('TS T4 (normalized collect demo): ranks 3, 3, 2, 1', () => {
    const r = rankMajorityJudgment(
      [
        [2, 2, 2],
        [1, 1, 1],
        [0, 1, 0],
        [0, 0, 1],
      ],
      { balancing: { mode: 'normalized' } },
    );
    expect(r.ranks).toEqual([3, 3, 2, 1]);
  });

  it('TS T5 (static default grade 0, 3 judges): ranks 2, 1, 2', () => {
    const r = rankMajorityJudgment(
      [
        [0, 0, 1],
        [0, 3, 0],
        [2, 0, 1],
      ],
      { participants: 3, balancing: { mode: 'static', grade: 0 } },
    );
    expect(r.ranks).toEqual([2, 1, 2]);
  });

  it('TS T6 (1 337 identical proposals, 60 000 000 judges): all rank 1', () => {
    const r = rankMajorityJudgment(
      Array.from({ length: 1337 }, () => [7, 204, 107]),
      { participants: 60_000_000, balancing: { mode: 'static', grade: 0 } },
    );
    expect(new Set(r.ranks)).toEqual(new Set([1]));
  });

  it('TS T7 (median default grade, 42 judges): ranks 1 … 5', () => {
    const r = rankMajorityJudgment(
      [
        [0, 0, 1],
        [0, 1, 0],
        [1, 1, 1],
        [1, 0, 1],
        [1, 0, 0],
      ],
      { participants: 42, balancing: { mode: 'median' } },
    );
    expect(r.ranks).toEqual([1, 2, 3, 4, 5]);
  });

  it('TS T8 (1 437 normalized proposals [i,1,0]): proposal i has rank i+1', () => {
    const r = rankMajorityJudgment(
      Array.from({ length: 1437 }, (_, i) => [i, 1, 0]),
      { balancing: { mode: 'normalized' } },
    );
    expect(r.ranks).toEqual(Array.from({ length: 1437 }, (_, i) => i + 1));
  });

  it('TS T9 (favoring adhesion, 4 judges): ranks 2, 1, 3; median grades 2, 2, 1', () => {
    const r = rankMajorityJudgment(
      [
        [2, 0, 2],
        [0, 2, 2],
        [2, 1, 1],
      ],
      { favorContestation: false },
    );
    expect(r.ranks).toEqual([2, 1, 3]);
    expect(r.majorityGrades).toEqual([2, 2, 1]);
  });

  it('TS T10 (numeric score "202003003" vs "104203003"): same rounds as the score strings', () => {
    const encode = (profile: number[]) =>
      meritRounds(profile)
        .map((round) => `${round.grade}${String(round.group + 3n).padStart(2, '0')}`)
        .join('');
    expect(encode([1, 0, 2])).toBe('202003003');
    expect(encode([0, 2, 1])).toBe('104203003');
  });

  it('TS T11: unbalanced or negative tallies are refused', () => {
    expect(() =>
      rankMajorityJudgment(
        [
          [1, 1],
          [1, 2],
        ],
        { balancing: { mode: 'strict' } },
      ),
    ).toThrow(UnbalancedTallyError);
    expect(() => rankMajorityJudgment([[1, -1]])).toThrow(IncoherentTallyError);
    expect(() => rankMajorityJudgment([[1, 2]], { participants: 2 })).toThrow(UnbalancedTallyError);
  });
});

describe('majority judgment — MieuxVoter PHP, Python and pref_voting tests', () => {
  it('PHP P2: a proposal with a missing judgment gets the worst grade → a rank 1, b rank 2', () => {
    const r = rankMajorityJudgment(
      [
        [0, 1, 0, 1, 0, 1],
        [0, 0, 0, 1, 0, 1],
      ],
      { participants: 3 },
    );
    expect(r.ranks).toEqual([1, 2]);
  });

  it('PHP P3 (one judge): b (median 5) rank 1, a (median 3) rank 2', () => {
    const r = rankMajorityJudgment([
      [0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 1],
    ]);
    expect(r.ranks).toEqual([2, 1]);
    expect(r.majorityGrades).toEqual([3, 5]);
  });

  it('PHP P4 (17 proposals, 18 judges, mvapi election1): order 10, 16, 12, 13, 14, 11, 6, 7, 0, 2, 9, 1, 8, 15, 3, 5, 4', () => {
    const tallies = [
      [0, 2, 0, 7, 5, 4],
      [1, 1, 1, 7, 4, 4],
      [2, 4, 2, 1, 5, 4],
      [1, 2, 4, 6, 2, 3],
      [1, 2, 5, 4, 3, 3],
      [1, 4, 3, 2, 5, 3],
      [1, 1, 2, 4, 4, 6],
      [1, 3, 1, 4, 3, 6],
      [1, 2, 2, 6, 3, 4],
      [2, 2, 1, 5, 2, 6],
      [0, 0, 0, 0, 1, 17],
      [1, 0, 2, 3, 7, 5],
      [0, 2, 1, 1, 4, 10],
      [1, 1, 3, 1, 5, 7],
      [1, 1, 0, 1, 11, 4],
      [1, 2, 3, 6, 5, 1],
      [1, 0, 2, 0, 3, 12],
    ];
    const r = rankMajorityJudgment(tallies);
    expect(r.order).toEqual([10, 16, 12, 13, 14, 11, 6, 7, 0, 2, 9, 1, 8, 15, 3, 5, 4]);
    expect(new Set(r.ranks).size).toBe(17);
  });

  it('PHP getMedianGradeIndex (lower median)', () => {
    const expected: [number[], number][] = [
      [[1, 1], 0],
      [[2, 2, 2], 1],
      [[2, 2, 7], 2],
      [[2, 2, 5, 1, 3], 2],
      [[2, 3, 5, 7, 11, 13], 4],
      [[0, 0, 0, 0, 0, 0], 0],
      [[0, 0, 0, 1, 0, 0], 3],
      [[0, 0, 1, 0, 1, 0], 2],
      [[0, 2, 2], 1],
    ];
    for (const [profile, median] of expected) expect(medianGrade(profile)).toBe(median);
  });

  it('PY Y1: B before A; with lower grades better (reversed profiles) A before B', () => {
    expect(
      rankMajorityJudgment([
        [3, 2, 2, 3],
        [2, 2, 4, 2],
      ]).order,
    ).toEqual([1, 0]);
    expect(rankMajorityJudgment([[3, 2, 2, 3].reverse(), [2, 2, 4, 2].reverse()]).order).toEqual([0, 1]);
  });

  it('PY Y3: candidate 82 ranked before 81', () => {
    expect(
      rankMajorityJudgment([
        [1, 6, 2, 12, 8, 8],
        [1, 8, 2, 2, 8, 16],
      ]).order,
    ).toEqual([1, 0]);
  });

  it('pref_voting: candidates 0 and 1 share the lower median 4; candidate 0 wins', () => {
    const profile = (grades: number[]) => [0, 1, 2, 3, 4, 5].map((g) => grades.filter((x) => x === g).length);
    const r = rankMajorityJudgment([profile([5, 5, 0, 4]), profile([4, 3, 5, 4]), profile([0, 1, 5, 2])]);
    expect(r.majorityGrades.slice(0, 2)).toEqual([4, 4]);
    expect(r.order[0]).toBe(0);
    // Tie-breaker of 5,5,4,4,4: 2 of 5 above the median, none below → +2 (pref_voting: +0.4 = 2/5).
    expect(meritRounds(profile([5, 5, 4, 4, 4]))[0]).toEqual({ grade: 4, group: 2n });
  });
});

describe('majority judgment — scale', () => {
  it('tallies 200 000 synthetic ballots × 20 projects over grade-count arrays and finds the planted winner', () => {
    const projects = 20;
    const grades = 4;
    const tally = new MajorityJudgmentTally(projects, grades);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const ballot = new Int8Array(projects);
    for (let b = 0; b < 200_000; b++) {
      for (let p = 0; p < projects; p++) {
        const r = random();
        if (r < 0.1)
          ballot[p] = -1; // ungraded: counts as the lowest grade
        else if (p === 7)
          ballot[p] = r < 0.35 ? 3 : r < 0.65 ? 2 : r < 0.85 ? 1 : 0; // planted winner
        else ballot[p] = Math.floor(random() * grades);
      }
      tally.addBallot(ballot);
    }
    expect(tally.participants).toBe(200_000);
    const result = rankMajorityJudgment(tally.profiles(), { participants: tally.participants });
    expect(result.order[0]).toBe(7);
    expect(result.ranks[7]).toBe(1);
    expect(result.majorityGrades[7]).toBe(2);
    const perProject = tally.profiles().map((p) => p.reduce((a, b) => a + b, 0));
    expect(perProject.every((n) => n > 170_000 && n < 190_000)).toBe(true);
  });
});
