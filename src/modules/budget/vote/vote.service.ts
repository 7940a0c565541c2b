/**
 * The vote's use cases: declare (eligibility), choose the arrondissement de cœur, save a
 * basket, confirm the ballot, enter a booth ballot, and read one's own vote back. Permission
 * checks and audit are here, SQL in vote.store.ts, counting rules in the budget domain.
 *
 * Secrecy: the audit log and the register say who took part, never what; a ballot is only
 * reached through keys derived with the ballot key (keys.ts), never stored.
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { Batcher, fulfilled } from '../../../core/db/batcher.js';
import type { Db } from '../../../core/db/database.js';
import { DomainError, ForbiddenError, NotFoundError } from '../../../core/http/errors.js';
import type { CoreServices } from '../../../core/services.js';
import {
  type Campaign,
  type Envelope,
  findCampaignBySlug,
  listEnvelopes,
  listProjects,
  type Project,
  phaseOf,
} from '../proposals/campaigns.store.js';
import { type BasketProblem, type BasketSubmission, checkBasket } from './ballot-rules.js';
import { basketWriter } from './basket-writer.js';
import { type DeclarationInput, eligibilityCheck, MAX_NAME_LENGTH, parseBirthDate } from './eligibility.js';
import { accountKey, ballotKeyOf, deriveBallotKey, type Person, personKey } from './keys.js';
import type { BallotRow, ParticipationRow, StoredLine, VoterRow } from './vote.store.js';
import * as store from './vote.store.js';

/** Sends the confirmation summaries due (register rows marked `summary_due`). */
export const SUMMARIES_JOB = 'budget.vote.send-summaries';
/** A confirmed ballot's summary leaves within about this long. */
const SUMMARY_WITHIN_MS = 1000;

/** A basket or a booth ballot that breaks the rules: problems by form field. */
export class BasketError extends DomainError {
  constructor(readonly problems: BasketProblem[]) {
    super('core.errors.validation', 422);
    this.name = 'BasketError';
  }
}

/** Everything the vote pages show about a campaign. */
export interface VoteCampaign {
  campaign: Campaign;
  envelopes: Envelope[];
  projects: Project[];
}

export function ballotSecret(core: Pick<CoreServices, 'config'>) {
  return deriveBallotKey(core.config.sessionSecret);
}

/** Campaign reads change rarely and every vote request needs them: kept a few seconds per process. */
const CAMPAIGN_TTL_MS = 3_000;
const campaignCache = new Map<string, { at: number; value: Promise<VoteCampaign | null> }>();

export function forgetCachedCampaigns(): void {
  campaignCache.clear();
}

async function readVoteCampaign(db: Db, slug: string): Promise<VoteCampaign | null> {
  const campaign = await findCampaignBySlug(db, slug);
  if (!campaign) return null;
  const [envelopes, projects] = await Promise.all([
    listEnvelopes(db, campaign.id),
    listProjects(db, campaign.id),
  ]);
  return { campaign, envelopes, projects };
}

/**
 * The campaign of a vote page; 404 when there is none, or when it is not published and the
 * viewer is not an admin.
 */
export async function loadVoteCampaign(
  core: CoreServices,
  slug: string,
  viewer: Viewer | null,
  options: { fresh?: boolean } = {},
): Promise<VoteCampaign> {
  if (slug.length > 100) throw new NotFoundError();
  const now = Date.now();
  let cached = campaignCache.get(slug);
  if (options.fresh || !cached || now - cached.at > CAMPAIGN_TTL_MS) {
    cached = { at: now, value: readVoteCampaign(core.db, slug) };
    campaignCache.set(slug, cached);
    cached.value.catch(() => campaignCache.delete(slug));
  }
  const found = await cached.value;
  if (!found || (!found.campaign.published && !viewer?.isAdmin)) throw new NotFoundError();
  return found;
}

export function isVoteOpen(campaign: Campaign, now: Date): boolean {
  return phaseOf(campaign, now) === 'vote';
}

function assertVoteOpen(campaign: Campaign, now: Date): void {
  if (now < campaign.voteStartsAt) throw new DomainError('budget.vote.not_open_yet', 422);
  if (!isVoteOpen(campaign, now)) throw new DomainError('budget.vote.closed', 422);
}

/** The envelopes a voter votes in: city-wide, earmarked, and their arrondissement if chosen. */
export function envelopesFor(vc: VoteCampaign, arrondissementEnvelopeId: string | null): Envelope[] {
  return vc.envelopes.filter(
    (e) =>
      e.kind !== 'arrondissement' || (arrondissementEnvelopeId !== null && e.id === arrondissementEnvelopeId),
  );
}

export function projectsOf(vc: VoteCampaign, envelopeId: string): Project[] {
  return vc.projects.filter((p) => p.envelopeId === envelopeId);
}

export function hasArrondissements(vc: VoteCampaign): boolean {
  return vc.envelopes.some((e) => e.kind === 'arrondissement');
}

/** What the viewer has done so far in this campaign. */
export interface MyVote {
  participation: ParticipationRow | null;
  voter: VoterRow | null;
  ballot: BallotRow | null;
  lines: StoredLine[];
}

export async function myVote(core: CoreServices, campaign: Campaign, viewer: Viewer): Promise<MyVote> {
  const key = ballotSecret(core);
  const [participation, voter] = await Promise.all([
    store.findParticipation(core.db, campaign.id, viewer.id),
    store.findVoterByAccount(core.db, campaign.id, accountKey(key, campaign.id, viewer.id)),
  ]);
  if (!voter) return { participation: participation ?? null, voter: null, ballot: null, lines: [] };
  const ballotKey = ballotKeyOf(key, campaign.id, voter.person_key);
  const [ballot, lines] = await Promise.all([
    store.findBallot(core.db, ballotKey),
    store.ballotLines(core.db, ballotKey),
  ]);
  return { participation: participation ?? null, voter, ballot: ballot ?? null, lines };
}

/** The rules of the database, raised by its triggers, as the domain errors they are. */
const DATABASE_RULES = new Set([
  'budget.results.already_published',
  'budget.vote.arrondissement_already_chosen',
  'budget.vote.not_an_arrondissement',
  'budget.vote.not_your_arrondissement',
  'budget.ballot.unknown_grade',
  'budget.vote.grade_not_allowed',
  'budget.ballot.over_budget',
  'budget.ballot.too_many_projects',
  'budget.ballot.unknown_project',
]);

async function withDatabaseRules<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = (error as { message?: string }).message ?? '';
    if (DATABASE_RULES.has(message)) throw new DomainError(message, 422);
    throw error;
  }
}

function eligibility(campaign: Campaign) {
  return eligibilityCheck(campaign.eligibility);
}

/** Why this account may not vote at all, or null. */
export function accountProblem(campaign: Campaign, viewer: Viewer): string | null {
  return eligibility(campaign).accountProblem(viewer);
}

/**
 * Step 1: the sworn declaration. Creates the voter (person + account pseudonyms), an empty
 * ballot and the viewer's line in the register. A person already entered at a booth, or
 * already declared from another account, is refused with a message saying so.
 */
export async function declareVoter(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer,
  input: DeclarationInput,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  assertVoteOpen(campaign, now);
  const checked = eligibility(campaign).check(viewer, input, now);
  if (!checked.eligible) {
    if (checked.account) throw new DomainError(checked.account, 403);
    throw new BasketError(Object.entries(checked.fields ?? {}).map(([field, code]) => ({ field, code })));
  }
  const key = ballotSecret(core);
  const person = personKey(key, campaign.id, checked.declaration);
  const account = accountKey(key, campaign.id, viewer.id);
  await withDatabaseRules(() =>
    core.db.transaction().execute(async (tx) => {
      const inserted = await store.insertVoter(tx, {
        campaignId: campaign.id,
        personKey: person,
        accountKey: account,
        channel: 'online',
      });
      if (!inserted) {
        const mine = await store.findVoterByAccount(tx, campaign.id, account);
        if (mine && mine.person_key !== person) throw new DomainError('budget.vote.account_already_declared');
        if (!mine) {
          const other = await store.findVoterByPerson(tx, campaign.id, person);
          throw new DomainError(
            other?.channel === 'booth'
              ? 'budget.vote.already_voted_booth'
              : 'budget.vote.person_already_voted',
          );
        }
        // The same declaration sent twice: nothing more to do.
        return;
      }
      await store.insertBallot(tx, {
        ballotKey: ballotKeyOf(key, campaign.id, person),
        campaignId: campaign.id,
        channel: 'online',
      });
      await store.insertParticipation(tx, {
        campaignId: campaign.id,
        userId: viewer.id,
        declaration: checked.declaration.declaration,
      });
      await recordAudit(tx, actor, {
        action: 'budget.vote.declared',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { campaign: campaign.slug, declaration: checked.declaration.declaration },
      });
    }),
  );
}

/**
 * Ballot keys of the voters seen lately, by account pseudonym: a voter row never changes its
 * person once written (deleting the account only unlinks it, and that account cannot sign in
 * again), so a key found once stays right, and each save of a basket skips one query. The
 * process can compute these keys anyway (it holds the secret); only found keys are kept.
 */
const ballotKeys = new Map<string, string>();
const BALLOT_KEYS_KEPT = 20_000;

/** Voter lookups outside a transaction, those of a moment in one statement. */
const voterLookups = new WeakMap<
  Db,
  Batcher<{ campaignId: string; accountKey: string }, VoterRow | undefined>
>();

function findVoter(core: CoreServices, db: Db, campaignId: string, accountKey: string) {
  if (db !== core.db) return store.findVoterByAccount(db, campaignId, accountKey);
  let lookups = voterLookups.get(db);
  if (!lookups) {
    lookups = new Batcher<{ campaignId: string; accountKey: string }, VoterRow | undefined>(
      async (pairs) => {
        const found = new Map(
          (await store.findVotersByAccount(db, pairs)).map((v) => [`${v.campaign_id}|${v.account_key}`, v]),
        );
        return pairs.map((p) => fulfilled(found.get(`${p.campaignId}|${p.accountKey}`)));
      },
      { inFlight: 2, maxBatch: 100 },
    );
    voterLookups.set(db, lookups);
  }
  return lookups.submit({ campaignId, accountKey });
}

async function voterBallotKey(
  core: CoreServices,
  db: Db,
  campaign: Campaign,
  viewer: Viewer,
): Promise<string> {
  const key = ballotSecret(core);
  const account = accountKey(key, campaign.id, viewer.id);
  const known = ballotKeys.get(account);
  if (known) return known;
  const voter = await findVoter(core, db, campaign.id, account);
  if (!voter) throw new DomainError('budget.vote.declaration_first', 422);
  const ballotKey = ballotKeyOf(key, campaign.id, voter.person_key);
  if (ballotKeys.size >= BALLOT_KEYS_KEPT) ballotKeys.delete(ballotKeys.keys().next().value as string);
  ballotKeys.set(account, ballotKey);
  return ballotKey;
}

/** Step 2: the arrondissement de cœur, once per campaign. */
export async function chooseArrondissement(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer,
  envelopeId: string,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  assertVoteOpen(campaign, now);
  const envelope = vc.envelopes.find((e) => e.id === envelopeId && e.kind === 'arrondissement');
  if (!envelope)
    throw new BasketError([{ field: 'arrondissement', code: 'budget.vote.arrondissement.required' }]);
  await withDatabaseRules(() =>
    core.db.transaction().execute(async (tx) => {
      const ballotKey = await voterBallotKey(core, tx, campaign, viewer);
      const updated = await tx
        .updateTable('budget_ballot')
        .set((eb) => ({ arrondissement_envelope_id: envelope.id, revision: eb('revision', '+', 1) }))
        .where('ballot_key', '=', ballotKey)
        .where('arrondissement_envelope_id', 'is', null)
        .returning('ballot_key')
        .executeTakeFirst();
      if (!updated) {
        const ballot = await store.findBallot(tx, ballotKey);
        if (ballot?.arrondissement_envelope_id === envelope.id) return;
        throw new DomainError('budget.vote.arrondissement_already_chosen');
      }
      await recordAudit(tx, actor, {
        action: 'budget.vote.arrondissement_chosen',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { campaign: campaign.slug },
      });
    }),
  );
}

function envelopeRules(campaign: Campaign, envelope: Envelope) {
  return {
    method: campaign.votingMethod,
    amountCents: envelope.amountCents,
    maxChoices: campaign.maxChoices,
    minSpendPercent: campaign.minSpendPercent,
  };
}

function isEmpty(submission: BasketSubmission): boolean {
  return submission.kind === 'selection'
    ? submission.projectNumbers.length === 0
    : Object.values(submission.grades).every((g) => g === '');
}

/**
 * Step 3: the basket of one envelope, saved whole. Under the ballot's row lock: of two
 * submissions at once (two tabs, two app instances), the second waits, then is refused as
 * stale when it carries the revision the first one replaced. The database's own checks
 * (migration 202611260120) refuse an overspent basket or a foreign project even if this
 * code did not. Saving puts a confirmed ballot back to draft: it must be confirmed again —
 * unless `confirm` is set ("save and confirm my vote"), which confirms the whole ballot in the
 * same transaction. An empty basket empties a saved one; with nothing saved it is refused.
 */
export async function saveBasket(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer,
  envelopeId: string,
  submission: BasketSubmission,
  expectedRevision: number | undefined,
  actor: Actor,
  now = new Date(),
  options: { confirm?: boolean } = {},
): Promise<{ revision: number; emptied: boolean; confirmed: boolean }> {
  const { campaign } = vc;
  assertVoteOpen(campaign, now);
  const envelope = vc.envelopes.find((e) => e.id === envelopeId);
  if (!envelope) throw new NotFoundError();
  const problem = accountProblem(campaign, viewer);
  if (problem) throw new DomainError(problem, 403);
  const projects = projectsOf(vc, envelope.id);
  const empty = isEmpty(submission);
  const checked = empty ? null : checkBasket(envelopeRules(campaign, envelope), projects, submission);
  if (checked && !checked.ok) throw new BasketError(checked.problems);
  const lines = checked?.ok ? checked.lines : [];
  const confirm = options.confirm === true;

  if (!empty && expectedRevision !== undefined) {
    // The fast path: one statement writes the ballot, its lines, the register and the audit
    // (with other voters' baskets when several arrive at once).
    const ballotKey = await voterBallotKey(core, core.db, campaign, viewer);
    const saved = await withDatabaseRules(() =>
      basketWriter(core.db).save({
        ballotKey,
        campaignId: campaign.id,
        envelopeId: envelope.id,
        expectedRevision,
        needsArrondissement: hasArrondissements(vc),
        state: confirm ? 'confirmed' : 'draft',
        lines,
        register: { userId: viewer.id, state: confirm ? 'confirmed' : 'draft' },
        audit: {
          actor,
          action: confirm ? 'budget.vote.confirmed' : 'budget.vote.basket_saved',
          details: { campaign: campaign.slug },
        },
      }),
    );
    if (saved === undefined) {
      const ballot = await store.findBallot(core.db, ballotKey);
      if (ballot && hasArrondissements(vc) && ballot.arrondissement_envelope_id === null)
        throw new DomainError('budget.vote.arrondissement.choose_first', 422);
      throw new DomainError('budget.vote.stale_form', 422);
    }
    if (confirm) await askForSummaries(core);
    return { revision: saved, emptied: false, confirmed: confirm };
  }

  const result = await withDatabaseRules(() =>
    core.db.transaction().execute(async (tx) => {
      const ballotKey = await voterBallotKey(core, tx, campaign, viewer);
      const ballot = await store.advanceBallot(tx, ballotKey, {
        state: confirm ? 'confirmed' : 'draft',
        expectedRevision,
      });
      if (!ballot) throw new DomainError('budget.vote.stale_form', 422);
      if (hasArrondissements(vc) && ballot.arrondissement_envelope_id === null)
        throw new DomainError('budget.vote.arrondissement.choose_first', 422);
      if (envelope.kind === 'arrondissement' && envelope.id !== ballot.arrondissement_envelope_id)
        throw new DomainError('budget.vote.not_your_arrondissement');
      let state: 'declared' | 'draft' | 'confirmed' = confirm ? 'confirmed' : 'draft';
      if (empty) {
        const had = await tx
          .deleteFrom('budget_ballot_line')
          .where('ballot_key', '=', ballotKey)
          .where('envelope_id', '=', envelope.id)
          .executeTakeFirst();
        if (Number(had.numDeletedRows) === 0)
          throw new BasketError([{ field: 'projects', code: 'budget.ballot.empty' }]);
        const remaining = await tx
          .selectFrom('budget_ballot_line')
          .select('project_id')
          .where('ballot_key', '=', ballotKey)
          .limit(1)
          .executeTakeFirst();
        if (!remaining) {
          if (confirm) throw new DomainError('budget.vote.nothing_to_confirm', 422);
          state = 'declared';
        }
      } else {
        await store.replaceEnvelopeLines(
          tx,
          { ballotKey, campaignId: campaign.id, envelopeId: envelope.id },
          lines,
        );
      }
      await store.setParticipationState(tx, campaign.id, viewer.id, state);
      await recordAudit(tx, actor, {
        action: confirm
          ? 'budget.vote.confirmed'
          : empty
            ? 'budget.vote.basket_emptied'
            : 'budget.vote.basket_saved',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { campaign: campaign.slug },
      });
      return { revision: ballot.revision, emptied: empty, confirmed: confirm };
    }),
  );
  if (confirm) await askForSummaries(core);
  return result;
}

/**
 * After the commit, which marked the summary due in the register: a sweep sends it within
 * a second (one job for all the ballots confirmed meanwhile, not one per ballot).
 */
async function askForSummaries(core: CoreServices): Promise<void> {
  await core.jobs.sendSoon(SUMMARIES_JOB, SUMMARY_WITHIN_MS);
}

/** Step 4: confirm. The ballot counts from now on; the summary goes by mail. */
export async function confirmBallot(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer,
  expectedRevision: number | undefined,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  assertVoteOpen(campaign, now);
  const problem = accountProblem(campaign, viewer);
  if (problem) throw new DomainError(problem, 403);
  await withDatabaseRules(() =>
    core.db.transaction().execute(async (tx) => {
      const ballotKey = await voterBallotKey(core, tx, campaign, viewer);
      const ballot = await store.advanceBallot(tx, ballotKey, { state: 'confirmed', expectedRevision });
      if (!ballot) throw new DomainError('budget.vote.stale_form', 422);
      const any = await tx
        .selectFrom('budget_ballot_line')
        .select('project_id')
        .where('ballot_key', '=', ballotKey)
        .limit(1)
        .executeTakeFirst();
      if (!any) throw new DomainError('budget.vote.nothing_to_confirm', 422);
      await store.setParticipationState(tx, campaign.id, viewer.id, 'confirmed');
      await recordAudit(tx, actor, {
        action: 'budget.vote.confirmed',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { campaign: campaign.slug },
      });
    }),
  );
  // The summary is written when the mail is sent, never into the job queue.
  await askForSummaries(core);
}

// ——— Booth ballots ———

export interface PaperBallotInput extends Person {
  /** The arrondissement envelope chosen (required when the campaign has arrondissements). */
  arrondissementEnvelopeId: string;
  /** Envelope id → basket. */
  baskets: Record<string, BasketSubmission>;
}

/** Fields of the identity part of the booth form, checked like the online declaration. */
export function checkPerson(input: Person, now: Date): BasketProblem[] {
  const problems: BasketProblem[] = [];
  const name = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
  const last = input.lastName.trim();
  const first = input.firstName.trim();
  if (last === '') problems.push({ field: 'lastName', code: 'budget.vote.declaration.last_name_required' });
  else if (last.length > MAX_NAME_LENGTH || !name.test(last))
    problems.push({ field: 'lastName', code: 'budget.vote.declaration.name_invalid' });
  if (first === '')
    problems.push({ field: 'firstName', code: 'budget.vote.declaration.first_name_required' });
  else if (first.length > MAX_NAME_LENGTH || !name.test(first))
    problems.push({ field: 'firstName', code: 'budget.vote.declaration.name_invalid' });
  if (input.birthDate.trim() === '')
    problems.push({ field: 'birthDate', code: 'budget.vote.declaration.birth_date_required' });
  else if (!parseBirthDate(input.birthDate, now))
    problems.push({ field: 'birthDate', code: 'budget.vote.declaration.birth_date_invalid' });
  return problems;
}

/** Booth ballots are entered from the opening of the vote until the results are published. */
export function paperEntryOpen(campaign: Campaign, now: Date): boolean {
  return now >= campaign.voteStartsAt;
}

/**
 * An agent enters a booth ballot: confirmed at once. Refused for a person who already has a
 * ballot, online or at a booth. Audited without the choices.
 */
export async function castPaperBallot(
  core: CoreServices,
  vc: VoteCampaign,
  agent: Viewer | null,
  input: PaperBallotInput,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  core.permissions.assert(agent, 'budget.ballots.paper');
  if (!paperEntryOpen(campaign, now)) throw new DomainError('budget.vote.not_open_yet', 422);
  const problems = checkPerson(input, now);
  let arrondissement: Envelope | undefined;
  if (hasArrondissements(vc)) {
    arrondissement = vc.envelopes.find(
      (e) => e.id === input.arrondissementEnvelopeId && e.kind === 'arrondissement',
    );
    if (!arrondissement)
      problems.push({ field: 'arrondissement', code: 'budget.vote.arrondissement.required' });
  }
  const envelopes = envelopesFor(vc, arrondissement?.id ?? null);
  const known = new Set(vc.envelopes.map((e) => e.id));
  if (Object.keys(input.baskets).some((id) => !known.has(id) || !envelopes.some((e) => e.id === id)))
    problems.push({ field: 'basket', code: 'budget.vote.tampered' });
  const linesByEnvelope = new Map<string, store.LineInput[]>();
  for (const envelope of envelopes) {
    const submission = input.baskets[envelope.id];
    if (!submission || isEmpty(submission)) continue;
    const checked = checkBasket(envelopeRules(campaign, envelope), projectsOf(vc, envelope.id), submission);
    if (!checked.ok)
      problems.push(...checked.problems.map((p) => ({ ...p, field: `${envelope.code}.${p.field}` })));
    else linesByEnvelope.set(envelope.id, checked.lines);
  }
  if (problems.length === 0 && linesByEnvelope.size === 0)
    problems.push({ field: 'basket', code: 'budget.paper.empty_ballot' });
  if (problems.length > 0) throw new BasketError(problems);

  const key = ballotSecret(core);
  // The same person as online: the same normalised date (17/05/1990 = 1990-05-17).
  const person = personKey(key, campaign.id, { ...input, birthDate: parseBirthDate(input.birthDate, now)! });
  const ballotKey = ballotKeyOf(key, campaign.id, person);
  await withDatabaseRules(() =>
    core.db.transaction().execute(async (tx) => {
      const inserted = await store.insertVoter(tx, {
        campaignId: campaign.id,
        personKey: person,
        accountKey: null,
        channel: 'booth',
      });
      if (!inserted) {
        const other = await store.findVoterByPerson(tx, campaign.id, person);
        throw new DomainError(
          other?.channel === 'online'
            ? 'budget.paper.already_voted_online'
            : 'budget.paper.already_voted_booth',
        );
      }
      await store.insertBallot(tx, {
        ballotKey,
        campaignId: campaign.id,
        channel: 'booth',
        arrondissementEnvelopeId: arrondissement?.id ?? null,
        state: 'confirmed',
      });
      for (const [envelopeId, lines] of linesByEnvelope) {
        await store.replaceEnvelopeLines(tx, { ballotKey, campaignId: campaign.id, envelopeId }, lines);
      }
      await recordAudit(tx, actor, {
        action: 'budget.paper.ballot_entered',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { campaign: campaign.slug },
      });
    }),
  );
}

/** For the pages: refuse early when a viewer may not enter booth ballots. */
export function assertPaperAgent(core: CoreServices, viewer: Viewer | null): asserts viewer is Viewer {
  if (!core.permissions.can(viewer, 'budget.ballots.paper')) throw new ForbiddenError();
}
