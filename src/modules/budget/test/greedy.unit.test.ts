import { describe, expect, it } from 'vitest';
import { approvalMethod, cumulativeMethod } from '../domain/ballots.js';
import { type CountedProject, selectGreedy } from '../domain/greedy.js';
import { UnresolvedTieError } from '../domain/ties.js';
import { CZESTOCHOWA, loadInstance, officialWinners, sorted, WARSZAWA } from './fixtures.js';

const project = (id: string, cost: number, score: number): CountedProject => ({
  id,
  cost,
  votes: score,
  score,
});

describe('greedy winner selection', () => {
  it('Częstochowa 2024 Podjasnogórska official result (rule greedy by points, trust A): 112, 348, 611, 639', () => {
    const instance = loadInstance(CZESTOCHOWA);
    const envelope = { amount: instance.budget, projects: instance.projects };
    const method = cumulativeMethod(envelope, { maxTotalPoints: Number(instance.meta.max_sum_points) });
    const tally = method.tally(
      instance.votes.map((v) => ({
        points: Object.fromEntries(v.projectIds.map((id, i) => [id, v.points![i]!])),
      })),
    );
    expect(tally.rejectedBallots).toBe(0);
    // Our tally reproduces the published `votes` and `score` columns.
    for (const p of instance.projects) {
      const counted = tally.projects.find((c) => c.id === p.id)!;
      expect([counted.votes, counted.score]).toEqual([p.votes, p.score]);
    }
    const result = selectGreedy(tally.projects, { budget: instance.budget });
    expect(result.winners).toEqual(['112', '348', '611', '639']);
    expect(sorted(result.winners)).toEqual(officialWinners(instance));
    expect(result.totalCost).toBe(138_000);
  });

  it('Częstochowa 2024: ranking by supporters instead of points gives another result (EXPECTED.md §4 note)', () => {
    const instance = loadInstance(CZESTOCHOWA);
    const bySupporters = instance.projects.map((p) => project(p.id, p.cost, p.votes!));
    expect(sorted(selectGreedy(bySupporters, { budget: instance.budget }).winners)).not.toEqual(
      officialWinners(instance),
    );
  });

  it('Warszawa 2021 Bielany subsample greedy (pabutools greedy_cost, lexicographic ties, trust C): 25 projects', () => {
    const instance = loadInstance(WARSZAWA);
    const method = approvalMethod(
      { amount: instance.budget, projects: instance.projects },
      { maxProjects: Number(instance.meta.max_length) },
    );
    const tally = method.tally(instance.votes);
    expect(tally.ballots).toBe(409);
    const result = selectGreedy(tally.projects, { budget: instance.budget, tieBreaking: ['lexicoId'] });
    expect(sorted(result.winners)).toEqual(
      sorted(
        '1006, 104, 1047, 1064, 1082, 1095, 1155, 1395, 1488, 1613, 173, 181, 1823, 1860, 1883, 1893, 1979, 2001, 2021, 373, 417, 607, 620, 741, 812'.split(
          ', ',
        ),
      ),
    );
  });

  it('equalshares.net Example 1: greedy selects the bike path and the outdoor gym (budget exhausted)', () => {
    const projects = [
      project('bike', 700, 7),
      project('gym', 400, 6),
      project('park', 250, 5),
      project('playground', 200, 4),
      project('library', 100, 3),
    ];
    const result = selectGreedy(projects, { budget: 1100 });
    expect(result.winners).toEqual(['bike', 'gym']);
    expect(result.leftover).toBe(0);
  });

  it('skips what does not fit and goes on (CONSUL, Paris, Pabulib greedy); greedy-no-skip stops', () => {
    const projects = [project('a', 60, 10), project('b', 50, 9), project('c', 40, 8)];
    expect(selectGreedy(projects, { budget: 100 })).toMatchObject({
      winners: ['a', 'c'],
      unaffordable: ['b'],
    });
    expect(selectGreedy(projects, { budget: 100, skipUnaffordable: false }).winners).toEqual(['a']);
  });

  it('a minimum score keeps projects below it out (greedy-threshold)', () => {
    const projects = [project('a', 10, 10), project('b', 10, 2)];
    expect(selectGreedy(projects, { budget: 100, minScore: 5 }).winners).toEqual(['a']);
  });

  it('ties: criteria decide; an unresolved tie is reported only when it changes who is funded', () => {
    const tied = [project('x', 60, 5), project('y', 50, 5)];
    expect(selectGreedy(tied, { budget: 60, tieBreaking: ['minCost'] }).winners).toEqual(['y']);
    expect(selectGreedy(tied, { budget: 60, tieBreaking: ['maxCost'] }).winners).toEqual(['x']);
    expect(() => selectGreedy(tied, { budget: 60 })).toThrow(UnresolvedTieError);
    // Both fit: the funded set is the same whatever the order.
    expect(sorted(selectGreedy(tied, { budget: 200 }).winners)).toEqual(['x', 'y']);
    // Neither fits: nothing to decide.
    expect(selectGreedy(tied, { budget: 40 }).winners).toEqual([]);
  });

  it('counts money exactly with decimal costs', () => {
    const projects = [project('a', 0.1, 3), project('b', 0.2, 2)];
    expect(selectGreedy(projects, { budget: 0.3 }).winners).toEqual(['a', 'b']);
  });
});
