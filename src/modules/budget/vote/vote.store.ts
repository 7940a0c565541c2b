/**
 * SQL of the vote: voters, ballots and their lines, the participation register, results.
 * Ballots are addressed by their keyed pseudonym only (keys.ts); nothing here takes a user id
 * next to a ballot.
 */
import { sql } from 'kysely';
import type { Actor } from '../../../core/audit/audit.js';
import { type Db, prepared } from '../../../core/db/database.js';
import type { BallotState, Declaration, ParticipationState, VoteChannel } from './vote.tables.js';
import './vote.tables.js';
import '../budget.tables.js';

export interface VoterRow {
  person_key: string;
  account_key: string | null;
  channel: VoteChannel;
}

export async function findVoterByAccount(
  db: Db,
  campaignId: string,
  accountKey: string,
  options: { lock?: boolean } = {},
): Promise<VoterRow | undefined> {
  let query = db
    .selectFrom('budget_voter')
    .select(['person_key', 'account_key', 'channel'])
    .where('campaign_id', '=', campaignId)
    .where('account_key', '=', accountKey);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Voters of several (campaign, account pseudonym) pairs in one statement: the casts of a moment. */
export async function findVotersByAccount(
  db: Db,
  pairs: readonly { campaignId: string; accountKey: string }[],
): Promise<(VoterRow & { campaign_id: string })[]> {
  const result = await sql<VoterRow & { campaign_id: string }>`${prepared('budget-voters-by-account')}
    select v.campaign_id, v.person_key, v.account_key, v.channel
    from unnest(${pairs.map((p) => p.campaignId)}::uuid[], ${pairs.map((p) => p.accountKey)}::uuid[])
      as wanted(campaign_id, account_key)
    join budget_voter v on v.campaign_id = wanted.campaign_id and v.account_key = wanted.account_key`.execute(
    db,
  );
  return result.rows;
}

export async function findVoterByPerson(
  db: Db,
  campaignId: string,
  personKey: string,
): Promise<VoterRow | undefined> {
  return db
    .selectFrom('budget_voter')
    .select(['person_key', 'account_key', 'channel'])
    .where('campaign_id', '=', campaignId)
    .where('person_key', '=', personKey)
    .executeTakeFirst();
}

/** false when the person or the account already has a voter row (either unique key). */
export async function insertVoter(
  db: Db,
  row: { campaignId: string; personKey: string; accountKey: string | null; channel: VoteChannel },
): Promise<boolean> {
  const inserted = await db
    .insertInto('budget_voter')
    .values({
      campaign_id: row.campaignId,
      person_key: row.personKey,
      account_key: row.accountKey,
      channel: row.channel,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('person_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface BallotRow {
  ballot_key: string;
  channel: VoteChannel;
  arrondissement_envelope_id: string | null;
  state: BallotState;
  revision: number;
}

export async function insertBallot(
  db: Db,
  row: {
    ballotKey: string;
    campaignId: string;
    channel: VoteChannel;
    arrondissementEnvelopeId?: string | null;
    state?: BallotState;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('budget_ballot')
    .values({
      ballot_key: row.ballotKey,
      campaign_id: row.campaignId,
      channel: row.channel,
      arrondissement_envelope_id: row.arrondissementEnvelopeId ?? null,
      state: row.state ?? 'draft',
    })
    .onConflict((oc) => oc.column('ballot_key').doNothing())
    .returning('ballot_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findBallot(db: Db, ballotKey: string): Promise<BallotRow | undefined> {
  return db
    .selectFrom('budget_ballot')
    .select(['ballot_key', 'channel', 'arrondissement_envelope_id', 'state', 'revision'])
    .where('ballot_key', '=', ballotKey)
    .executeTakeFirst();
}

/**
 * Takes the ballot's row lock and moves it to its next revision, only if it is still at
 * `expectedRevision` (when given): of two submissions made from the same page, the second
 * waits for the first, then finds the revision moved and gets nothing back.
 */
export async function advanceBallot(
  db: Db,
  ballotKey: string,
  change: { state: BallotState; expectedRevision?: number; arrondissementEnvelopeId?: string },
): Promise<BallotRow | undefined> {
  let query = db
    .updateTable('budget_ballot')
    .set((eb) => ({
      revision: eb('revision', '+', 1),
      state: change.state,
      ...(change.arrondissementEnvelopeId
        ? { arrondissement_envelope_id: change.arrondissementEnvelopeId }
        : {}),
    }))
    .where('ballot_key', '=', ballotKey);
  if (change.expectedRevision !== undefined) query = query.where('revision', '=', change.expectedRevision);
  return query
    .returning(['ballot_key', 'channel', 'arrondissement_envelope_id', 'state', 'revision'])
    .executeTakeFirst();
}

export interface LineInput {
  projectId: string;
  grade: number | null;
}

/** The basket of one envelope, replaced whole (in the caller's transaction, under the ballot's lock). */
export async function replaceEnvelopeLines(
  db: Db,
  ballot: { ballotKey: string; campaignId: string; envelopeId: string },
  lines: readonly LineInput[],
): Promise<void> {
  await db
    .deleteFrom('budget_ballot_line')
    .where('ballot_key', '=', ballot.ballotKey)
    .where('envelope_id', '=', ballot.envelopeId)
    .execute();
  if (lines.length === 0) return;
  await db
    .insertInto('budget_ballot_line')
    .values(
      lines.map((line) => ({
        ballot_key: ballot.ballotKey,
        campaign_id: ballot.campaignId,
        envelope_id: ballot.envelopeId,
        project_id: line.projectId,
        grade: line.grade,
      })),
    )
    .execute();
}

/** One basket to save by `saveBaskets`: a form that carries its revision. */
export interface BasketWrite {
  ballotKey: string;
  campaignId: string;
  envelopeId: string;
  expectedRevision: number;
  needsArrondissement: boolean;
  state: BallotState;
  lines: readonly LineInput[];
  register: { userId: string; state: ParticipationState };
  audit: { actor: Actor; action: string; details: Record<string, unknown> };
}

/**
 * Baskets saved in one statement (the fast path of forms that carry their revision), each as
 * if alone: its ballot moves to its next revision under its row lock, only if still at
 * `expectedRevision` (and with an arrondissement when one is needed); its envelope's lines
 * become `lines` (projects dropped, the others upserted — no key is deleted and re-inserted in
 * the same statement); its register row and its audit row are written with it. A ballot that
 * did not move gets nothing written and is absent from the answer (ballot key → new revision);
 * the caller finds out why. Safe against a concurrent save because the revision is always
 * checked: a statement that waited on a lock finds the revision moved and writes nothing for
 * that ballot. The ballot keys must be distinct. A database rule broken by one basket fails
 * the whole statement, and nothing of it is written.
 */
export async function saveBaskets(db: Db, writes: readonly BasketWrite[]): Promise<Map<string, number>> {
  const lines = writes.flatMap((w) => w.lines.map((line) => ({ ballotKey: w.ballotKey, ...line })));
  const result = await sql<{ ballot_key: string; revision: number }>`${prepared('budget-save-baskets')}
    with input as (
      select * from unnest(
        ${writes.map((w) => w.ballotKey)}::uuid[], ${writes.map((w) => w.expectedRevision)}::int[],
        ${writes.map((w) => w.state)}::text[], ${writes.map((w) => w.needsArrondissement)}::boolean[],
        ${writes.map((w) => w.campaignId)}::uuid[], ${writes.map((w) => w.envelopeId)}::uuid[],
        ${writes.map((w) => w.register.userId)}::uuid[], ${writes.map((w) => w.register.state)}::text[],
        ${writes.map((w) => w.audit.actor.userId)}::uuid[], ${writes.map((w) => w.audit.actor.label)}::text[],
        ${writes.map((w) => w.audit.action)}::text[], ${writes.map((w) => w.audit.actor.ip ?? '')}::text[],
        ${writes.map((w) => w.audit.actor.requestId ?? '')}::text[],
        ${writes.map((w) => JSON.stringify(w.audit.details))}::text[]
      ) as i(ballot_key, expected_revision, state, needs_arrondissement, campaign_id, envelope_id,
             user_id, register_state, actor_id, actor_label, action, ip, request_id, details)
    ),
    lines as (
      select * from unnest(${lines.map((l) => l.ballotKey)}::uuid[], ${lines.map((l) => l.projectId)}::uuid[],
        ${lines.map((l) => l.grade)}::smallint[]) as x(ballot_key, project_id, grade)
    ),
    b as (
      update budget_ballot t set revision = t.revision + 1, state = i.state
      from input i
      where t.ballot_key = i.ballot_key and t.revision = i.expected_revision
        and (not i.needs_arrondissement or t.arrondissement_envelope_id is not null)
      returning t.ballot_key, t.revision
    ),
    saved as (select i.*, b.revision from b join input i on i.ballot_key = b.ballot_key),
    dropped as (
      -- The keys themselves, not only saved's: the plan is then a read of the primary key.
      delete from budget_ballot_line l using saved s
      where l.ballot_key = any(${writes.map((w) => w.ballotKey)}::uuid[])
        and l.ballot_key = s.ballot_key and l.envelope_id = s.envelope_id
        and not exists (select 1 from lines x where x.ballot_key = l.ballot_key and x.project_id = l.project_id)
    ),
    written as (
      insert into budget_ballot_line (ballot_key, campaign_id, envelope_id, project_id, grade)
      select s.ballot_key, s.campaign_id, s.envelope_id, x.project_id, x.grade
      from saved s join lines x on x.ballot_key = s.ballot_key
      on conflict (ballot_key, project_id) do update set grade = excluded.grade
        where budget_ballot_line.grade is distinct from excluded.grade
    ),
    register as (
      update budget_participation p set state = s.register_state, updated_at = now(),
        confirmed_at = case when s.register_state = 'confirmed' then now() else p.confirmed_at end,
        summary_due = s.register_state = 'confirmed'
      from saved s
      where p.campaign_id = s.campaign_id and p.user_id = s.user_id
    ),
    audit as (
      -- The rows recordAudit writes, in the baskets' statement.
      insert into audit_event (actor_id, actor_label, action, object_type, object_id, ip, request_id, details)
      select s.actor_id, s.actor_label, s.action, 'budget_campaign', s.campaign_id::text, s.ip, s.request_id,
        s.details::jsonb
      from saved s
    )
    select ballot_key, revision from b`.execute(db);
  return new Map(result.rows.map((row) => [row.ballot_key, Number(row.revision)]));
}

export interface StoredLine {
  envelope_id: string;
  project_id: string;
  grade: number | null;
}

export async function ballotLines(db: Db, ballotKey: string): Promise<StoredLine[]> {
  return db
    .selectFrom('budget_ballot_line')
    .select(['envelope_id', 'project_id', 'grade'])
    .where('ballot_key', '=', ballotKey)
    .execute();
}

// ——— The register of who took part ———

export interface ParticipationRow {
  campaign_id: string;
  user_id: string;
  declaration: Declaration;
  state: ParticipationState;
  confirmed_at: Date | null;
  reminded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertParticipation(
  db: Db,
  row: { campaignId: string; userId: string; declaration: Declaration },
): Promise<void> {
  await db
    .insertInto('budget_participation')
    .values({ campaign_id: row.campaignId, user_id: row.userId, declaration: row.declaration })
    .onConflict((oc) => oc.columns(['campaign_id', 'user_id']).doNothing())
    .execute();
}

export async function findParticipation(
  db: Db,
  campaignId: string,
  userId: string,
): Promise<ParticipationRow | undefined> {
  return db
    .selectFrom('budget_participation')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function setParticipationState(
  db: Db,
  campaignId: string,
  userId: string,
  state: ParticipationState,
): Promise<void> {
  await db
    .updateTable('budget_participation')
    .set({
      state,
      updated_at: sql`now()`,
      // A confirmation asks for its summary; a change back to draft cancels one not sent yet.
      summary_due: state === 'confirmed',
      ...(state === 'confirmed' ? { confirmed_at: sql`now()` } : {}),
    })
    .where('campaign_id', '=', campaignId)
    .where('user_id', '=', userId)
    .execute();
}

export async function participationsOf(db: Db, userId: string): Promise<ParticipationRow[]> {
  return db
    .selectFrom('budget_participation')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

/** Deleted account: its line in the register goes, and its account pseudonym with it. */
export async function forgetAccount(db: Db, userId: string, accountKeys: string[]): Promise<void> {
  await db.deleteFrom('budget_participation').where('user_id', '=', userId).execute();
  if (accountKeys.length > 0) {
    // The voter row stays (one ballot per person), without its link to the account.
    await db
      .updateTable('budget_voter')
      .set({ account_key: null })
      .where('account_key', 'in', accountKeys)
      .execute();
  }
}

/** Unconfirmed baskets saved before `before`, never reminded, in campaigns whose vote is open. */
/**
 * Takes up to `limit` confirmed ballots whose summary is due, oldest first, and marks them
 * sent (rows another worker holds are skipped). Who, never what: the caller composes each
 * summary from the ballot.
 */
export async function takeDueSummaries(
  db: Db,
  limit: number,
): Promise<{ campaign_id: string; user_id: string }[]> {
  const result = await sql<{ campaign_id: string; user_id: string }>`
    with due as (
      select campaign_id, user_id from budget_participation
      where summary_due order by confirmed_at limit ${limit}
      for update skip locked
    )
    update budget_participation p set summary_due = false
    from due where p.campaign_id = due.campaign_id and p.user_id = due.user_id
    returning p.campaign_id, p.user_id`.execute(db);
  return result.rows;
}

/** A summary that could not be sent is due again (unless the ballot changed since). */
export async function summaryDueAgain(db: Db, campaignId: string, userId: string): Promise<void> {
  await db
    .updateTable('budget_participation')
    .set({ summary_due: true })
    .where('campaign_id', '=', campaignId)
    .where('user_id', '=', userId)
    .where('state', '=', 'confirmed')
    .execute();
}

export async function participationsToRemind(
  db: Db,
  now: Date,
  before: Date,
  limit: number,
): Promise<
  {
    campaign_id: string;
    user_id: string;
    email: string | null;
    locale: string;
    slug: string;
    title: string;
    vote_ends_at: Date;
  }[]
> {
  return db
    .selectFrom('budget_participation as p')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .innerJoin('account_user as u', 'u.id', 'p.user_id')
    .select(['p.campaign_id', 'p.user_id', 'u.email', 'u.locale', 'c.slug', 'c.title', 'c.vote_ends_at'])
    .where('p.state', '=', 'draft')
    .where('p.reminded_at', 'is', null)
    .where('p.updated_at', '<', before)
    .where('c.vote_starts_at', '<=', now)
    .where('c.vote_ends_at', '>', now)
    .where('u.deleted_at', 'is', null)
    .orderBy('p.updated_at')
    .limit(limit)
    .execute();
}

/** Marks one reminder as sent; false when another worker did it first. */
export async function markReminded(db: Db, campaignId: string, userId: string): Promise<boolean> {
  const row = await db
    .updateTable('budget_participation')
    .set({ reminded_at: sql`now()` })
    .where('campaign_id', '=', campaignId)
    .where('user_id', '=', userId)
    .where('reminded_at', 'is', null)
    .where('state', '=', 'draft')
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

// ——— Counts ———

/**
 * Confirmed ballots by arrondissement de cœur (null: none chosen). Every confirmed ballot
 * counts in the city-wide and earmarked envelopes, and in its own arrondissement's: that is
 * the electorate of each envelope (a project left ungraded on a ballot has the lowest grade).
 */
export async function confirmedByArrondissement(
  db: Db,
  campaignId: string,
): Promise<Map<string | null, number>> {
  const rows = await db
    .selectFrom('budget_ballot')
    .select(['arrondissement_envelope_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('state', '=', 'confirmed')
    .groupBy('arrondissement_envelope_id')
    .execute();
  return new Map(rows.map((r) => [r.arrondissement_envelope_id, Number(r.n)]));
}

/** Confirmed ballots of each envelope, from the counts by arrondissement. */
export function ballotsPerEnvelope(
  envelopes: readonly { id: string; kind: string }[],
  byArrondissement: Map<string | null, number>,
): Map<string, number> {
  let total = 0;
  for (const n of byArrondissement.values()) total += n;
  return new Map(
    envelopes.map((e) => [e.id, e.kind === 'arrondissement' ? (byArrondissement.get(e.id) ?? 0) : total]),
  );
}

export interface ParticipationCounts {
  confirmed: number;
  online: number;
  booth: number;
  /** Confirmed ballots by arrondissement de cœur. */
  byArrondissement: Map<string | null, number>;
}

export async function participationCounts(db: Db, campaignId: string): Promise<ParticipationCounts> {
  const [channels, byArrondissement] = await Promise.all([
    db
      .selectFrom('budget_ballot')
      .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_id', '=', campaignId)
      .where('state', '=', 'confirmed')
      .groupBy('channel')
      .execute(),
    confirmedByArrondissement(db, campaignId),
  ]);
  const online = Number(channels.find((c) => c.channel === 'online')?.n ?? 0);
  const booth = Number(channels.find((c) => c.channel === 'booth')?.n ?? 0);
  return { confirmed: online + booth, online, booth, byArrondissement };
}

export async function confirmedBallotCount(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('budget_ballot')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('state', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ——— Tallies ———

export interface JudgmentCount {
  envelope_id: string;
  project_id: string;
  grade: number | null;
  n: number;
}

/**
 * Confirmed lines grouped by envelope, project and grade: every line of the campaign counted in
 * one scan, less the lines of unconfirmed ballots (few, and reached through their key) — no
 * join over millions of lines.
 */
export async function tallyLines(db: Db, campaignId: string): Promise<JudgmentCount[]> {
  const [all, drafts] = await Promise.all([
    sql<JudgmentCount>`
      select envelope_id, project_id, grade, count(*)::int as n from budget_ballot_line
      where campaign_id = ${campaignId} group by envelope_id, project_id, grade`.execute(db),
    sql<JudgmentCount>`
      select l.envelope_id, l.project_id, l.grade, count(*)::int as n
      from budget_ballot b join budget_ballot_line l on l.ballot_key = b.ballot_key
      where b.campaign_id = ${campaignId} and b.state = 'draft'
      group by l.envelope_id, l.project_id, l.grade`.execute(db),
  ]);
  const key = (r: JudgmentCount) => `${r.envelope_id}|${r.project_id}|${r.grade}`;
  const counts = new Map(
    all.rows.map((r) => [key(r), { ...r, n: Number(r.n), grade: r.grade === null ? null : Number(r.grade) }]),
  );
  for (const r of drafts.rows) {
    const found = counts.get(key(r));
    if (found) found.n -= Number(r.n);
  }
  return [...counts.values()].filter((r) => r.n > 0);
}

export interface ExportedBallot {
  /** 1…n within the envelope, in an order that reveals nothing (see BALLOTS.md). */
  number: number;
  channel: VoteChannel;
  projectIds: string[];
  grades: (number | null)[];
}

/**
 * The confirmed ballots of one envelope, numbered 1…n in the order of md5(envelope, ballot
 * key): stable from one export to the next, unrelated from one envelope to another, and
 * unrelated to when anyone voted. `withEmpty`: every ballot of the envelope's electorate, also
 * those with nothing in it (majority judgment: all lowest grades); otherwise only ballots that
 * chose something there.
 */
export async function envelopeBallots(
  db: Db,
  campaignId: string,
  envelope: { id: string; kind: string },
  options: { withEmpty?: boolean } = {},
): Promise<ExportedBallot[]> {
  const arrondissement = envelope.kind === 'arrondissement';
  const result = options.withEmpty
    ? await sql<{
        n: number;
        channel: VoteChannel;
        project_ids: (string | null)[];
        grades: (number | null)[];
      }>`
        select row_number() over (order by md5(${envelope.id}::text || b.ballot_key::text))::int as n,
          b.channel, array_agg(l.project_id order by l.project_id) as project_ids,
          array_agg(l.grade order by l.project_id) as grades
        from budget_ballot b
        left join budget_ballot_line l on l.ballot_key = b.ballot_key and l.envelope_id = ${envelope.id}
        where b.campaign_id = ${campaignId} and b.state = 'confirmed'
          and (${!arrondissement} or b.arrondissement_envelope_id = ${envelope.id})
        group by b.ballot_key, b.channel
        order by n`.execute(db)
    : await sql<{ n: number; channel: VoteChannel; project_ids: string[]; grades: (number | null)[] }>`
        select row_number() over (order by md5(${envelope.id}::text || b.ballot_key::text))::int as n,
          b.channel, array_agg(l.project_id order by l.project_id) as project_ids,
          array_agg(l.grade order by l.project_id) as grades
        from budget_ballot_line l
        join budget_ballot b on b.ballot_key = l.ballot_key
        where l.envelope_id = ${envelope.id} and l.campaign_id = ${campaignId} and b.state = 'confirmed'
        group by b.ballot_key, b.channel
        order by n`.execute(db);
  return result.rows.map((r) => {
    const present = r.project_ids
      .map((id, i) => ({ id, grade: r.grades[i] ?? null }))
      .filter((x) => x.id !== null);
    return {
      number: Number(r.n),
      channel: r.channel,
      projectIds: present.map((x) => x.id as string),
      grades: present.map((x) => (x.grade === null ? null : Number(x.grade))),
    };
  });
}

// ——— Results ———

export interface ResultRow {
  campaign_id: string;
  envelope_id: string;
  campaign_ballots: number;
  ballots: number;
  method: string;
  rule: string;
  data: unknown;
  computed_at: Date;
  computed_by: string | null;
  published_at: Date | null;
  published_by: string | null;
}

export async function upsertResult(
  db: Db,
  row: {
    campaignId: string;
    envelopeId: string;
    campaignBallots: number;
    ballots: number;
    method: string;
    rule: string;
    data: unknown;
    computedBy: string | null;
  },
): Promise<void> {
  const values = {
    campaign_id: row.campaignId,
    envelope_id: row.envelopeId,
    campaign_ballots: row.campaignBallots,
    ballots: row.ballots,
    method: row.method,
    rule: row.rule,
    data: JSON.stringify(row.data),
    computed_by: row.computedBy,
  };
  await db
    .insertInto('budget_result')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'envelope_id']).doUpdateSet({
        campaign_ballots: values.campaign_ballots,
        ballots: values.ballots,
        method: values.method,
        rule: values.rule,
        data: values.data,
        computed_by: values.computed_by,
        computed_at: sql`now()`,
      }),
    )
    .execute();
}

export async function deleteResultsExcept(db: Db, campaignId: string, envelopeIds: string[]): Promise<void> {
  let query = db.deleteFrom('budget_result').where('campaign_id', '=', campaignId);
  if (envelopeIds.length > 0) query = query.where('envelope_id', 'not in', envelopeIds);
  await query.execute();
}

export async function listResults(db: Db, campaignId: string): Promise<ResultRow[]> {
  const rows = await db
    .selectFrom('budget_result')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .execute();
  return rows.map((r) => ({
    ...r,
    campaign_ballots: Number(r.campaign_ballots),
    ballots: Number(r.ballots),
  }));
}

export async function publishResults(db: Db, campaignId: string, userId: string | null): Promise<number> {
  const result = await db
    .updateTable('budget_result')
    .set({ published_at: sql`now()`, published_by: userId })
    .where('campaign_id', '=', campaignId)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Winners selected, every other project of the campaign not. */
export async function markSelectedProjects(db: Db, campaignId: string, winnerIds: string[]): Promise<void> {
  await db
    .updateTable('budget_project')
    .set({ selected: false, updated_at: sql`now()` })
    .where('campaign_id', '=', campaignId)
    .execute();
  if (winnerIds.length > 0) {
    await db
      .updateTable('budget_project')
      .set({ selected: true, updated_at: sql`now()` })
      .where('campaign_id', '=', campaignId)
      .where('id', 'in', winnerIds)
      .execute();
  }
}
