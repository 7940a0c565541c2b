import { describe, expect, it } from 'vitest';
import { methodOfEqualShares, optionsForPabulibRule } from '../domain/equal-shares.js';
import { toNumber } from '../domain/rational.js';
import { breakTie, DEFAULT_TIE_BREAKING, UnresolvedTieError } from '../domain/ties.js';
import { parsePabulib } from '../pabulib.js';
import {
  ASSEN,
  approvalElection,
  loadInstance,
  officialWinners,
  sorted,
  WARSZAWA,
  WIELICZKA,
} from './fixtures.js';

// Worked examples of equalshares.net (docs/explanation.mdx), transcribed in EXPECTED.md §5.
const EXAMPLE_1 = `META
key;value
description;equalshares.net explanation, Example 1
num_projects;5
num_votes;11
budget;1100
vote_type;approval
rule;equalshares
PROJECTS
project_id;cost;name
bike;700;bike path
gym;400;outdoor gym
park;250;new park
playground;200;new playground
library;100;library for kids
VOTES
voter_id;vote
1;bike,gym
2;bike,gym,park
3;bike,gym
4;bike,gym,park
5;bike,gym,park
6;bike,gym
7;park,playground,library
8;playground
9;playground,library
10;park,playground,library
11;bike
`;
const EXAMPLE_2 = EXAMPLE_1.replace('11;bike\n', '11;gym\n');

describe('Method of Equal Shares — worked examples', () => {
  it('equalshares.net Example 1: MES selects bike path, playground, library in that order', () => {
    const result = methodOfEqualShares(approvalElection(parsePabulib(EXAMPLE_1)));
    expect(result.winners).toEqual(['bike', 'playground', 'library']);
    expect(result.totalCost).toBe(1000);
  });

  it('equalshares.net Example 2: MES selects outdoor gym, park, playground in that order', () => {
    const result = methodOfEqualShares(approvalElection(parsePabulib(EXAMPLE_2)));
    expect(result.winners).toEqual(['gym', 'park', 'playground']);
  });
});

describe('Method of Equal Shares — tie-breaking (equalshares.net tie-breaking page, EXPECTED.md §5)', () => {
  const tied = (costs: number[], votes: number[]) =>
    costs.map((cost, i) => ({ id: `p${i}`, cost, votes: votes[i]! }));

  it('tie-breaking page, situation 1: among equal effective counts the lower cost wins (600 before 700)', () => {
    // Costs 600/700/100 with effective counts 200/200/100: only the first two are tied.
    expect(breakTie(tied([600, 700], [500, 300]), DEFAULT_TIE_BREAKING).id).toBe('p0');
  });

  it('tie-breaking page, situation 2: same cost, the higher initial vote count wins (500 votes)', () => {
    expect(breakTie(tied([400, 400, 400], [500, 300, 150]), DEFAULT_TIE_BREAKING).id).toBe('p0');
  });

  it('tie-breaking page, situation 3: same cost and votes is broken by lot — reported, never decided silently', () => {
    expect(() => breakTie(tied([400, 400], [500, 500]), DEFAULT_TIE_BREAKING)).toThrow(UnresolvedTieError);
    expect(
      breakTie(tied([400, 400], [500, 500]), [...DEFAULT_TIE_BREAKING, { order: ['p1', 'p0'] }]).id,
    ).toBe('p1');
  });

  it('a real tie inside an MES count is reported; a lot order or lexicographic ids decide it', () => {
    const election = {
      projects: [
        { id: 'x', cost: 400 },
        { id: 'y', cost: 400 },
      ],
      ballots: [['x'], ['x'], ['y'], ['y']],
      budget: 800,
    };
    expect(() => methodOfEqualShares(election)).toThrow(UnresolvedTieError);
    const byLot = methodOfEqualShares(election, {
      tieBreaking: ['minCost', 'maxVotes', { order: ['y', 'x'] }],
    });
    expect(byLot.winners).toEqual(['y', 'x']);
    expect(methodOfEqualShares(election, { tieBreaking: ['lexicoId'] }).winners).toEqual(['x', 'y']);
  });

  it('an MES tie on effective count is broken by lower cost by default', () => {
    // Each voter holds 100; both projects have an effective vote count of 2.
    const election = {
      projects: [
        { id: 'dear', cost: 200 },
        { id: 'cheap', cost: 100 },
      ],
      // dear: 2 supporters pay 100 each → count 2; cheap: 2 supporters pay 50 each → count 2.
      ballots: [['dear'], ['dear'], ['cheap'], ['cheap']],
      budget: 400,
    };
    expect(methodOfEqualShares(election).winners).toEqual(['cheap', 'dear']);
    expect(methodOfEqualShares(election, { tieBreaking: ['maxCost'] }).winners).toEqual(['dear', 'cheap']);
  });
});

describe('Method of Equal Shares — Assen 2024', () => {
  it('Assen 2024 official result (rule equalshares/add1, trust A): 9 winners, 76 700 of 100 000', () => {
    const instance = loadInstance(ASSEN);
    const result = methodOfEqualShares(
      approvalElection(instance),
      optionsForPabulibRule(instance.meta.rule!),
    );
    expect(sorted(result.winners)).toEqual(sorted(['3', '9', '2', '11', '13', '14', '5', '6', '12']));
    expect(sorted(result.winners)).toEqual(officialWinners(instance));
    expect(result.totalCost).toBe(76_700);
    // The official Add1 outcome is not topped up greedily: project 7 (12 000) would still fit.
    expect(result.winners).not.toContain('7');
  });

  it('Assen 2024: a greedy completion after Add1 would differ from the official result (EXPECTED.md §1 note)', () => {
    const result = methodOfEqualShares(approvalElection(loadInstance(ASSEN)), {
      add1: 'pabulib',
      utilitarianCompletion: true,
    });
    expect(result.addedByCompletion.length).toBeGreaterThan(0);
  });
});

// Exact arithmetic over 1,000+ voters: tens of seconds on a loaded 2-core machine.
describe('Method of Equal Shares — Wieliczka 2023 (Zielony Milion)', { timeout: 180_000 }, () => {
  const instance = loadInstance(WIELICZKA);
  const election = approvalElection(instance);

  it('Wieliczka 2023 official result (equalshares/add1-comparison, trust A: Pabulib file, equalshares.net, Pabulib checker)', () => {
    const result = methodOfEqualShares(election, optionsForPabulibRule('equalshares/add1-comparison'));
    const official =
      '6, 7, 9, 17, 19, 20, 24, 25, 26, 29, 32, 33, 34, 36, 39, 40, 41, 42, 43, 46, 56, 58, 60, 61, 62, 69, 70, 71, 74, 88';
    expect(sorted(result.winners)).toEqual(sorted(official.split(', ')));
    expect(sorted(result.winners)).toEqual(officialWinners(instance));
    expect(result.winners).toHaveLength(30);
    expect(result.totalCost).toBe(995_079);
    // The comparison step keeps MES: more voters prefer it to the greedy outcome.
    expect(result.comparison?.switchedToGreedy).toBe(false);
    // equalshares.net: per-voter amount raised from about 151 to 313 zł (we report the last amount
    // that still fits, which gives the same outcome: see COUNTING.md).
    expect(result.perVoterBudgetApprox).toBeGreaterThanOrEqual(313);
    expect(result.perVoterBudgetApprox).toBeLessThan(320);
    // Published explanations: projects 21, 16 and 87 lost.
    expect(result.winners).not.toContain('21');
    expect(result.winners).not.toContain('16');
    expect(result.winners).not.toContain('87');
  });

  it('Wieliczka 2023: at 313 zł per voter (the amount equalshares.net publishes) MES gives the official 30 projects', () => {
    const result = methodOfEqualShares({ ...election, budget: 313 * election.ballots.length });
    expect(sorted(result.winners)).toEqual(officialWinners(instance));
    expect(result.totalCost).toBe(995_079);
  });

  it('Wieliczka 2023 MES without completion (trust B: equalshares.net tool and pabutools agree): 21 projects, 450 548, in order', () => {
    const result = methodOfEqualShares(election);
    expect(result.winners).toEqual(
      '24, 41, 74, 39, 58, 25, 20, 43, 60, 17, 29, 70, 26, 71, 62, 88, 34, 36, 56, 66, 69'.split(', '),
    );
    expect(result.totalCost).toBe(450_548);
    expect(toNumber(result.perVoterBudget)).toBeCloseTo(1_000_000 / 6586, 9);
  });

  it('Wieliczka 2023 Add1 as the equalshares.net tool (exhaustive stop, trust C: js_reference floats_add1): 31 projects at 302 per voter', () => {
    const result = methodOfEqualShares(election, { add1: 'exhaustive' });
    expect(result.winners).toEqual(
      '24, 41, 40, 74, 19, 6, 58, 32, 25, 20, 60, 43, 29, 17, 39, 42, 26, 70, 34, 71, 62, 88, 61, 9, 7, 36, 56, 33, 66, 67, 69'.split(
        ', ',
      ),
    );
    expect(result.totalCost).toBe(984_579);
    expect(result.perVoterBudgetApprox).toBe(302);
  });

  it('Wieliczka 2023 MES then greedy completion (trust C: js_reference floats_utilitarian): 29 projects, 991 347', () => {
    const result = methodOfEqualShares(election, { utilitarianCompletion: true });
    expect(result.winners).toEqual(
      '24, 41, 74, 39, 58, 25, 20, 43, 60, 17, 29, 70, 26, 71, 62, 88, 34, 36, 56, 66, 69, 40, 19, 6, 21, 32, 42, 16, 33'.split(
        ', ',
      ),
    );
    expect(result.totalCost).toBe(991_347);
  });
});

describe('Method of Equal Shares — Warszawa 2021 Bielany (409-voter subsample)', () => {
  const election = approvalElection(loadInstance(WARSZAWA));
  const MES_57 =
    '104, 812, 1613, 620, 417, 1095, 2021, 1893, 373, 2001, 173, 1082, 1488, 1395, 1860, 1155, 1047, 1017, 1823, 1404, 568, 1098, 709, 827, 426, 1979, 494, 848, 668, 1655, 1507, 833, 845, 699, 128, 2125, 698, 1758, 1195, 838, 2087, 1362, 828, 994, 289, 1053, 1870, 1861, 701, 1651, 1757, 1031, 1892, 642, 1094, 779, 371'.split(
      ', ',
    );
  const ADD1_62 =
    '104, 812, 1613, 620, 417, 1095, 2021, 1064, 373, 1893, 2001, 173, 1488, 1082, 1047, 1395, 1860, 1017, 1883, 568, 1979, 1155, 1098, 827, 709, 79, 1823, 494, 668, 426, 1870, 848, 1195, 1507, 2125, 1861, 833, 1556, 1758, 289, 128, 828, 698, 699, 1501, 845, 838, 779, 642, 994, 701, 371, 1053, 1651, 1757, 1094, 2087, 1171, 702, 1031, 1892, 1571'.split(
      ', ',
    );

  it('Warszawa subsample MES without completion (trust B: pabutools and the JS tool none_fractions_tie): 57 projects, 3 324 920, in order', () => {
    const result = methodOfEqualShares(election, { tieBreaking: ['maxVotes', 'minCost'] });
    expect(result.winners).toEqual(MES_57);
    expect(result.totalCost).toBe(3_324_920);
  });

  it('Warszawa subsample MES without completion, pabutools lexicographic ties (trust B): same 57 projects', () => {
    expect(sorted(methodOfEqualShares(election, { tieBreaking: ['lexicoId'] }).winners)).toEqual(
      sorted(MES_57),
    );
  });

  it('Warszawa subsample Add1, step 1 000 per voter, exhaustive stop (trust C: pb_reference add1_floats_tie): 62 projects', () => {
    const result = methodOfEqualShares(election, {
      tieBreaking: ['maxVotes', 'minCost'],
      add1: 'exhaustive',
      add1Increment: 1000,
    });
    expect(result.winners).toEqual(ADD1_62);
    expect(result.totalCost).toBe(4_081_270);
    expect(result.perVoterBudgetApprox).toBe(13_566);
  });

  it('Warszawa subsample Add1 then greedy completion (trust C: pb_reference add1u_fractions_tie): 66 projects, 4 321 670', () => {
    const result = methodOfEqualShares(election, {
      tieBreaking: ['maxVotes', 'minCost'],
      add1: 'exhaustive',
      add1Increment: 1000,
      utilitarianCompletion: true,
    });
    expect(result.winners).toEqual([...ADD1_62, '607', '1404', '1267', '1023']);
    expect(result.totalCost).toBe(4_321_670);
  });

  it('Warszawa subsample MES then greedy completion (trust C: pb_reference utilitarian_floats_tie): 61 projects, 4 317 295', () => {
    const result = methodOfEqualShares(election, {
      tieBreaking: ['maxVotes', 'maxCost'],
      utilitarianCompletion: true,
    });
    expect(result.winners).toEqual([...MES_57, '1064', '181', '607', '1571']);
    expect(result.totalCost).toBe(4_317_295);
  });
});

describe('Method of Equal Shares — edge cases', () => {
  it('no ballots: nothing is selected', () => {
    expect(
      methodOfEqualShares({ projects: [{ id: 'a', cost: 1 }], ballots: [], budget: 10 }).winners,
    ).toEqual([]);
  });

  it('Add1 stops when every supported project is bought (all projects fit the budget)', () => {
    const result = methodOfEqualShares(
      {
        projects: [
          { id: 'a', cost: 10 },
          { id: 'b', cost: 12 },
          { id: 'c', cost: 5 },
        ],
        ballots: [['a'], ['b'], ['a', 'b']],
        budget: 100,
      },
      { add1: 'pabulib' },
    );
    expect(sorted(result.winners)).toEqual(['a', 'b']);
  });

  it('the comparison step switches to greedy when strictly more voters prefer it', () => {
    // Greedy buys the big project 3 voters love; MES splits money and buys the small ones.
    const election = {
      projects: [
        { id: 'big', cost: 90 },
        { id: 's1', cost: 10 },
      ],
      ballots: [['big'], ['big'], ['big'], ['s1']],
      budget: 90,
    };
    const plain = methodOfEqualShares(election);
    const compared = methodOfEqualShares(election, { comparison: 'satisfaction' });
    expect(plain.winners).toEqual(['s1']);
    expect(compared.winners).toEqual(['big']);
    expect(compared.comparison).toEqual({ prefersEqualShares: 1, prefersGreedy: 3, switchedToGreedy: true });
    expect(methodOfEqualShares(election, { comparison: 'exclusionRatio' }).winners).toEqual(['big']);
  });

  it('rejects unknown Pabulib rules', () => {
    expect(() => optionsForPabulibRule('greedy')).toThrow(RangeError);
  });
});
