/**
 * Demo ballots, after the proposals part's seed made the campaigns: a few thousand for the
 * campaign "2026" (in its vote phase: most confirmed, some baskets left unconfirmed) and for
 * the past campaign "2025", whose results are then computed and published (the tracking part's
 * seed builds on its winners). Ballots go straight to the store under the same keyed
 * pseudonyms as real ones; their voters are synthetic (no account, so no line in the register).
 * Deterministic (a seeded generator) and idempotent: a marker per campaign in core_setting,
 * written in the ballots' transaction. Does nothing for a campaign that does not exist (yet).
 */
import { sql } from 'kysely';
import type { Actor } from '../../../core/audit/audit.js';
import type { Db } from '../../../core/db/database.js';
import type { CoreServices } from '../../../core/services.js';
import {
  findCampaignBySlug,
  listEnvelopes,
  listProjects,
  type Project,
} from '../proposals/campaigns.store.js';
import { accountKey, ballotKeyOf, personKey } from './keys.js';
import { publishStoredResults, storeResults } from './results.service.js';
import { ballotSecret, forgetCachedCampaigns, loadVoteCampaign } from './vote.service.js';
import type { LineInput } from './vote.store.js';
import './vote.tables.js';

export const VOTE_DEMO_ACTOR: Actor = { userId: null, label: 'seed:budget-vote-demo' };
export const VOTE_DEMO_CAMPAIGNS = [
  { slug: '2026', voters: 3_000, publish: false },
  { slug: '2025', voters: 4_000, publish: true },
] as const;

const markerKey = (slug: string) => `demo.budget.vote.${slug}.seeded_at`;

/** Park–Miller: the same demo on every machine. */
function generator(seed: string) {
  let x = 1;
  for (const ch of seed) x = (x * 31 + ch.charCodeAt(0)) % 2_147_483_647;
  return () => {
    x = (x * 48_271) % 2_147_483_647;
    return x / 2_147_483_647;
  };
}

async function marker(db: Db, slug: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('core_setting')
      .select('key')
      .where('key', '=', markerKey(slug))
      .executeTakeFirst()) !== undefined
  );
}

interface SeedBallot {
  ballotKey: string;
  personKey: string;
  accountKey: string | null;
  channel: 'online' | 'booth';
  state: 'draft' | 'confirmed';
  arrondissement: string | null;
  lines: (LineInput & { envelopeId: string })[];
}

/** Each project's appeal, 0…1, fixed for the demo: some projects are loved, some are not. */
function appeals(projects: Project[], random: () => number): Map<string, number> {
  return new Map(
    projects.map((p) => [p.id, Math.min(1, Math.max(0, random() * 0.8 + (p.number % 7 === 0 ? 0.25 : 0)))]),
  );
}

export async function seedVoteDemo(
  core: CoreServices,
  onProgress: (message: string) => void = () => {},
  options: { now?: Date; voters?: Partial<Record<string, number>> } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  const key = ballotSecret(core);
  for (const spec of VOTE_DEMO_CAMPAIGNS) {
    const campaign = await findCampaignBySlug(core.db, spec.slug);
    if (!campaign) {
      onProgress(`vote demo: no campaign "${spec.slug}" yet, skipped`);
      continue;
    }
    const [envelopes, projects] = await Promise.all([
      listEnvelopes(core.db, campaign.id),
      listProjects(core.db, campaign.id),
    ]);
    if (projects.length === 0) {
      onProgress(`vote demo: campaign "${spec.slug}" has no project yet, skipped`);
      continue;
    }
    if (!(await marker(core.db, spec.slug))) {
      const random = generator(`vote-demo-${spec.slug}`);
      const appeal = appeals(projects, random);
      const arrondissements = envelopes.filter((e) => e.kind === 'arrondissement');
      const count = options.voters?.[spec.slug] ?? spec.voters;
      const ballots: SeedBallot[] = [];
      for (let i = 0; i < count; i++) {
        const person = personKey(key, campaign.id, {
          lastName: `Demo${i}`,
          firstName: 'Votant',
          birthDate: '1980-01-01',
        });
        const online = random() < 0.75;
        const arrondissement =
          arrondissements.length > 0 ? arrondissements[Math.floor(random() * arrondissements.length)]! : null;
        const lines: SeedBallot['lines'] = [];
        for (const envelope of envelopes) {
          if (envelope.kind === 'arrondissement' && envelope.id !== arrondissement?.id) continue;
          if (envelope.kind === 'earmarked' && random() < 0.5) continue;
          const mine = projects.filter((p) => p.envelopeId === envelope.id);
          if (campaign.votingMethod === 'majority_judgment') {
            for (const p of mine) {
              if (random() < 0.2) continue; // unrated: the lowest grade
              const a = appeal.get(p.id)!;
              const grade = Math.min(3, Math.max(0, Math.floor((a * 0.7 + random() * 0.6) * 4 - 0.4)));
              lines.push({ envelopeId: envelope.id, projectId: p.id, grade });
            }
          } else {
            // Approval and knapsack: the projects a voter likes most, within the rules.
            const ranked = mine
              .map((p) => ({ p, score: appeal.get(p.id)! + random() * 0.7 }))
              .sort((x, y) => y.score - x.score)
              .map((x) => x.p);
            const max =
              campaign.votingMethod === 'approval'
                ? Math.min(campaign.maxChoices ?? 4, 1 + Math.floor(random() * 4))
                : ranked.length;
            let spent = 0;
            for (const p of ranked) {
              if (lines.filter((l) => l.envelopeId === envelope.id).length >= max) break;
              if (campaign.votingMethod === 'knapsack' && spent + p.costCents > envelope.amountCents)
                continue;
              spent += p.costCents;
              lines.push({ envelopeId: envelope.id, projectId: p.id, grade: null });
            }
            if (
              campaign.votingMethod === 'knapsack' &&
              spent * 100 < envelope.amountCents * campaign.minSpendPercent
            ) {
              lines.splice(lines.length - lines.filter((l) => l.envelopeId === envelope.id).length);
            }
          }
        }
        if (lines.length === 0) continue;
        ballots.push({
          ballotKey: ballotKeyOf(key, campaign.id, person),
          personKey: person,
          accountKey: online ? accountKey(key, campaign.id, `demo-voter-${i}`) : null,
          channel: online ? 'online' : 'booth',
          state: spec.publish || !online || random() < 0.88 ? 'confirmed' : 'draft',
          arrondissement: arrondissement?.id ?? null,
          lines,
        });
      }
      await core.db.transaction().execute(async (tx) => {
        for (let from = 0; from < ballots.length; from += 500) {
          const batch = ballots.slice(from, from + 500);
          await tx
            .insertInto('budget_voter')
            .values(
              batch.map((b) => ({
                campaign_id: campaign.id,
                person_key: b.personKey,
                account_key: b.accountKey,
                channel: b.channel,
              })),
            )
            .execute();
          await tx
            .insertInto('budget_ballot')
            .values(
              batch.map((b) => ({
                ballot_key: b.ballotKey,
                campaign_id: campaign.id,
                channel: b.channel,
                arrondissement_envelope_id: b.arrondissement,
                state: b.state,
                revision: 1,
              })),
            )
            .execute();
          const lines = batch.flatMap((b) =>
            b.lines.map((l) => ({
              ballot_key: b.ballotKey,
              campaign_id: campaign.id,
              envelope_id: l.envelopeId,
              project_id: l.projectId,
              grade: l.grade,
            })),
          );
          for (let at = 0; at < lines.length; at += 2_000) {
            await tx
              .insertInto('budget_ballot_line')
              .values(lines.slice(at, at + 2_000))
              .execute();
          }
        }
        await tx
          .insertInto('core_setting')
          .values({
            key: markerKey(spec.slug),
            value: JSON.stringify({ at: now.toISOString(), ballots: ballots.length }),
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      });
      await sql`analyze budget_ballot_line`.execute(core.db);
      onProgress(`vote demo: ${ballots.length} ballots for campaign "${spec.slug}"`);
    }
    if (spec.publish && now >= campaign.voteEndsAt) {
      const published = await core.db
        .selectFrom('budget_result')
        .select('envelope_id')
        .where('campaign_id', '=', campaign.id)
        .where('published_at', 'is not', null)
        .executeTakeFirst();
      if (!published) {
        forgetCachedCampaigns();
        const vc = await loadVoteCampaign(core, spec.slug, null, { fresh: true }).catch(() => null);
        if (vc) {
          await storeResults(core, vc, null, VOTE_DEMO_ACTOR, now);
          await publishStoredResults(core, vc, null, VOTE_DEMO_ACTOR, now);
          onProgress(`vote demo: results of "${spec.slug}" computed and published`);
        }
      }
    }
  }
}
