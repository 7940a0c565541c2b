/**
 * Ballots against a real database (both engines): declaration and dedupe, the arrondissement
 * chosen once, baskets for each method with every bad input, confirmation and its mail,
 * booth ballots, the rules locked by the first ballot, and the database's own refusals when
 * the application is bypassed.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/helpers/test-database.js';
import type { Viewer } from '../../../../core/auth/viewer.js';
import { loadConfig } from '../../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../../core/core.js';
import type { Database } from '../../../../core/db/database.js';
import { DomainError } from '../../../../core/http/errors.js';
import { ImmediateJobQueue } from '../../../../core/jobs/jobs.js';
import type { CoreServices } from '../../../../core/services.js';
import { basketWriter } from '../basket-writer.js';
import { type EligibilityCheck, registerEligibilityCheck } from '../eligibility.js';
import { votePart } from '../part.js';
import { countCampaign } from '../results.service.js';
import { remindUnconfirmed, sendDueSummaries } from '../vote.mail.js';
import {
  BasketError,
  castPaperBallot,
  chooseArrondissement,
  confirmBallot,
  declareVoter,
  forgetCachedCampaigns,
  loadVoteCampaign,
  myVote,
  saveBasket,
  type VoteCampaign,
} from '../vote.service.js';
import { envelopeBallots } from '../vote.store.js';
import { actorOf, type CampaignFixture, createCampaign, createUser, declaration } from './fixtures.js';

let database: Database;
let opened: OpenedCore;
let core: CoreServices;
let jobs: ImmediateJobQueue;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'vo-vote-'));
  jobs = new ImmediateJobQueue();
  opened = await createCore(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false' }), {
    database,
    jobs,
    migrate: false,
  });
  core = opened.core;
});

afterAll(async () => {
  await opened?.close();
  await database?.close();
});

async function campaign(
  options: Parameters<typeof createCampaign>[1] = {},
): Promise<{ fx: CampaignFixture; vc: VoteCampaign }> {
  const fx = await createCampaign(core.db, options);
  forgetCachedCampaigns();
  return { fx, vc: await loadVoteCampaign(core, fx.slug, null, { fresh: true }) };
}

/** A signed-in voter who declared and chose the 5th arrondissement. */
async function voter(vc: VoteCampaign, fx: CampaignFixture, overrides = {}): Promise<Viewer> {
  const viewer = await createUser(core.db);
  await declareVoter(core, vc, viewer, declaration(overrides), actorOf(viewer));
  await chooseArrondissement(core, vc, viewer, fx.envelopes.arr5, actorOf(viewer));
  return viewer;
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(BasketError);
  return Object.fromEntries((error as BasketError).problems.map((p) => [p.field, p.code]));
}

const select = (...numbers: number[]) => ({
  kind: 'selection' as const,
  projectNumbers: numbers.map(String),
});

async function summaryDue(campaignId: string, userId: string): Promise<boolean> {
  const row = await core.db
    .selectFrom('budget_participation')
    .select('summary_due')
    .where('campaign_id', '=', campaignId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.summary_due;
}

async function lineCount(): Promise<number> {
  const row = await core.db
    .selectFrom('budget_ballot_line')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('declaring and choosing an arrondissement', () => {
  it('creates a voter, an empty ballot and a line in the register; the first ballot locks the rules', async () => {
    const { fx, vc } = await campaign();
    const viewer = await createUser(core.db);
    const before = await core.db
      .selectFrom('budget_campaign')
      .select('rules_locked_at')
      .where('id', '=', fx.id)
      .executeTakeFirstOrThrow();
    expect(before.rules_locked_at).toBeNull();
    await declareVoter(core, vc, viewer, declaration(), actorOf(viewer));
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.participation?.state).toBe('declared');
    expect(mine.voter?.channel).toBe('online');
    expect(mine.ballot?.state).toBe('draft');
    const after = await core.db
      .selectFrom('budget_campaign')
      .select('rules_locked_at')
      .where('id', '=', fx.id)
      .executeTakeFirstOrThrow();
    expect(after.rules_locked_at).not.toBeNull();
    // The trigger of 202611260100 now refuses any change of the rules, whoever writes.
    await expect(
      core.db.updateTable('budget_campaign').set({ max_choices: 5 }).where('id', '=', fx.id).execute(),
    ).rejects.toThrow(/budget.campaign.rules_locked/);
    await expect(
      core.db
        .updateTable('budget_campaign')
        .set({ voting_method: 'knapsack' })
        .where('id', '=', fx.id)
        .execute(),
    ).rejects.toThrow(/budget.campaign.rules_locked/);
    // The title is not a rule.
    await core.db
      .updateTable('budget_campaign')
      .set({ title: 'Autre titre' })
      .where('id', '=', fx.id)
      .execute();
  });

  it('refuses a bad declaration field by field, and an unverified account as a whole', async () => {
    const { vc } = await campaign();
    const viewer = await createUser(core.db);
    expect(
      await problems(
        declareVoter(
          core,
          vc,
          viewer,
          {
            declaration: 'tourist',
            lastName: '<script>alert(1)</script>',
            firstName: '',
            birthDate: '2099-01-01',
            sworn: false,
          },
          actorOf(viewer),
        ),
      ),
    ).toEqual({
      declaration: 'budget.vote.declaration.declaration_required',
      lastName: 'budget.vote.declaration.name_invalid',
      firstName: 'budget.vote.declaration.first_name_required',
      birthDate: 'budget.vote.declaration.birth_date_invalid',
      sworn: 'budget.vote.declaration.sworn_required',
    });
    expect(
      (
        await problems(
          declareVoter(core, vc, viewer, declaration({ birthDate: '1990-02-30' }), actorOf(viewer)),
        )
      ).birthDate,
    ).toBe('budget.vote.declaration.birth_date_invalid');
    expect(
      (
        await problems(
          declareVoter(core, vc, viewer, declaration({ lastName: 'x'.repeat(101) }), actorOf(viewer)),
        )
      ).lastName,
    ).toBe('budget.vote.declaration.name_invalid');
    const unverified = await createUser(core.db, { verified: false });
    const error = await refusal(declareVoter(core, vc, unverified, declaration(), actorOf(unverified)));
    expect(error.code).toBe('budget.vote.eligibility.email_not_verified');
    expect(error.status).toBe(403);
    const voters = await core.db
      .selectFrom('budget_voter')
      .select('person_key')
      .where('campaign_id', '=', vc.campaign.id)
      .execute();
    expect(voters).toHaveLength(0);
  });

  it('is pluggable: a campaign names its check, an unknown check lets nobody in', async () => {
    const nobody: EligibilityCheck = {
      name: 'test_nobody',
      accountProblem: () => 'budget.vote.eligibility.unknown_check',
      check: () => ({ eligible: false, account: 'budget.vote.eligibility.unknown_check' }),
    };
    registerEligibilityCheck(nobody);
    for (const eligibility of ['test_nobody', 'no_such_check']) {
      const { vc } = await campaign({ eligibility });
      const viewer = await createUser(core.db);
      expect((await refusal(declareVoter(core, vc, viewer, declaration(), actorOf(viewer)))).code).toBe(
        'budget.vote.eligibility.unknown_check',
      );
    }
  });

  it('one person, one ballot: the same name and birth date from a second account is refused', async () => {
    const { vc } = await campaign();
    const person = declaration({ lastName: 'Lefèvre-Dupont', firstName: 'Zoé' });
    const first = await createUser(core.db);
    await declareVoter(core, vc, first, person, actorOf(first));
    // The same declaration again from the same account changes nothing.
    await declareVoter(core, vc, first, person, actorOf(first));
    const second = await createUser(core.db);
    const error = await refusal(
      declareVoter(
        core,
        vc,
        second,
        { ...person, lastName: 'LEFEVRE DUPONT', firstName: 'zoe', birthDate: '12/04/1985' },
        actorOf(second),
      ),
    );
    expect(error.code).toBe('budget.vote.person_already_voted');
    // One account, one person: declaring someone else afterwards is refused.
    const other = await refusal(
      declareVoter(core, vc, first, declaration({ lastName: 'Martin' }), actorOf(first)),
    );
    expect(other.code).toBe('budget.vote.account_already_declared');
    const voters = await core.db
      .selectFrom('budget_voter')
      .select('person_key')
      .where('campaign_id', '=', vc.campaign.id)
      .execute();
    expect(voters).toHaveLength(1);
  });

  it('the arrondissement de cœur is chosen once; a second one is refused, also by the database', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    await chooseArrondissement(core, vc, viewer, fx.envelopes.arr5, actorOf(viewer)); // same again: fine
    const error = await refusal(chooseArrondissement(core, vc, viewer, fx.envelopes.arr11, actorOf(viewer)));
    expect(error.code).toBe('budget.vote.arrondissement_already_chosen');
    // Not an arrondissement envelope, or no envelope at all.
    expect(
      (await problems(chooseArrondissement(core, vc, viewer, fx.envelopes.city, actorOf(viewer))))
        .arrondissement,
    ).toBe('budget.vote.arrondissement.required');
    // Bypassing the application: the trigger refuses to move it.
    await expect(
      core.db
        .updateTable('budget_ballot')
        .set({ arrondissement_envelope_id: fx.envelopes.arr11 })
        .where('campaign_id', '=', fx.id)
        .execute(),
    ).rejects.toThrow(/budget.vote.arrondissement_already_chosen/);
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.ballot?.arrondissement_envelope_id).toBe(fx.envelopes.arr5);
  });

  it('refuses everything outside the vote phase', async () => {
    for (const phase of ['before', 'closed'] as const) {
      const { fx, vc } = await campaign({ phase });
      const viewer = await createUser(core.db);
      const error = await refusal(declareVoter(core, vc, viewer, declaration(), actorOf(viewer)));
      expect(error.code).toBe(phase === 'before' ? 'budget.vote.not_open_yet' : 'budget.vote.closed');
      expect(
        (
          await refusal(
            saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer)),
          )
        ).code,
      ).toBe(error.code);
      expect((await refusal(confirmBallot(core, vc, viewer, undefined, actorOf(viewer)))).code).toBe(
        error.code,
      );
    }
  });
});

describe('baskets', () => {
  it('approval: at most N projects of this envelope; refused baskets change nothing', async () => {
    const { fx, vc } = await campaign({ method: 'approval', maxChoices: 3 });
    const viewer = await voter(vc, fx);
    const start = await lineCount();
    // Too many, a project of another envelope, a number not on the ballot, garbage.
    expect(
      await problems(
        saveBasket(core, vc, viewer, fx.envelopes.city, select(1, 2, 3, 4), undefined, actorOf(viewer)),
      ),
    ).toEqual({
      projects: 'budget.ballot.too_many_projects',
    });
    for (const posted of [['9'], ['99'], ['<script>'], ['1', '1'], ['-1'], ['1e3']]) {
      const found = await problems(
        saveBasket(
          core,
          vc,
          viewer,
          fx.envelopes.city,
          { kind: 'selection', projectNumbers: posted },
          undefined,
          actorOf(viewer),
        ),
      );
      expect(['budget.ballot.unknown_project', 'budget.ballot.duplicate_project']).toContain(found.projects);
    }
    // Grades posted to an approval campaign: a tampered form.
    expect(
      (
        await problems(
          saveBasket(
            core,
            vc,
            viewer,
            fx.envelopes.city,
            { kind: 'grades', grades: { '1': 'adore' } },
            undefined,
            actorOf(viewer),
          ),
        )
      ).basket,
    ).toBe('budget.vote.tampered');
    // An empty basket with nothing saved.
    expect(
      await problems(saveBasket(core, vc, viewer, fx.envelopes.city, select(), undefined, actorOf(viewer))),
    ).toEqual({
      projects: 'budget.ballot.empty',
    });
    // The other arrondissement's envelope.
    expect(
      (
        await refusal(
          saveBasket(core, vc, viewer, fx.envelopes.arr11, select(12), undefined, actorOf(viewer)),
        )
      ).code,
    ).toBe('budget.vote.not_your_arrondissement');
    expect(await lineCount()).toBe(start);

    const saved = await saveBasket(
      core,
      vc,
      viewer,
      fx.envelopes.city,
      select(1, 3, 5),
      undefined,
      actorOf(viewer),
    );
    await saveBasket(core, vc, viewer, fx.envelopes.arr5, select(9), saved.revision, actorOf(viewer));
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.participation?.state).toBe('draft');
    expect(mine.lines.map((l) => l.project_id).sort()).toEqual(
      [fx.projects.get(1), fx.projects.get(3), fx.projects.get(5), fx.projects.get(9)].sort(),
    );
    expect(mine.lines.every((l) => l.grade === null)).toBe(true);
  });

  it('a form sent from a stale page is refused, not merged', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    const { revision } = await saveBasket(
      core,
      vc,
      viewer,
      fx.envelopes.city,
      select(1),
      undefined,
      actorOf(viewer),
    );
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(2), revision, actorOf(viewer));
    const error = await refusal(
      saveBasket(core, vc, viewer, fx.envelopes.city, select(3), revision, actorOf(viewer)),
    );
    expect(error.code).toBe('budget.vote.stale_form');
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.lines.map((l) => l.project_id)).toEqual([fx.projects.get(2)]);
  });

  it('knapsack: the total fits the envelope and reaches the minimum share', async () => {
    const { fx, vc } = await campaign({ method: 'knapsack', maxChoices: null, minSpendPercent: 50 });
    const viewer = await voter(vc, fx);
    // 40 000 + 30 000 + 60 000 > 100 000.
    const over = await refusal(
      saveBasket(core, vc, viewer, fx.envelopes.city, select(1, 2, 6), undefined, actorOf(viewer)),
    );
    expect((over as BasketError).problems).toEqual([
      {
        field: 'projects',
        code: 'budget.ballot.over_budget',
        params: { total: 13_000_000, amount: 10_000_000 },
      },
    ]);
    // 10 000 < 50 % of 100 000.
    expect(
      (await problems(saveBasket(core, vc, viewer, fx.envelopes.city, select(5), undefined, actorOf(viewer))))
        .projects,
    ).toBe('budget.ballot.under_minimum_share');
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1, 2, 3), undefined, actorOf(viewer));
    expect((await myVote(core, vc.campaign, viewer)).lines).toHaveLength(3);
  });

  it('majority judgment: one of the four grades per project, unrated left out', async () => {
    const { fx, vc } = await campaign({ method: 'majority_judgment', maxChoices: null });
    const viewer = await voter(vc, fx);
    const grades = (g: Record<string, string>) => ({ kind: 'grades' as const, grades: g });
    expect(
      await problems(
        saveBasket(
          core,
          vc,
          viewer,
          fx.envelopes.city,
          grades({ '1': 'adore', '2': 'génial' }),
          undefined,
          actorOf(viewer),
        ),
      ),
    ).toEqual({ 'grade-2': 'budget.ballot.unknown_grade' });
    expect(
      (
        await problems(
          saveBasket(
            core,
            vc,
            viewer,
            fx.envelopes.city,
            grades({ '9': 'adore' }),
            undefined,
            actorOf(viewer),
          ),
        )
      ).basket,
    ).toBe('budget.ballot.unknown_project');
    expect(
      await problems(
        saveBasket(
          core,
          vc,
          viewer,
          fx.envelopes.city,
          grades({ '1': '', '2': '' }),
          undefined,
          actorOf(viewer),
        ),
      ),
    ).toEqual({
      projects: 'budget.ballot.empty',
    });
    expect(
      (await problems(saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer))))
        .basket,
    ).toBe('budget.vote.tampered');
    await saveBasket(
      core,
      vc,
      viewer,
      fx.envelopes.city,
      grades({ '1': 'adore', '2': 'pas_convaincu', '3': 'aime_bien', '4': '' }),
      undefined,
      actorOf(viewer),
    );
    const lines = (await myVote(core, vc.campaign, viewer)).lines;
    const byProject = Object.fromEntries(lines.map((l) => [l.project_id, l.grade]));
    expect(byProject).toEqual({
      [fx.projects.get(1)!]: 3,
      [fx.projects.get(2)!]: 0,
      [fx.projects.get(3)!]: 2,
    });
  });

  it('an empty basket empties a saved one', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer));
    const result = await saveBasket(
      core,
      vc,
      viewer,
      fx.envelopes.city,
      select(),
      undefined,
      actorOf(viewer),
    );
    expect(result.emptied).toBe(true);
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.lines).toHaveLength(0);
    expect(mine.participation?.state).toBe('declared');
  });
});

describe('confirming', () => {
  it('confirms, mails a summary written at delivery, and goes back to draft on a change', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    expect((await refusal(confirmBallot(core, vc, viewer, undefined, actorOf(viewer)))).code).toBe(
      'budget.vote.nothing_to_confirm',
    );
    const { revision } = await saveBasket(
      core,
      vc,
      viewer,
      fx.envelopes.city,
      select(2, 4),
      undefined,
      actorOf(viewer),
    );
    jobs.sent.length = 0;
    await confirmBallot(core, vc, viewer, revision, actorOf(viewer));
    let mine = await myVote(core, vc.campaign, viewer);
    expect(mine.ballot?.state).toBe('confirmed');
    expect(mine.participation?.state).toBe('confirmed');
    expect(mine.participation?.confirmed_at).toBeInstanceOf(Date);
    // The confirmation asks for a sweep, which carries nothing: the register says who is due.
    const job = jobs.sent.find((j) => j.name === 'budget.vote.send-summaries');
    expect(job?.data).toEqual({});
    expect(await summaryDue(fx.id, viewer.id)).toBe(false);
    const outbox = path.join(dataDir, 'outbox');
    const mail = readdirSync(outbox)
      .map((f) => readFileSync(path.join(outbox, f), 'utf8'))
      .map((m) =>
        m
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      )
      .find((m) => m.includes(viewer.email!));
    expect(mail).toBeDefined();
    expect(mail).toContain('Projet 2');
    expect(mail).toContain('Projet 4');
    expect(mail).not.toContain('Projet 1 ');

    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer));
    mine = await myVote(core, vc.campaign, viewer);
    expect(mine.ballot?.state).toBe('draft');
    expect(mine.participation?.state).toBe('draft');
  });

  it('sends each due summary once; one that fails is due again; a change before the sweep cancels it', async () => {
    const { fx, vc } = await campaign();
    const sent = await voter(vc, fx);
    const failing = await voter(vc, fx);
    const changed = await voter(vc, fx);
    // Confirmed as "save and confirm" does (one statement), while the mailer is down.
    const deliver = core.mailer.deliver;
    core.mailer.deliver = async () => {
      throw new Error('SMTP down');
    };
    try {
      for (const v of [sent, failing, changed]) {
        const { revision } = (await myVote(core, vc.campaign, v)).ballot!;
        await saveBasket(core, vc, v, fx.envelopes.city, select(2), revision, actorOf(v), new Date(), {
          confirm: true,
        });
      }
    } finally {
      core.mailer.deliver = deliver;
    }
    for (const v of [sent, failing, changed]) expect(await summaryDue(fx.id, v.id)).toBe(true);

    // Back to draft before the sweep: no summary of a ballot that no longer counts.
    await saveBasket(core, vc, changed, fx.envelopes.city, select(3), undefined, actorOf(changed));
    expect(await summaryDue(fx.id, changed.id)).toBe(false);

    const tried: string[] = [];
    core.mailer.deliver = async (message) => {
      tried.push(String(message.to));
      if (message.to === failing.email) throw new Error('mailbox full');
      return deliver.call(core.mailer, message);
    };
    try {
      expect(await sendDueSummaries(core)).toEqual({ sent: 1, failed: 1 });
      expect(tried.sort()).toEqual([sent.email, failing.email].sort());
      expect(await summaryDue(fx.id, sent.id)).toBe(false);
      expect(await summaryDue(fx.id, failing.id)).toBe(true);
      tried.length = 0;
      core.mailer.deliver = async (message) => {
        tried.push(String(message.to));
        return deliver.call(core.mailer, message);
      };
      expect(await sendDueSummaries(core)).toEqual({ sent: 1, failed: 0 });
      expect(tried).toEqual([failing.email]);
      expect(await sendDueSummaries(core)).toEqual({ sent: 0, failed: 0 });
    } finally {
      core.mailer.deliver = deliver;
    }
  });

  it('reminds a voter with an unconfirmed basket once, a day after', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer));
    const confirmed = await voter(vc, fx);
    await saveBasket(core, vc, confirmed, fx.envelopes.city, select(1), undefined, actorOf(confirmed));
    await confirmBallot(core, vc, confirmed, undefined, actorOf(confirmed));
    expect((await remindUnconfirmed(core, new Date())).reminded).toBe(0);
    const tomorrow = new Date(Date.now() + 25 * 3600_000);
    const first = await remindUnconfirmed(core, tomorrow);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    const mine = await myVote(core, vc.campaign, viewer);
    expect(mine.participation?.reminded_at).toBeInstanceOf(Date);
    expect((await myVote(core, vc.campaign, confirmed)).participation?.reminded_at).toBeNull();
    expect((await remindUnconfirmed(core, tomorrow)).reminded).toBe(0);
  });
});

describe('booth ballots', () => {
  const paper = (
    fx: CampaignFixture,
    person: { lastName: string; firstName: string; birthDate: string },
  ) => ({
    ...person,
    arrondissementEnvelopeId: fx.envelopes.arr11,
    baskets: { [fx.envelopes.city]: select(1, 2), [fx.envelopes.arr11]: select(12) },
  });

  it('an agent enters one; the same person cannot then vote online, nor twice at a booth', async () => {
    const { fx, vc } = await campaign();
    const agent = await createUser(core.db, { admin: true });
    const person = { lastName: 'Nguyen', firstName: 'Linh', birthDate: '1970-07-07' };
    await castPaperBallot(core, vc, agent, paper(fx, person), actorOf(agent));
    const again = await refusal(
      castPaperBallot(core, vc, agent, paper(fx, { ...person, lastName: 'NGUYEN' }), actorOf(agent)),
    );
    expect(again.code).toBe('budget.paper.already_voted_booth');
    const online = await createUser(core.db);
    const error = await refusal(declareVoter(core, vc, online, declaration(person), actorOf(online)));
    expect(error.code).toBe('budget.vote.already_voted_booth');
    const ballot = await core.db
      .selectFrom('budget_ballot')
      .selectAll()
      .where('campaign_id', '=', fx.id)
      .executeTakeFirstOrThrow();
    expect(ballot).toMatchObject({
      channel: 'booth',
      state: 'confirmed',
      arrondissement_envelope_id: fx.envelopes.arr11,
    });
    // Audited, without the choices.
    const audit = await core.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'budget.paper.ballot_entered')
      .execute();
    expect(audit).toHaveLength(1);
    const text = JSON.stringify(audit[0]);
    for (const id of fx.projects.values()) expect(text).not.toContain(id);
    expect(text).not.toContain('Nguyen');
  });

  it('a person who voted online is refused at the booth', async () => {
    const { fx, vc } = await campaign();
    const person = { lastName: 'Petit', firstName: 'Jules', birthDate: '2001-01-31' };
    await voter(vc, fx, person);
    const agent = await createUser(core.db, { admin: true });
    const error = await refusal(castPaperBallot(core, vc, agent, paper(fx, person), actorOf(agent)));
    expect(error.code).toBe('budget.paper.already_voted_online');
  });

  it('refuses a citizen, a bad identity, a foreign project and an overspent basket', async () => {
    const { fx, vc } = await campaign({ method: 'knapsack', maxChoices: null });
    const citizen = await createUser(core.db);
    expect(
      (
        await refusal(
          castPaperBallot(
            core,
            vc,
            citizen,
            paper(fx, { lastName: 'A', firstName: 'B', birthDate: '1990-01-01' }),
            actorOf(citizen),
          ),
        )
      ).status,
    ).toBe(403);
    const agent = await createUser(core.db, { admin: true });
    const found = await problems(
      castPaperBallot(
        core,
        vc,
        agent,
        {
          lastName: '<b>x</b>',
          firstName: '',
          birthDate: 'hier',
          arrondissementEnvelopeId: fx.envelopes.city,
          baskets: { [fx.envelopes.city]: select(1, 2, 6) },
        },
        actorOf(agent),
      ),
    );
    expect(found).toEqual({
      lastName: 'budget.vote.declaration.name_invalid',
      firstName: 'budget.vote.declaration.first_name_required',
      birthDate: 'budget.vote.declaration.birth_date_invalid',
      arrondissement: 'budget.vote.arrondissement.required',
      'paris.projects': 'budget.ballot.over_budget',
    });
    const foreign = await problems(
      castPaperBallot(
        core,
        vc,
        agent,
        {
          lastName: 'Roux',
          firstName: 'Léa',
          birthDate: '1990-01-01',
          arrondissementEnvelopeId: fx.envelopes.arr5,
          baskets: { [fx.envelopes.arr11]: select(12) },
        },
        actorOf(agent),
      ),
    );
    expect(foreign.basket).toBe('budget.vote.tampered');
    expect(
      await core.db
        .selectFrom('budget_voter')
        .select('person_key')
        .where('campaign_id', '=', fx.id)
        .execute(),
    ).toHaveLength(0);
  });
});

describe('the database keeps ballots whole when the application is bypassed', () => {
  /** A line of a ballot in the city-wide envelope, written straight to the table. */
  const cityLine = (ballotKey: string, fx: CampaignFixture, number: number, grade: number | null) => ({
    ballot_key: ballotKey,
    campaign_id: fx.id,
    envelope_id: fx.envelopes.city,
    project_id: fx.projects.get(number)!,
    grade,
  });

  async function ballotOf(vc: VoteCampaign, viewer: Viewer) {
    const mine = await myVote(core, vc.campaign, viewer);
    return mine.ballot!.ballot_key;
  }

  it('refuses an overspent basket, a foreign project, a grade in approval, too many choices, the other arrondissement', async () => {
    const knap = await campaign({ method: 'knapsack', maxChoices: null });
    const viewer = await voter(knap.vc, knap.fx);
    const key = await ballotOf(knap.vc, viewer);
    const line = (fx: CampaignFixture, envelope: string, number: number, grade: number | null = null) => ({
      ballot_key: key,
      campaign_id: fx.id,
      envelope_id: envelope,
      project_id: fx.projects.get(number)!,
      grade,
    });
    const { fx } = knap;
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([
          line(fx, fx.envelopes.city, 1),
          line(fx, fx.envelopes.city, 2),
          line(fx, fx.envelopes.city, 6),
        ])
        .execute(),
    ).rejects.toThrow(/budget.ballot.over_budget/);
    // Two statements in one transaction: the second sees the first.
    await expect(
      core.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('budget_ballot_line')
          .values([line(fx, fx.envelopes.city, 1), line(fx, fx.envelopes.city, 2)])
          .execute();
        await tx
          .insertInto('budget_ballot_line')
          .values([line(fx, fx.envelopes.city, 6)])
          .execute();
      }),
    ).rejects.toThrow(/budget.ballot.over_budget/);
    // Project 9 is in the 5th arrondissement's envelope, not the city's.
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([line(fx, fx.envelopes.city, 9)])
        .execute(),
    ).rejects.toThrow(/budget.ballot.unknown_project/);
    // A project of another campaign, even named with this campaign's envelope.
    const elsewhere = await campaign({ method: 'knapsack', maxChoices: null });
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([{ ...line(fx, fx.envelopes.city, 1), project_id: elsewhere.fx.projects.get(1)! }])
        .execute(),
    ).rejects.toThrow(/budget.ballot.unknown_project/);
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([line(fx, fx.envelopes.arr11, 12)])
        .execute(),
    ).rejects.toThrow(/budget.vote.not_your_arrondissement/);
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([line(fx, fx.envelopes.city, 1, 2)])
        .execute(),
    ).rejects.toThrow(/budget.vote.grade_not_allowed/);
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([line(fx, fx.envelopes.city, 1, 7)])
        .execute(),
    ).rejects.toThrow(/check/);
    // One ballot per person: the key is the primary key.
    await expect(
      core.db
        .insertInto('budget_ballot')
        .values({ ballot_key: key, campaign_id: fx.id, channel: 'booth' })
        .execute(),
    ).rejects.toThrow(/duplicate key|unique/);
    expect(
      await core.db
        .selectFrom('budget_ballot_line')
        .select('project_id')
        .where('ballot_key', '=', key)
        .execute(),
    ).toHaveLength(0);

    const appr = await campaign({ method: 'approval', maxChoices: 2 });
    const other = await voter(appr.vc, appr.fx);
    const key2 = await ballotOf(appr.vc, other);
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values([1, 2, 3].map((n) => cityLine(key2, appr.fx, n, null)))
        .execute(),
    ).rejects.toThrow(/budget.ballot.too_many_projects/);

    const mj = await campaign({ method: 'majority_judgment', maxChoices: null });
    const third = await voter(mj.vc, mj.fx);
    const key3 = await ballotOf(mj.vc, third);
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values(cityLine(key3, mj.fx, 1, null))
        .execute(),
    ).rejects.toThrow(/budget.ballot.unknown_grade/);
    // The check reads the lines a statement wrote: an update that takes a grade away is one.
    await core.db
      .insertInto('budget_ballot_line')
      .values(cityLine(key3, mj.fx, 1, 3))
      .execute();
    await expect(
      core.db.updateTable('budget_ballot_line').set({ grade: null }).where('ballot_key', '=', key3).execute(),
    ).rejects.toThrow(/budget.ballot.unknown_grade/);
    // An approval basket grown by a second statement is counted whole.
    await core.db
      .insertInto('budget_ballot_line')
      .values([1, 2].map((n) => cityLine(key2, appr.fx, n, null)))
      .execute();
    await expect(
      core.db
        .insertInto('budget_ballot_line')
        .values(cityLine(key2, appr.fx, 3, null))
        .execute(),
    ).rejects.toThrow(/budget.ballot.too_many_projects/);
  });
});

describe('counting from the database', () => {
  it('counts confirmed ballots only; the electorate of an envelope includes ballots that graded nothing there', async () => {
    const { fx, vc } = await campaign({ method: 'majority_judgment', maxChoices: null });
    const grades = (g: Record<string, string>) => ({ kind: 'grades' as const, grades: g });
    const cityVoter = await voter(vc, fx);
    await saveBasket(
      core,
      vc,
      cityVoter,
      fx.envelopes.city,
      grades({ '1': 'adore', '2': 'aime_bien' }),
      undefined,
      actorOf(cityVoter),
    );
    await confirmBallot(core, vc, cityVoter, undefined, actorOf(cityVoter));
    const arrVoter = await voter(vc, fx);
    await saveBasket(
      core,
      vc,
      arrVoter,
      fx.envelopes.arr5,
      grades({ '9': 'adore' }),
      undefined,
      actorOf(arrVoter),
    );
    await confirmBallot(core, vc, arrVoter, undefined, actorOf(arrVoter));
    // A draft never counts.
    const draft = await voter(vc, fx);
    await saveBasket(
      core,
      vc,
      draft,
      fx.envelopes.city,
      grades({ '1': 'pas_convaincu', '3': 'adore' }),
      undefined,
      actorOf(draft),
    );

    const counts = await countCampaign(core, vc);
    const city = counts.get(fx.envelopes.city)!;
    expect(city.ballots).toBe(2);
    const p1 = city.projects.find((p) => p.number === 1)!;
    // Ballot 1 loves it; ballot 2 left the whole envelope ungraded: lowest grade.
    expect(p1.profile).toEqual([1, 0, 0, 1]);
    expect(city.projects.find((p) => p.number === 3)!.profile).toEqual([2, 0, 0, 0]);
    expect(counts.get(fx.envelopes.arr5)!.ballots).toBe(2);
    expect(counts.get(fx.envelopes.arr11)!.ballots).toBe(0);
    expect(counts.get(fx.envelopes.arr11)!.winners).toEqual([]);

    const exported = await envelopeBallots(
      core.db,
      fx.id,
      { id: fx.envelopes.city, kind: 'city' },
      { withEmpty: true },
    );
    expect(exported.map((b) => b.projectIds.length).sort()).toEqual([0, 2]);
    expect(exported.map((b) => b.number).sort()).toEqual([1, 2]);
    expect(await envelopeBallots(core.db, fx.id, { id: fx.envelopes.city, kind: 'city' })).toHaveLength(1);
    expect(
      await envelopeBallots(
        core.db,
        fx.id,
        { id: fx.envelopes.arr11, kind: 'arrondissement' },
        { withEmpty: true },
      ),
    ).toHaveLength(0);
  });
});

describe('personal data', () => {
  it('an account gives who took part and when, never what; deleting it unlinks the ballot, which still counts', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer));
    await confirmBallot(core, vc, viewer, undefined, actorOf(viewer));
    const data = await votePart.personalData!(core, viewer.id);
    expect(data.budgetParticipation).toEqual([
      expect.objectContaining({ campaignId: fx.id, state: 'confirmed', declaration: 'live' }),
    ]);
    expect(JSON.stringify(data)).not.toContain(fx.projects.get(1)!);
    await votePart.anonymiseUser!(core, viewer.id);
    expect((await myVote(core, vc.campaign, viewer)).voter).toBeNull();
    expect(await votePart.personalData!(core, viewer.id)).toEqual({ budgetParticipation: [] });
    const ballots = await core.db
      .selectFrom('budget_ballot')
      .select('state')
      .where('campaign_id', '=', fx.id)
      .execute();
    expect(ballots).toEqual([{ state: 'confirmed' }]);
  });
});

describe('secrecy', () => {
  it('no table puts an account next to a choice, and ballots carry no date or sequence', async () => {
    const { rows: fks } = await sql<{ from_table: string; to_table: string }>`
      select distinct tc.table_name as from_table, ccu.table_name as to_table
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`.execute(core.db);
    const { rows: columns } = await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      column_default: string | null;
    }>`
      select table_name, column_name, data_type, column_default from information_schema.columns
      where table_schema = 'public' and table_name like 'budget_%'`.execute(core.db);
    const columnsOf = (table: string) => columns.filter((c) => c.table_name === table);

    // Every table reachable from a ballot line by foreign keys.
    const reachable = new Set(['budget_ballot_line']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const fk of fks) {
        if (reachable.has(fk.from_table) && !reachable.has(fk.to_table)) {
          reachable.add(fk.to_table);
          grew = true;
        }
      }
    }
    expect(reachable.has('budget_ballot')).toBe(true);
    for (const forbidden of [
      'account_user',
      'budget_voter',
      'budget_participation',
      'account_session',
      'audit_event',
    ])
      expect(reachable.has(forbidden), `ballot lines reach ${forbidden}`).toBe(false);

    // The ballot tables hold pseudonyms and choices only: no account, no time, no sequence.
    for (const table of ['budget_ballot', 'budget_ballot_line']) {
      for (const column of columnsOf(table)) {
        expect(column.column_name, `${table}.${column.column_name}`).not.toMatch(
          /user|account|person|_at$|_by$|name|email/,
        );
        expect(column.data_type, `${table}.${column.column_name}`).not.toMatch(/timestamp|date/);
        expect(column.column_default ?? '', `${table}.${column.column_name}`).not.toMatch(
          /nextval|now\(\)|random/,
        );
      }
    }
    // The register and the voters say who, never what.
    for (const table of ['budget_participation', 'budget_voter']) {
      for (const column of columnsOf(table))
        expect(column.column_name, `${table}.${column.column_name}`).not.toMatch(
          /project|grade|envelope|ballot/,
        );
    }
    // Any other budget table with a user column holds no grade or ballot.
    for (const table of new Set(columns.map((c) => c.table_name))) {
      const names = columnsOf(table).map((c) => c.column_name);
      if (names.some((n) => /user_id|account/.test(n)))
        expect(
          names.filter((n) => /grade|ballot/.test(n)),
          table,
        ).toEqual([]);
    }
  });

  it('the audit log and the job queue never hold a choice', async () => {
    const { fx, vc } = await campaign();
    const viewer = await voter(vc, fx);
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(6), undefined, actorOf(viewer));
    jobs.sent.length = 0;
    await confirmBallot(core, vc, viewer, undefined, actorOf(viewer));
    const audit = JSON.stringify(
      await core.db.selectFrom('audit_event').selectAll().where('object_id', '=', fx.id).execute(),
    );
    expect(audit).toContain('budget.vote.confirmed');
    for (const id of fx.projects.values()) expect(audit).not.toContain(id);
    expect(JSON.stringify(jobs.sent)).not.toContain(fx.projects.get(6)!);
    expect(JSON.stringify(jobs.sent)).not.toContain('Projet 6');
  });
});

describe('projects on ballots', () => {
  it('a project that ballots name can be neither deleted nor moved; others can; a deleted campaign takes all', async () => {
    const { fx, vc } = await campaign({ method: 'approval', maxChoices: 3 });
    const viewer = await voter(vc, fx, { lastName: 'Projetvote' });
    await saveBasket(core, vc, viewer, fx.envelopes.city, select(1), undefined, actorOf(viewer));
    const voted = fx.projects.get(1)!;
    await expect(core.db.deleteFrom('budget_project').where('id', '=', voted).execute()).rejects.toThrow(
      /budget.project.on_ballots/,
    );
    await expect(
      core.db
        .updateTable('budget_project')
        .set({ envelope_id: fx.envelopes.ecoles })
        .where('id', '=', voted)
        .execute(),
    ).rejects.toThrow(/budget.project.on_ballots/);
    // Other changes to it, and a project nobody chose, are free.
    await core.db
      .updateTable('budget_project')
      .set({ title: 'Nouveau titre' })
      .where('id', '=', voted)
      .execute();
    await core.db.deleteFrom('budget_project').where('id', '=', fx.projects.get(2)!).execute();
    expect(
      await core.db.selectFrom('budget_project').select('id').where('id', '=', fx.projects.get(2)!).execute(),
    ).toEqual([]);

    await core.db.deleteFrom('budget_campaign').where('id', '=', fx.id).execute();
    const left = await core.db
      .selectFrom('budget_ballot_line')
      .select('project_id')
      .where('campaign_id', '=', fx.id)
      .execute();
    expect(left).toEqual([]);
  });
});

describe('baskets written together', () => {
  const grades = (g: Record<string, string>) => ({ kind: 'grades' as const, grades: g });

  async function savedGrades(vc: VoteCampaign, viewer: Viewer): Promise<(number | null)[]> {
    const mine = await myVote(core, vc.campaign, viewer);
    return mine.lines.map((l) => l.grade).sort();
  }

  it('writes the baskets that arrive at once in fewer statements, each with its own answer', async () => {
    const { fx, vc } = await campaign({ method: 'majority_judgment', maxChoices: null });
    const viewers: Viewer[] = [];
    for (let n = 0; n < 12; n++)
      viewers.push(await voter(vc, fx, { lastName: `Ensemble ${String.fromCharCode(97 + n)}` }));
    const writer = basketWriter(core.db);
    const before = writer.statements;
    // Declared, then the arrondissement chosen: each ballot is at revision 1.
    const results = await Promise.all(
      viewers.map((viewer, n) =>
        saveBasket(
          core,
          vc,
          viewer,
          fx.envelopes.city,
          grades({ '1': n % 2 === 0 ? 'adore' : 'pas_convaincu', '2': 'pourquoi_pas' }),
          1,
          actorOf(viewer),
          new Date(),
          { confirm: true },
        ),
      ),
    );
    expect(results.map((r) => r.revision)).toEqual(viewers.map(() => 2));
    expect(writer.statements - before).toBeLessThan(viewers.length);
    for (const [n, viewer] of viewers.entries()) {
      expect(await savedGrades(vc, viewer)).toEqual(n % 2 === 0 ? [1, 3] : [0, 1]);
    }
    const register = await core.db
      .selectFrom('budget_participation')
      .select('state')
      .where('campaign_id', '=', fx.id)
      .execute();
    expect(register.map((r) => r.state)).toEqual(viewers.map(() => 'confirmed'));
    const audited = await core.db
      .selectFrom('audit_event')
      .select('actor_id')
      .where('action', '=', 'budget.vote.confirmed')
      .where('object_id', '=', fx.id)
      .execute();
    expect(audited.map((a) => a.actor_id).sort()).toEqual(viewers.map((v) => v.id).sort());
  });

  it('a basket that breaks a database rule fails alone; a stale one is refused alone', async () => {
    const { fx, vc } = await campaign({ method: 'majority_judgment', maxChoices: null });
    const [good, bad, stale] = [
      await voter(vc, fx, { lastName: 'Bonne' }),
      await voter(vc, fx, { lastName: 'Mauvaise' }),
      await voter(vc, fx, { lastName: 'Ancienne' }),
    ];
    const ballotKey = async (viewer: Viewer) => (await myVote(core, vc.campaign, viewer)).ballot!.ballot_key;
    const write = async (viewer: Viewer, grade: number | null, expectedRevision: number) => ({
      ballotKey: await ballotKey(viewer),
      campaignId: fx.id,
      envelopeId: fx.envelopes.city,
      expectedRevision,
      needsArrondissement: true,
      state: 'confirmed' as const,
      lines: [{ projectId: fx.projects.get(1)!, grade }],
      register: { userId: viewer.id, state: 'confirmed' as const },
      audit: { actor: actorOf(viewer), action: 'budget.vote.confirmed', details: {} },
    });
    const writer = basketWriter(core.db);
    const writes = await Promise.all([write(good, 3, 1), write(bad, null, 1), write(stale, 2, 0)]);
    const before = writer.statements;
    // Handed to the writer at once, past the application's checks: a missing grade is refused
    // by the database and fails the shared statement; each basket is then written alone.
    const [a, b, c] = await Promise.allSettled(writes.map((w) => writer.save(w)));
    expect(writer.statements - before).toBe(1 + writes.length);
    expect(a).toEqual({ status: 'fulfilled', value: 2 });
    expect(b?.status).toBe('rejected');
    expect(String((b as PromiseRejectedResult).reason)).toMatch(/budget.ballot.unknown_grade/);
    expect(c).toEqual({ status: 'fulfilled', value: undefined });
    expect(await savedGrades(vc, good)).toEqual([3]);
    expect(await savedGrades(vc, bad)).toEqual([]);
    expect(await savedGrades(vc, stale)).toEqual([]);
  });
});
