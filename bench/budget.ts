/**
 * Participatory budget vote benchmark (`npm run bench -- budget`), on PostgreSQL only
 * (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/postgres; the bench creates and
 * drops its own database vo_bench_budget).
 *
 * Set-up (not measured): a majority-judgment campaign whose city-wide envelope has 20 projects
 * and an approval campaign (20 projects, at most 5 per ballot); N voters (--voters, default
 * 200,000) and M approval voters (--approval-voters, default 50,000) with an account, a session,
 * their sworn declaration done (voter, empty ballot and register rows under the real keyed
 * pseudonyms, inserted in batches).
 *
 * Measured:
 *  (a) a raw baseline in the same run: one ballot = one multi-row INSERT of its 20 lines into a
 *      plain table, through `pg`, at the same concurrency;
 *  (b) casting: each voter's ballot goes through the real HTTP path — POST
 *      /budget/:slug/vote/enveloppe/paris with the session cookie and the CSRF token, the 20
 *      grades (or the approval choices) and "save and confirm" — to `node src/main.ts` started as a
 *      child process on 127.0.0.1 (JOBS_IN=none: the mail jobs queue up for a worker), at 64
 *      concurrent clients with keep-alive connections (node:http, lighter than fetch); the first
 *      --warmup-seconds (default 5) of casts after the server started are reported apart;
 *  (c) the count afterwards: confirmed ballots, lines, and the tally per project and grade in the
 *      database against what the clients sent and were told was saved (303): no ballot lost,
 *      none doubled;
 *  (d) the full tally of the majority-judgment campaign (grouped queries + ranking + selection),
 *      in the bench process, after the vote is closed;
 *  (e) GET of the published results page of the envelope, 16 clients.
 * Every loop is bounded in count and in time (--seconds per phase).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/core/config/config.js';
import { type Database, openDatabase } from '../src/core/db/database.js';
import { migrateToLatest } from '../src/core/db/migrate.js';
import { Permissions } from '../src/core/permissions/permissions.js';
import type { CoreServices } from '../src/core/services.js';
import { GRADES } from '../src/modules/budget/vote/ballot-rules.js';
import { accountKey, ballotKeyOf, deriveBallotKey, personKey } from '../src/modules/budget/vote/keys.js';
import {
  countCampaign,
  publishStoredResults,
  storeResults,
} from '../src/modules/budget/vote/results.service.js';
import {
  forgetCachedCampaigns,
  loadVoteCampaign,
  saveBasket,
} from '../src/modules/budget/vote/vote.service.js';
import '../src/modules/budget/budget.tables.js';
import '../src/modules/budget/vote/vote.tables.js';
import {
  cpuPerOperation,
  cpuSample,
  httpRequest,
  type LoadResult,
  load,
  log,
  memoryOf,
  root,
  round,
  startServer,
  stopServer,
  withDatabase,
} from './harness.js';

const BENCH_DB = 'vo_bench_budget';
const ACTOR = { userId: null, label: 'bench' };
const PROJECTS = 20;
const APPROVAL_MAX = 5;
const SECRET = `bench-${randomBytes(24).toString('hex')}`;

/** Park–Miller, so that a run can be replayed. */
function generator(seed: number) {
  let x = seed;
  return () => {
    x = (x * 48_271) % 2_147_483_647;
    return x / 2_147_483_647;
  };
}

function minimalCore(database: Database, dataDir: string): CoreServices {
  return {
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false', SESSION_SECRET: SECRET }),
    database,
    db: database.db,
    permissions: new Permissions(),
    modules: [],
    jobs: {
      send: async () => {},
      sendSoon: async () => {},
      register: () => {},
      start: async () => {},
      stop: async () => {},
    },
  } as unknown as CoreServices;
}

// ---- set-up ---------------------------------------------------------------------------------

interface BenchCampaign {
  id: string;
  slug: string;
  envelopeId: string;
  /** Project id by ballot number 1…20. */
  projects: string[];
}

async function createCampaign(
  database: Database,
  slug: string,
  method: 'majority_judgment' | 'approval',
): Promise<BenchCampaign> {
  const day = 86_400_000;
  const at = (days: number) => new Date(Date.now() + days * day);
  const campaign = await database.db
    .insertInto('budget_campaign')
    .values({
      slug,
      title: `Benchmark ${slug}`,
      submission_starts_at: at(-100),
      submission_ends_at: at(-90),
      study_starts_at: at(-80),
      study_ends_at: at(-10),
      vote_starts_at: at(-1),
      vote_ends_at: at(10),
      results_at: at(11),
      implementation_starts_at: at(40),
      voting_method: method,
      max_choices: method === 'approval' ? APPROVAL_MAX : null,
      published: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const envelope = await database.db
    .insertInto('budget_envelope')
    .values({
      campaign_id: campaign.id,
      kind: 'city',
      code: 'paris',
      label: 'Tout Paris',
      amount_cents: 30_000_000_00,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const projects: string[] = [];
  for (let n = 1; n <= PROJECTS; n++) {
    const row = await database.db
      .insertInto('budget_project')
      .values({
        campaign_id: campaign.id,
        envelope_id: envelope.id,
        number: n,
        title: `Projet ${n}`,
        summary: `Projet de test ${n}.`,
        theme: 'cadre_de_vie',
        cost_cents: (500_000 + ((n * 7919) % 20) * 150_000) * 100,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    projects.push(row.id);
  }
  return { id: campaign.id, slug, envelopeId: envelope.id, projects };
}

/**
 * Accounts, sessions (token `bench-<i>`, stored hashed like a real one) and, for each campaign,
 * the voter, empty ballot and register rows a sworn declaration would have made.
 */
async function seedVoters(
  database: Database,
  campaigns: { campaign: BenchCampaign; from: number; count: number }[],
) {
  const total = Math.max(...campaigns.map((c) => c.from + c.count));
  const started = performance.now();
  await sql`
    insert into account_user (email, email_verified_at, display_name)
    select 'bench-' || i || '@example.test', now(), 'Votant ' || i from generate_series(0, ${total - 1}::int) i`.execute(
    database.db,
  );
  await sql`
    insert into account_session (id_hash, user_id, expires_at)
    select encode(sha256(convert_to('bench-' || substr(u.email, 7, strpos(u.email, '@') - 7), 'UTF8')), 'hex'), u.id,
      now() + interval '30 days'
    from account_user u where u.email like 'bench-%@example.test'`.execute(database.db);
  const users = await sql<{ id: string; i: number }>`
    select id, substr(email, 7, strpos(email, '@') - 7)::int as i from account_user where email like 'bench-%@example.test'`.execute(
    database.db,
  );
  const ids: string[] = new Array(total);
  for (const u of users.rows) ids[Number(u.i)] = u.id;
  const key = deriveBallotKey(SECRET);
  for (const { campaign, from, count } of campaigns) {
    for (let start = from; start < from + count; start += 2_000) {
      const end = Math.min(from + count, start + 2_000);
      const voters = [];
      const ballots = [];
      const register = [];
      for (let i = start; i < end; i++) {
        const person = personKey(key, campaign.id, {
          lastName: `Votant${i}`,
          firstName: 'Bench',
          birthDate: '1980-01-01',
        });
        voters.push({
          campaign_id: campaign.id,
          person_key: person,
          account_key: accountKey(key, campaign.id, ids[i]!),
          channel: 'online' as const,
        });
        ballots.push({
          ballot_key: ballotKeyOf(key, campaign.id, person),
          campaign_id: campaign.id,
          channel: 'online' as const,
        });
        register.push({ campaign_id: campaign.id, user_id: ids[i]!, declaration: 'live' as const });
      }
      await database.db.insertInto('budget_voter').values(voters).execute();
      await database.db.insertInto('budget_ballot').values(ballots).execute();
      await database.db.insertInto('budget_participation').values(register).execute();
    }
    log(`set-up: ${count.toLocaleString('en')} declared voters for ${campaign.slug}`);
  }
  await sql`analyze`.execute(database.db);
  return round((performance.now() - started) / 1000, 1);
}

// ---- server ---------------------------------------------------------------------------------

/** A CSRF secret cookie and a token made from it: reusable by every client, as a browser keeps them. */
async function csrf(base: string, slug: string): Promise<{ cookie: string; token: string }> {
  const response = await fetch(`${base}/budget/${slug}/vote/enveloppe/paris`, {
    headers: { cookie: 'vo_session=bench-0' },
    redirect: 'manual',
  });
  const body = await response.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('vo_csrf='));
  if (!token || !cookie) throw new Error(`no CSRF token (status ${response.status})`);
  return { cookie, token };
}

// ---- the run --------------------------------------------------------------------------------

interface Options {
  voters: number;
  approvalVoters: number;
  concurrency: number;
  seconds: number;
  /** Seconds of casts before the measured phase, reported apart (0: none). */
  warmupSeconds: number;
  raw: number;
  pageReads: number;
  port: number;
}

export async function runBudgetBench(raw: Record<string, string>): Promise<void> {
  const options: Options = {
    voters: Number(raw.voters ?? 200_000),
    approvalVoters: Number(raw['approval-voters'] ?? 50_000),
    concurrency: Number(raw.concurrency ?? 64),
    seconds: Number(raw.seconds ?? 1_800),
    warmupSeconds: Number(raw['warmup-seconds'] ?? 5),
    raw: Number(raw.raw ?? 50_000),
    pageReads: Number(raw['page-reads'] ?? 3_000),
    port: Number(raw.port ?? 3227),
  };
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  }
  const baseUrl = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.query(`create database ${BENCH_DB}`);
  await admin.end();
  const url = withDatabase(baseUrl, BENCH_DB);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vo-bench-budget-'));
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  const core = minimalCore(database, dataDir);
  let server: ChildProcess | null = null;
  const measures: Record<string, LoadResult & { what: string }> = {};
  const notes: string[] = [];
  try {
    await migrateToLatest(database.db);
    const version = (await sql<{ v: string }>`select version() as v`.execute(database.db)).rows[0]!.v;
    const mj = await createCampaign(database, 'bench-mj', 'majority_judgment');
    const approval = await createCampaign(database, 'bench-approval', 'approval');
    log(
      `set-up: ${options.voters.toLocaleString('en')} + ${options.approvalVoters.toLocaleString('en')} voters`,
    );
    const seedSeconds = await seedVoters(database, [
      { campaign: mj, from: 0, count: options.voters },
      { campaign: approval, from: options.voters, count: options.approvalVoters },
    ]);

    // (a) raw baseline: 20 lines per ballot in one INSERT, same concurrency, plain table.
    await sql`create table bench_raw_line (ballot int not null, project int not null, grade smallint, primary key (ballot, project))`.execute(
      database.db,
    );
    // A production PostgreSQL keeps its statistics fresh with autovacuum. Where it is off (as on
    // the machine these results were first taken on), the ballot lines keep the statistics of
    // the empty table and the planner reads them whole: the run then analyses the vote's
    // tables every 15 s during the load, as autovacuum would.
    const autovacuum = (await sql<{ autovacuum: string }>`show autovacuum`.execute(database.db)).rows[0]
      ?.autovacuum;
    const analyser =
      autovacuum === 'off'
        ? setInterval(() => {
            sql`analyze budget_ballot_line, budget_ballot, budget_participation`
              .execute(database.db)
              .catch(() => {});
          }, 15_000)
        : null;
    if (analyser)
      notes.push(
        'autovacuum is off on this PostgreSQL: the run analysed the vote tables every 15 s during the load, as autovacuum would.',
      );
    const rawPool = new pg.Pool({ connectionString: url, max: Math.min(options.concurrency, 64) });
    log('(a) raw INSERT baseline');
    const rawCpuBefore = cpuSample();
    measures.raw = {
      what: `raw: one INSERT of a ballot's ${PROJECTS} lines into a plain table through pg, ${options.concurrency} concurrent`,
      ...(await load({
        concurrency: options.concurrency,
        count: options.raw,
        seconds: options.seconds,
        run: async (i) => {
          await rawPool.query(
            'insert into bench_raw_line (ballot, project, grade) select $1, p, (p * $1) % 4 from generate_series(1, 20) p',
            [i],
          );
          return 'ok';
        },
      })),
    };
    const rawCpu = cpuPerOperation(rawCpuBefore, cpuSample(), measures.raw.requests);
    await rawPool.end();
    await sql`drop table bench_raw_line`.execute(database.db);

    server = await startServer(
      { DATABASE_URL: url, DATA_DIR: dataDir, SESSION_SECRET: SECRET },
      options.port,
    );
    const base = `http://127.0.0.1:${options.port}`;
    const token = await csrf(base, mj.slug);

    // (b) casting through HTTP, with what each client sent and was told was saved.
    const expected = new Map<string, number>(); // `${project}:${grade}` → judgments
    let mjSaved = 0;
    const random = generator(42);
    /** Popular projects get better grades: a realistic spread of profiles. */
    const mjBallot = () =>
      Array.from({ length: PROJECTS }, (_, n) => Math.min(3, Math.floor(random() * 3 + ((n + 1) % 5) / 4)));
    const keepMj = (grades: number[]) => {
      mjSaved++;
      grades.forEach((g, n) => {
        const k = `${n + 1}:${g}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      });
    };
    /** Voter i casts a 20-grade ballot through the form's "save and confirm". */
    const castMjOverHttp = async (i: number) => {
      const body = new URLSearchParams({
        _csrf: token.token,
        envelope: 'paris',
        revision: '0',
        action: 'confirm',
      });
      const grades = mjBallot();
      for (const [n, g] of grades.entries()) body.append(`grade-${n + 1}`, GRADES[g]!);
      const response = await httpRequest(`${base}/budget/${mj.slug}/vote/enveloppe/paris`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `vo_session=bench-${i}; ${token.cookie}`,
        },
        body: body.toString(),
      });
      if (response.status === 303) keepMj(grades);
      return response.status;
    };
    // A server that has just started compiles its code, opens its connections and prepares its
    // statements: the first seconds are reported on their own line, not in the goals (a city's
    // server is warm long before the vote's busiest hour). Their ballots are in the count.
    let warm = 0;
    if (options.warmupSeconds > 0) {
      log(
        `(b0) warm-up: ${options.warmupSeconds} s of majority-judgment casts on the freshly started server`,
      );
      measures.castMjWarmup = {
        what: `warm-up: the same POST, the first ${options.warmupSeconds} s after the server started (not in the goals; the ballots are in the count), ${options.concurrency} clients`,
        ...(await load({
          concurrency: options.concurrency,
          count: options.voters,
          seconds: options.warmupSeconds,
          run: castMjOverHttp,
        })),
      };
      warm = measures.castMjWarmup.requests;
    }
    log(
      `(b) ${(options.voters - warm).toLocaleString('en')} majority-judgment ballots of ${PROJECTS} grades, ${options.concurrency} clients`,
    );
    const castCpuBefore = cpuSample(server.pid!);
    measures.castMj = {
      what: `POST /budget/:slug/vote/enveloppe/paris, ${PROJECTS} grades, save and confirm (HTTP, session + CSRF), ${options.concurrency} clients${warm > 0 ? ', after the warm-up' : ''}`,
      ...(await load({
        concurrency: options.concurrency,
        count: options.voters - warm,
        seconds: options.seconds,
        progress: true,
        run: (i) => castMjOverHttp(warm + i),
      })),
    };
    const castCpu = cpuPerOperation(castCpuBefore, cpuSample(server.pid!), measures.castMj.requests);
    // Voters the HTTP phase had no time for (--seconds) vote through the same service call, in
    // this process, so that the count and the tally cover every voter.
    const viewerOf = async (i: number) => ({
      id: (
        await database.db
          .selectFrom('account_user')
          .select('id')
          .where('email', '=', `bench-${i}@example.test`)
          .executeTakeFirstOrThrow()
      ).id,
      email: `bench-${i}@example.test`,
      displayName: '',
      locale: 'fr' as const,
      isAdmin: false,
      emailVerified: true,
      memberships: [],
    });
    const mjRest = options.voters - warm - measures.castMj.requests;
    if (mjRest > 0) {
      const vcMj = await loadVoteCampaign(core, mj.slug, null, { fresh: true });
      const first = warm + measures.castMj.requests;
      log(
        `(b') ${mjRest.toLocaleString('en')} remaining majority-judgment ballots through the service, in process`,
      );
      measures.castMjDirect = {
        what: `saveBasket (the service the route calls, same SQL), in the bench process, no HTTP, ${options.concurrency} concurrent — voters left after --seconds`,
        ...(await load({
          concurrency: options.concurrency,
          count: mjRest,
          seconds: options.seconds * 4,
          progress: true,
          run: async (j) => {
            const viewer = await viewerOf(first + j);
            const grades = mjBallot();
            const submission = {
              kind: 'grades' as const,
              grades: Object.fromEntries(grades.map((g, n) => [String(n + 1), GRADES[g]!])),
            };
            await saveBasket(core, vcMj, viewer, mj.envelopeId, submission, 0, ACTOR, new Date(), {
              confirm: true,
            });
            keepMj(grades);
            return 'saved';
          },
        })),
      };
    }
    const approvalExpected = new Map<number, number>();
    let approvalSaved = 0;
    let approvalLines = 0;
    const approvalBallot = () => {
      const k = 1 + Math.floor(random() * APPROVAL_MAX);
      const picks = new Set<number>();
      while (picks.size < k) picks.add(1 + Math.floor(random() * random() * PROJECTS));
      return [...picks];
    };
    const keepApproval = (picks: number[]) => {
      approvalSaved++;
      approvalLines += picks.length;
      for (const n of picks) approvalExpected.set(n, (approvalExpected.get(n) ?? 0) + 1);
    };
    log(`(b) ${options.approvalVoters.toLocaleString('en')} approval ballots`);
    measures.castApproval = {
      what: `POST /budget/:slug/vote/enveloppe/paris, 1–${APPROVAL_MAX} projects ticked, save and confirm, ${options.concurrency} clients`,
      ...(await load({
        concurrency: options.concurrency,
        count: options.approvalVoters,
        seconds: options.seconds,
        progress: true,
        run: async (i) => {
          const body = new URLSearchParams({
            _csrf: token.token,
            envelope: 'paris',
            revision: '0',
            action: 'confirm',
          });
          const picks = approvalBallot();
          for (const n of picks) body.append('projects', String(n));
          const response = await httpRequest(`${base}/budget/${approval.slug}/vote/enveloppe/paris`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              cookie: `vo_session=bench-${options.voters + i}; ${token.cookie}`,
            },
            body: body.toString(),
          });
          if (response.status === 303) keepApproval(picks);
          return response.status;
        },
      })),
    };
    const approvalRest = options.approvalVoters - measures.castApproval.requests;
    if (approvalRest > 0) {
      const vcApproval = await loadVoteCampaign(core, approval.slug, null, { fresh: true });
      const first = options.voters + measures.castApproval.requests;
      log(
        `(b') ${approvalRest.toLocaleString('en')} remaining approval ballots through the service, in process`,
      );
      measures.castApprovalDirect = {
        what: `saveBasket, approval, in the bench process, no HTTP, ${options.concurrency} concurrent — voters left after --seconds`,
        ...(await load({
          concurrency: options.concurrency,
          count: approvalRest,
          seconds: options.seconds * 4,
          progress: true,
          run: async (j) => {
            const viewer = await viewerOf(first + j);
            const picks = approvalBallot();
            const submission = { kind: 'selection' as const, projectNumbers: picks.map(String) };
            await saveBasket(
              core,
              vcApproval,
              viewer,
              approval.envelopeId,
              submission,
              0,
              ACTOR,
              new Date(),
              { confirm: true },
            );
            keepApproval(picks);
            return 'saved';
          },
        })),
      };
    }

    if (analyser) clearInterval(analyser);
    // (c) the count: what the database holds against what the clients were told was saved.
    log('(c) count');
    const numberOf = new Map(mj.projects.map((id, i) => [id, i + 1]));
    const approvalNumberOf = new Map(approval.projects.map((id, i) => [id, i + 1]));
    const counted = async (campaign: BenchCampaign) => {
      const ballots = await sql<{ state: string; n: number }>`
        select state, count(*)::int as n from budget_ballot where campaign_id = ${campaign.id} group by state`.execute(
        database.db,
      );
      const lines = await sql<{
        n: number;
      }>`select count(*)::int as n from budget_ballot_line where campaign_id = ${campaign.id}`.execute(
        database.db,
      );
      const register = await sql<{ n: number }>`
        select count(*)::int as n from budget_participation where campaign_id = ${campaign.id} and state = 'confirmed'`.execute(
        database.db,
      );
      return {
        confirmed: Number(ballots.rows.find((r) => r.state === 'confirmed')?.n ?? 0),
        lines: Number(lines.rows[0]!.n),
        register: Number(register.rows[0]!.n),
      };
    };
    const mjCount = await counted(mj);
    const apCount = await counted(approval);
    const tally = await sql<{ project_id: string; grade: number | null; n: number }>`
      select l.project_id, l.grade, count(*)::int as n from budget_ballot_line l
      join budget_ballot b on b.ballot_key = l.ballot_key where b.state = 'confirmed' and l.campaign_id in (${mj.id}, ${approval.id})
      group by l.project_id, l.grade`.execute(database.db);
    const anomalies: string[] = [];
    const check = (what: string, got: number, want: number) => {
      if (got !== want) anomalies.push(`${what}: ${got} in the database, ${want} expected`);
    };
    check('MJ confirmed ballots', mjCount.confirmed, mjSaved);
    check('MJ register (confirmed)', mjCount.register, mjSaved);
    check('MJ lines', mjCount.lines, mjSaved * PROJECTS);
    check('approval confirmed ballots', apCount.confirmed, approvalSaved);
    check('approval register (confirmed)', apCount.register, approvalSaved);
    check('approval lines', apCount.lines, approvalLines);
    const seen = new Set<string>();
    for (const row of tally.rows) {
      const mjNumber = numberOf.get(row.project_id);
      if (mjNumber !== undefined) {
        const k = `${mjNumber}:${row.grade}`;
        seen.add(k);
        check(`MJ project ${mjNumber} grade ${row.grade}`, Number(row.n), expected.get(k) ?? 0);
      } else {
        const n = approvalNumberOf.get(row.project_id)!;
        seen.add(`a${n}`);
        check(`approval project ${n}`, Number(row.n), approvalExpected.get(n) ?? 0);
      }
    }
    for (const [k, v] of expected) if (!seen.has(k)) check(`MJ ${k}`, 0, v);
    for (const [n, v] of approvalExpected) if (!seen.has(`a${n}`)) check(`approval project ${n}`, 0, v);
    const doubled = await sql<{ n: number }>`
      select count(*)::int as n from (select ballot_key from budget_ballot_line where campaign_id = ${mj.id}
        group by ballot_key having count(*) <> ${PROJECTS}) x`.execute(database.db);
    check('MJ ballots without exactly 20 lines', Number(doubled.rows[0]!.n), 0);
    const count = {
      mj: { ...mjCount, saved: mjSaved, grades: mjCount.lines },
      approval: { ...apCount, saved: approvalSaved },
      anomalies,
    };
    log(`(c) ${anomalies.length} anomalies`);

    // (d) full tally, after the vote closes (the lock trigger lets the end move, not the rules).
    await sql`update budget_campaign set vote_ends_at = now() - interval '1 minute', results_at = now()
      where id in (${mj.id}, ${approval.id})`.execute(database.db);
    await sql`vacuum analyze budget_ballot_line`.execute(database.db);
    await sql`vacuum analyze budget_ballot`.execute(database.db);
    forgetCachedCampaigns();
    const vc = await loadVoteCampaign(core, mj.slug, null, { fresh: true });
    const tallies: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      await countCampaign(core, vc);
      tallies.push(performance.now() - t0);
    }
    const t0 = performance.now();
    await storeResults(core, vc, null, ACTOR);
    const storeSeconds = (performance.now() - t0) / 1000;
    await publishStoredResults(core, vc, null, ACTOR);
    const tally2 = {
      runsMs: tallies.map((t) => round(t)),
      bestMs: round(Math.min(...tallies)),
      computeAndStoreSeconds: round(storeSeconds, 2),
    };
    log(`(d) tally ${tally2.runsMs.join(', ')} ms`);

    // (e) the published results page.
    log('(e) results page');
    measures.resultsPage = {
      what: 'GET /budget/:slug/resultats/paris (published results, chart and table), 16 clients',
      ...(await load({
        concurrency: 16,
        count: options.pageReads,
        seconds: options.seconds,
        run: async () => {
          const r = await httpRequest(`${base}/budget/${mj.slug}/resultats/paris`);
          return r.status;
        },
      })),
    };
    const serverMemory = memoryOf(server.pid!);
    const castRatio = round((measures.castMj!.perSecond || 0) / (measures.raw!.perSecond || 1), 3);
    notes.push(
      'Each voter did the sworn declaration beforehand (voter, empty ballot and register rows inserted in the set-up): the measure is the casting of the ballot.',
      'One POST per ballot: the campaign has one envelope of 20 projects and the form\'s "save and confirm" button saves the basket and confirms the ballot in one transaction (session and viewer read, ballot row lock, lines replaced and checked by the statement trigger, register with the summary marked due, audit). The server writes the baskets that arrive together in one statement (at most 2 statements in flight, 50 baskets each) and reads the sessions and the voters of a moment in one statement each; every ballot keeps its own revision check, row lock and answer.',
      'The confirmation summaries are marked due in the register by the cast itself; the server (JOBS_IN=none) queues at most one sweep job a second for a worker, and sends no mail.',
      ...(measures.castMjWarmup
        ? [
            `The majority-judgment casts of the first ${options.warmupSeconds} s after the server started (the warm-up line: code compiled on first use, connections opened, statements prepared) are reported apart and are not in the goals; their ballots are in the count and the tally.`,
          ]
        : []),
      ...(measures.castMjDirect || measures.castApprovalDirect
        ? [
            'The HTTP phases stop after --seconds; the voters left then voted through saveBasket, the service the route calls (same transaction and SQL, no HTTP, session and CSRF), in the bench process with a pool of 10 connections like the server, so that the count and the tally cover every voter. Their throughput is reported on its own line.',
          ]
        : []),
      'The machine is shared with other work: compare the HTTP figures with the raw baseline of the same run.',
    );
    const result = {
      engine: version.split(',')[0],
      seedSeconds,
      measures,
      castVsRawRatio: castRatio,
      cpu: { raw: rawCpu, cast: castCpu },
      count,
      tally: tally2,
      serverMemory,
      notes,
    };
    writeResults(options, result);
  } finally {
    if (server) await stopServer(server);
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    // BENCH_KEEP_DB=1 keeps the database, to study its plans afterwards.
    if (!process.env.BENCH_KEEP_DB) {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${BENCH_DB} with (force)`);
      await cleanup.end();
    }
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
}

function writeResults(
  options: Options,
  result: {
    engine: string | undefined;
    seedSeconds: number;
    measures: Record<string, LoadResult & { what: string }>;
    castVsRawRatio: number;
    cpu: { raw: ReturnType<typeof cpuPerOperation>; cast: ReturnType<typeof cpuPerOperation> };
    count: { mj: Record<string, number>; approval: Record<string, number>; anomalies: string[] };
    tally: { runsMs: number[]; bestMs: number; computeAndStoreSeconds: number };
    serverMemory: { peakMiB: number; currentMiB: number };
    notes: string[];
  },
) {
  const date = new Date().toISOString().slice(0, 10);
  const command = `npm run bench -- budget ${process.argv.slice(3).join(' ')}`.trim();
  const m = machine();
  const goals = [
    `cast throughput ≥ 1,000 ballots/s: **${result.measures.castMj?.perSecond ?? 'n/a'}/s** (majority judgment), ${result.measures.castApproval?.perSecond ?? 'n/a'}/s (approval)`,
    `cast p99 ≤ 100 ms: **${result.measures.castMj?.p99 ?? 'n/a'} ms** (majority judgment), ${result.measures.castApproval?.p99 ?? 'n/a'} ms (approval)`,
    `full tally ≤ 2 s: **${result.tally.bestMs} ms** (best of ${result.tally.runsMs.join(', ')} ms) for ${result.count.mj.confirmed?.toLocaleString('en')} ballots, ${result.count.mj.lines?.toLocaleString('en')} grades`,
    `zero anomalies: **${result.count.anomalies.length === 0 ? 'yes' : `no — ${result.count.anomalies.length}`}**`,
    `results page p99: **${result.measures.resultsPage?.p99 ?? 'n/a'} ms**`,
  ];
  const lines = [
    `# Budget vote benchmark — ${date}`,
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average at the end ${m.loadAverage.join(' / ')}. Everything on 127.0.0.1. ${result.engine}.`,
    '',
    `Set-up (not measured): ${options.voters.toLocaleString('en')} majority-judgment and ${options.approvalVoters.toLocaleString('en')} approval voters with accounts, sessions and declarations, in ${result.seedSeconds} s.`,
    '',
    '## Goals',
    '',
    ...goals.map((g) => `- ${g}`),
    '',
    '## Measures',
    '',
    '| measure | operations | seconds | per s | p50 ms | p90 ms | p99 ms | max ms | statuses |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...Object.values(result.measures).map(
      (v) =>
        `| ${v.what} | ${v.requests} | ${v.seconds} | ${v.perSecond} | ${v.p50} | ${v.p90} | ${v.p99} | ${v.max} | ${Object.entries(
          v.statuses,
        )
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')} |`,
    ),
    '',
    `HTTP cast / raw INSERT throughput: **${result.castVsRawRatio}**.`,
    '',
    '## Where the CPU goes',
    '',
    'CPU time (user + system, from /proc) per operation during the phase, by process: the server, every PostgreSQL process, and the load generator (this process). The ceiling is the rate the machine would reach if these processes had every core to themselves and nothing waited.',
    '',
    '| phase | server ms | PostgreSQL ms | load generator ms | total ms | ceiling on this machine |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| raw INSERT of 20 lines | — | ${result.cpu.raw.database} | ${result.cpu.raw.client} | ${result.cpu.raw.total} | ${result.cpu.raw.ceilingPerSecond}/s |`,
    `| HTTP cast, majority judgment | ${result.cpu.cast.server} | ${result.cpu.cast.database} | ${result.cpu.cast.client} | ${result.cpu.cast.total} | ${result.cpu.cast.ceilingPerSecond}/s |`,
    '',
    '## The count after the load',
    '',
    `- majority judgment: ${result.count.mj.saved} ballots answered 303; ${result.count.mj.confirmed} confirmed in the database, ${result.count.mj.register} confirmed in the register, ${result.count.mj.lines} grades (${PROJECTS} each).`,
    `- approval: ${result.count.approval.saved} ballots answered 303; ${result.count.approval.confirmed} confirmed, ${result.count.approval.register} in the register, ${result.count.approval.lines} choices.`,
    `- tally per project and grade in the database against what the clients sent: ${result.count.anomalies.length === 0 ? 'identical' : result.count.anomalies.slice(0, 20).join('; ')}.`,
    '',
    `Full tally (grouped queries, ranking, selection) in ${result.tally.runsMs.join(', ')} ms; compute and store ${result.tally.computeAndStoreSeconds} s.`,
    `Server memory: peak (VmHWM) ${result.serverMemory.peakMiB} MiB, at the end (VmRSS) ${result.serverMemory.currentMiB} MiB.`,
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
  ];
  const md = lines.join('\n');
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `budget-${date}.md`), md);
  writeFileSync(
    path.join(dir, `budget-${date}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), command, machine: m, options, ...result }, null, 2)}\n`,
  );
  process.stdout.write(`\n${md}\n`);
  log(`written to bench/results/budget-${date}.md and .json`);
}
