/**
 * The glue between the vote and the counting domain: baskets checked by each strategy, the
 * count of an envelope with the module's tie rules, keyed pseudonyms, and the exports — a
 * Pabulib file reads back identically and counts again to the same winners.
 */
import { describe, expect, it } from 'vitest';
import { methodOfEqualShares } from '../../budget.domain.js';
import { parsePabulib, writePabulib } from '../../pabulib.js';
import { type BasketProject, type BasketRules, checkBasket } from '../ballot-rules.js';
import { type CountProject, countEnvelope, lotOrder } from '../counting.js';
import {
  CSV_COLUMNS,
  csvTableSchema,
  type ExportBallot,
  eurosText,
  recountPabulib,
  toCsv,
  toPabulib,
} from '../exports.js';
import { accountKey, ballotKeyOf, deriveBallotKey, normaliseName, personKey } from '../keys.js';

const projects: BasketProject[] = [
  { id: 'p1', number: 1, costCents: 4_000_000 },
  { id: 'p2', number: 2, costCents: 3_000_000 },
  { id: 'p3', number: 3, costCents: 2_500_000 },
  { id: 'p4', number: 4, costCents: 1_000_000 },
];
const rules = (overrides: Partial<BasketRules> = {}): BasketRules => ({
  method: 'approval',
  amountCents: 10_000_000,
  maxChoices: 2,
  minSpendPercent: 0,
  ...overrides,
});
const select = (...n: string[]) => ({ kind: 'selection' as const, projectNumbers: n });
const grades = (g: Record<string, string>) => ({ kind: 'grades' as const, grades: g });

describe('checkBasket', () => {
  it('approval: at most N, only this envelope, no repeats', () => {
    expect(checkBasket(rules(), projects, select('1', '4'))).toEqual({
      ok: true,
      lines: [
        { projectId: 'p1', grade: null },
        { projectId: 'p4', grade: null },
      ],
    });
    expect(checkBasket(rules(), projects, select('1', '2', '3'))).toMatchObject({
      ok: false,
      problems: [
        { field: 'projects', code: 'budget.ballot.too_many_projects', params: { max: 2, count: 3 } },
      ],
    });
    for (const bad of [['7'], ['x'], ['0'], ['01e1'], [' 1'], ['1.0']])
      expect(checkBasket(rules(), projects, select(...bad))).toMatchObject({
        ok: false,
        problems: [{ code: 'budget.ballot.unknown_project' }],
      });
    expect(checkBasket(rules(), projects, select('1', '1'))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.ballot.duplicate_project' }],
    });
    expect(checkBasket(rules(), projects, select())).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.ballot.empty' }],
    });
    expect(checkBasket(rules(), projects, grades({ '1': 'adore' }))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.vote.tampered' }],
    });
    // "001" is project 1 written differently, not another project.
    expect(checkBasket(rules(), projects, select('001'))).toMatchObject({ ok: true });
  });

  it('knapsack: within the envelope, and above the minimum share when there is one', () => {
    const k = rules({ method: 'knapsack', maxChoices: null, minSpendPercent: 50 });
    expect(checkBasket(k, projects, select('1', '2', '3'))).toMatchObject({ ok: true });
    expect(checkBasket(k, projects, select('4'))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.ballot.under_minimum_share', params: { total: 1_000_000, percent: 50 } }],
    });
    expect(checkBasket({ ...k, amountCents: 9_000_000 }, projects, select('1', '2', '3'))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.ballot.over_budget', params: { total: 9_500_000, amount: 9_000_000 } }],
    });
  });

  it('majority judgment: the four grades, "no opinion" left out, anything else refused on its field', () => {
    const mj = rules({ method: 'majority_judgment', maxChoices: null });
    expect(checkBasket(mj, projects, grades({ '1': 'adore', '2': 'pas_convaincu', '3': '' }))).toEqual({
      ok: true,
      lines: [
        { projectId: 'p1', grade: 3 },
        { projectId: 'p2', grade: 0 },
      ],
    });
    expect(checkBasket(mj, projects, grades({ '2': 'ADORE' }))).toMatchObject({
      ok: false,
      problems: [{ field: 'grade-2', code: 'budget.ballot.unknown_grade' }],
    });
    expect(checkBasket(mj, projects, grades({ '9': 'adore' }))).toMatchObject({
      ok: false,
      problems: [{ field: 'basket', code: 'budget.ballot.unknown_project' }],
    });
    expect(checkBasket(mj, projects, grades({ '1': '' }))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.ballot.empty' }],
    });
    expect(checkBasket(mj, projects, select('1'))).toMatchObject({
      ok: false,
      problems: [{ code: 'budget.vote.tampered' }],
    });
  });
});

describe('keyed pseudonyms', () => {
  const key = deriveBallotKey('a-secret-of-at-least-thirty-two-characters');

  it('the same person whatever the accents, case, spaces and hyphens', () => {
    expect(normaliseName('  Lefèvre-Dupont ')).toBe(normaliseName('LEFEVRE DUPONT'));
    expect(normaliseName("N'Diaye")).toBe(normaliseName('Ndiaye'));
    expect(normaliseName('Œuvray')).toBe('oeuvray');
    expect(normaliseName('Strauß')).toBe('strauss');
    const a = personKey(key, 'c1', { lastName: 'Lefèvre', firstName: 'Zoé', birthDate: '1990-01-02' });
    expect(personKey(key, 'c1', { lastName: 'LEFEVRE', firstName: 'zoe', birthDate: '1990-01-02' })).toBe(a);
    expect(personKey(key, 'c1', { lastName: 'Lefèvre', firstName: 'Zoé', birthDate: '1990-01-03' })).not.toBe(
      a,
    );
    expect(personKey(key, 'c2', { lastName: 'Lefèvre', firstName: 'Zoé', birthDate: '1990-01-02' })).not.toBe(
      a,
    );
  });

  it('keys depend on the secret, are uuids, and a ballot key is not the person key', () => {
    const other = deriveBallotKey('another-secret-of-at-least-thirty-two-chars');
    const person = { lastName: 'Martin', firstName: 'Paul', birthDate: '1950-05-05' };
    expect(personKey(key, 'c', person)).not.toBe(personKey(other, 'c', person));
    const pk = personKey(key, 'c', person);
    expect(pk).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ballotKeyOf(key, 'c', pk)).not.toBe(pk);
    expect(accountKey(key, 'c', 'user-1')).not.toBe(accountKey(key, 'c', 'user-2'));
  });
});

const counted: CountProject[] = [
  { id: 'a', number: 1, costCents: 500 },
  { id: 'b', number: 2, costCents: 300 },
  { id: 'c', number: 3, costCents: 300 },
  { id: 'd', number: 4, costCents: 200 },
  { id: 'e', number: 5, costCents: 100 },
];

describe('countEnvelope', () => {
  const greedy = (votes: Record<string, number>, amountCents = 1_000, lot = lotOrder('2026', counted)) =>
    countEnvelope(
      { method: 'approval', selectionRule: 'greedy', amountCents, projects: counted, lotOrder: lot },
      { method: 'approval', votes: new Map(Object.entries(votes)), participants: 10 },
    );

  it('greedy: down the ranking, skipping what no longer fits; equal votes: cheapest first, then the lot', () => {
    // a (500) then b and c tied at 5 votes and 300: the lot decides which one fits.
    const lot = ['c', 'b', 'a', 'd', 'e'];
    const result = greedy({ a: 8, b: 5, c: 5, d: 4, e: 0 }, 1_000, lot);
    expect(result.winners).toEqual(['a', 'c', 'd']);
    expect(result.totalCostCents).toBe(1_000);
    expect(greedy({ a: 8, b: 5, c: 5, d: 4 }, 1_000, ['b', 'c', 'a', 'd', 'e']).winners).toEqual([
      'a',
      'b',
      'd',
    ]);
    // Cheapest first among equals, before the lot.
    expect(greedy({ a: 3, d: 3 }, 600, ['a', 'd', 'b', 'c', 'e']).winners).toEqual(['d']);
    expect(result.projects.map((p) => [p.id, p.rank])).toEqual([
      ['a', 1],
      ['c', 2],
      ['b', 2],
      ['d', 4],
      ['e', 5],
    ]);
  });

  it('a project nobody chose never wins, even when money is left', () => {
    expect(greedy({ a: 1 }).winners).toEqual(['a']);
    expect(greedy({}).winners).toEqual([]);
  });

  it('the lot order is fixed by the campaign and the ballot numbers', () => {
    expect(lotOrder('2026', counted)).toEqual(lotOrder('2026', [...counted].reverse()));
    expect(lotOrder('2026', counted)).not.toEqual(lotOrder('2027', counted));
  });

  it('Method of Equal Shares: the domain rule, with the module tie-breaking', () => {
    const ballots = [['a'], ['a'], ['a', 'b'], ['b', 'c'], ['d'], ['d', 'e'], ['e']];
    const votes = new Map<string, number>();
    for (const b of ballots) for (const id of b) votes.set(id, (votes.get(id) ?? 0) + 1);
    const result = countEnvelope(
      {
        method: 'approval',
        selectionRule: 'equal_shares',
        amountCents: 1_000,
        projects: counted,
        lotOrder: lotOrder('x', counted),
      },
      { method: 'approval', votes, participants: ballots.length, ballots },
    );
    const direct = methodOfEqualShares(
      { projects: counted.map((p) => ({ id: p.id, cost: p.costCents })), ballots, budget: 1_000 },
      {
        add1: 'pabulib',
        add1Increment: 100,
        tieBreaking: ['minCost', 'maxVotes', { order: lotOrder('x', counted) }],
      },
    );
    expect(result.winners).toEqual(direct.winners);
    expect(result.rule).toBe('equal_shares');
    expect(result.perVoterCents).toBeGreaterThan(0);
  });

  it('majority judgment: unrated = lowest grade; ranked by majority grade; ties: cheapest, then the lot', () => {
    // 4 participants. a: adore ×2, aime_bien ×2 → median aime_bien. b: adore ×2, unrated ×2 →
    // lower median pas_convaincu. c: aime_bien ×4. d, e: nobody graded them above the lowest.
    const judgments = new Map<string, number[]>([
      ['a', [0, 0, 2, 2]],
      ['b', [0, 0, 0, 2]],
      ['c', [0, 0, 4, 0]],
      ['d', [4, 0, 0, 0]],
    ]);
    const result = countEnvelope(
      {
        method: 'majority_judgment',
        selectionRule: 'greedy',
        amountCents: 900,
        projects: counted,
        lotOrder: lotOrder('mj', counted),
      },
      { method: 'majority_judgment', judgments, participants: 4 },
    );
    const byId = Object.fromEntries(result.projects.map((p) => [p.id, p]));
    expect(byId.b!.profile).toEqual([2, 0, 0, 2]);
    expect(byId.b!.majorityGrade).toBe(0);
    expect(byId.a!.majorityGrade).toBe(2);
    expect(byId.a!.rank).toBe(1);
    expect(byId.c!.rank).toBe(2);
    expect(byId.e!.profile).toEqual([4, 0, 0, 0]);
    // a (500) then c (300) = 800; b (300) no longer fits; d and e were graded by nobody above the lowest.
    expect(result.winners).toEqual(['a', 'c']);
    expect(result.projects.find((p) => p.id === 'd')!.selected).toBe(false);
    // No ballot at all: no winner.
    expect(
      countEnvelope(
        {
          method: 'majority_judgment',
          selectionRule: 'greedy',
          amountCents: 900,
          projects: counted,
          lotOrder: [],
        },
        { method: 'majority_judgment', judgments: new Map(), participants: 0 },
      ).winners,
    ).toEqual([]);
  });
});

/** A small deterministic generator, so that failures can be replayed. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe('exports', () => {
  const campaign = (
    method: 'approval' | 'knapsack' | 'majority_judgment',
    selectionRule: 'greedy' | 'equal_shares' = 'greedy',
  ) => ({
    slug: '2026',
    title: 'Budget participatif 2026',
    votingMethod: method,
    selectionRule,
    maxChoices: method === 'approval' ? 3 : null,
    minSpendPercent: method === 'knapsack' ? 30 : 0,
    voteStartsAt: new Date('2026-09-10T08:00:00Z'),
    voteEndsAt: new Date('2026-10-01T21:59:00Z'),
  });
  const envelope = {
    code: '5',
    label: '5e arrondissement; « Panthéon »',
    kind: 'arrondissement',
    amountCents: 100_050,
  };
  const exportProjects = counted.map((p) => ({
    ...p,
    costCents: p.costCents * 37 + 5,
    title: `Projet "${p.number}"; ça marche`,
  }));

  function ballotsFor(method: string, seed: number, n: number): ExportBallot[] {
    const next = random(seed);
    return Array.from({ length: n }, (_, i) => {
      const chosen = exportProjects.filter(() => next() < 0.45);
      // Majority judgment: some ballots graded nothing in this envelope (all lowest grades).
      const empty = method === 'majority_judgment' && i % 7 === 3;
      const ids = empty ? [] : chosen.length > 0 ? chosen : [exportProjects[i % exportProjects.length]!];
      return {
        number: i + 1,
        channel: next() < 0.2 ? 'booth' : 'online',
        projectIds: ids.map((p) => p.id),
        grades: ids.map(() => (method === 'majority_judgment' ? Math.floor(next() * 4) : null)),
      };
    });
  }

  function countFromBallots(
    method: 'approval' | 'knapsack' | 'majority_judgment',
    rule: 'greedy' | 'equal_shares',
    ballots: ExportBallot[],
  ) {
    const lot = lotOrder('2026', exportProjects);
    if (method === 'majority_judgment') {
      const judgments = new Map<string, number[]>();
      for (const b of ballots)
        b.projectIds.forEach((id, i) => {
          const p = judgments.get(id) ?? [0, 0, 0, 0];
          p[b.grades[i]!]! += 1;
          judgments.set(id, p);
        });
      return countEnvelope(
        {
          method,
          selectionRule: rule,
          amountCents: envelope.amountCents,
          projects: exportProjects,
          lotOrder: lot,
        },
        { method, judgments, participants: ballots.length },
      );
    }
    const votes = new Map<string, number>();
    for (const b of ballots) for (const id of b.projectIds) votes.set(id, (votes.get(id) ?? 0) + 1);
    return countEnvelope(
      {
        method,
        selectionRule: rule,
        amountCents: envelope.amountCents,
        projects: exportProjects,
        lotOrder: lot,
      },
      { method, votes, participants: ballots.length, ballots: ballots.map((b) => b.projectIds) },
    );
  }

  for (const [method, rule] of [
    ['approval', 'greedy'],
    ['knapsack', 'greedy'],
    ['approval', 'equal_shares'],
    ['majority_judgment', 'greedy'],
  ] as const) {
    it(`${method} (${rule}): the .pb reads back identically and counts again to the published winners`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const ballots = ballotsFor(method, seed, 40 + seed * 7);
        const count = countFromBallots(method, rule, ballots);
        const instance = toPabulib({
          city: 'Paris',
          campaign: campaign(method, rule),
          envelope,
          projects: exportProjects,
          ballots,
          count,
        });
        const text = writePabulib(instance);
        const back = parsePabulib(text);
        expect(back).toEqual({
          ...instance,
          meta: { ...instance.meta, num_projects: '5', num_votes: String(ballots.length) },
        });
        const recount = recountPabulib(back);
        const numberOf = new Map(exportProjects.map((p) => [p.id, String(p.number)]));
        expect(recount.winners).toEqual(count.winners.map((id) => numberOf.get(id)));
        expect(
          back.projects
            .filter((p) => p.selected === 1)
            .map((p) => p.id)
            .sort(),
        ).toEqual(count.winners.map((id) => numberOf.get(id)!).sort());
        // Ballot numbers only: no project id, key or account in the votes.
        expect(back.votes.map((v) => v.voterId)).toEqual(ballots.map((b) => String(b.number)));
        expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      }
    });
  }

  it('writes exact euro amounts and the Pabulib META of each method', () => {
    expect(eurosText(100_050)).toBe('1000.5');
    expect(eurosText(12_345)).toBe('123.45');
    expect(eurosText(1_000_000)).toBe('10000');
    const ballots = ballotsFor('majority_judgment', 9, 10);
    const count = countFromBallots('majority_judgment', 'greedy', ballots);
    const mj = toPabulib({
      city: 'Paris',
      campaign: campaign('majority_judgment'),
      envelope,
      projects: exportProjects,
      ballots,
      count,
    });
    expect(mj.meta).toMatchObject({
      vote_type: 'scoring',
      min_points: '0',
      max_points: '3',
      default_score: '0',
      subunit: envelope.label,
      date_begin: '10.09.2026',
      date_end: '01.10.2026',
      currency: 'EUR',
    });
    expect(mj.votes[0]!.points).toEqual([...(mj.votes[0]!.points ?? [])].sort((a, b) => b - a));
    const k = toPabulib({
      city: 'Paris',
      campaign: campaign('knapsack'),
      envelope,
      projects: exportProjects,
      ballots: ballotsFor('knapsack', 9, 5),
      count,
    });
    expect(k.meta).toMatchObject({
      vote_type: 'approval',
      rule: 'greedy',
      max_sum_cost: '1000.5',
      min_sum_cost: '300.15',
    });
  });

  it('CSV: one row per project of each ballot, quoted where needed, described by its Table Schema', () => {
    const ballots: ExportBallot[] = [
      { number: 1, channel: 'online', projectIds: ['b', 'a'], grades: [3, 0] },
      { number: 2, channel: 'booth', projectIds: ['e'], grades: [2] },
    ];
    const text = toCsv({ ...envelope, code: 'a,"b"' }, exportProjects, ballots);
    expect(text).toBe(
      [
        'bulletin,enveloppe,projet,note,canal',
        '1,"a,""b""",1,pas_convaincu,internet',
        '1,"a,""b""",2,adore,internet',
        '2,"a,""b""",5,aime_bien,urne',
        '',
      ].join('\r\n'),
    );
    const schema = csvTableSchema() as { fields: { name: string }[] };
    expect(schema.fields.map((f) => f.name)).toEqual([...CSV_COLUMNS]);
  });
});
