/**
 * Campaign rows for the vote tests, inserted directly (the schema is fixed by
 * 202611260100_budget_init), and accounts as the services see them.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../core/audit/audit.js';
import { loadViewer, type Viewer } from '../../../../core/auth/viewer.js';
import type { Db } from '../../../../core/db/database.js';
import type { VotingMethodName } from '../../budget.tables.js';
import '../../budget.tables.js';

const DAY = 86_400_000;

export type Phase = 'before' | 'vote' | 'closed';

export interface CampaignFixture {
  id: string;
  slug: string;
  envelopes: { city: string; ecoles: string; arr5: string; arr11: string };
  /** Project number → id. */
  projects: Map<number, string>;
}

/** Dates that put the campaign in `phase` at `now`. */
export function phaseDates(phase: Phase, now = Date.now()) {
  const at = (days: number) => new Date(now + days * DAY);
  const vote: [number, number] = phase === 'vote' ? [-1, 10] : phase === 'before' ? [5, 15] : [-20, -5];
  return {
    submission_starts_at: at(vote[0] - 100),
    submission_ends_at: at(vote[0] - 90),
    study_starts_at: at(vote[0] - 80),
    study_ends_at: at(vote[0] - 10),
    vote_starts_at: at(vote[0]),
    vote_ends_at: at(vote[1]),
    results_at: at(vote[1] + 1),
    implementation_starts_at: at(vote[1] + 30),
  };
}

/**
 * A campaign with a city envelope (€100,000: projects 1–6), an earmarked one "ecoles"
 * (€20,000: 7–8) and two arrondissements, 5 (€30,000: 9–11) and 11 (€30,000: 12–13).
 */
export async function createCampaign(
  db: Db,
  options: {
    slug?: string;
    method?: VotingMethodName;
    maxChoices?: number | null;
    minSpendPercent?: number;
    selectionRule?: 'greedy' | 'equal_shares';
    phase?: Phase;
    published?: boolean;
    eligibility?: string;
  } = {},
): Promise<CampaignFixture> {
  const slug = options.slug ?? `c-${randomUUID().slice(0, 8)}`;
  const campaign = await db
    .insertInto('budget_campaign')
    .values({
      slug,
      title: `Budget participatif ${slug}`,
      ...phaseDates(options.phase ?? 'vote'),
      voting_method: options.method ?? 'approval',
      max_choices: options.maxChoices === undefined ? 3 : options.maxChoices,
      min_spend_percent: options.minSpendPercent ?? 0,
      selection_rule: options.selectionRule ?? 'greedy',
      eligibility: options.eligibility ?? 'sworn_declaration',
      published: options.published ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const envelope = async (
    kind: 'city' | 'earmarked' | 'arrondissement',
    code: string,
    label: string,
    euros: number,
    position: number,
  ) =>
    (
      await db
        .insertInto('budget_envelope')
        .values({ campaign_id: campaign.id, kind, code, label, amount_cents: euros * 100, position })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const envelopes = {
    city: await envelope('city', 'paris', 'Tout Paris', 100_000, 0),
    ecoles: await envelope('earmarked', 'ecoles', 'Écoles et collèges', 20_000, 1),
    arr5: await envelope('arrondissement', '5', '5e arrondissement', 30_000, 2),
    arr11: await envelope('arrondissement', '11', '11e arrondissement', 30_000, 3),
  };
  const costs: [number, keyof typeof envelopes, number][] = [
    [1, 'city', 40_000],
    [2, 'city', 30_000],
    [3, 'city', 25_000],
    [4, 'city', 20_000],
    [5, 'city', 10_000],
    [6, 'city', 60_000],
    [7, 'ecoles', 12_000],
    [8, 'ecoles', 9_000],
    [9, 'arr5', 15_000],
    [10, 'arr5', 12_000],
    [11, 'arr5', 8_000],
    [12, 'arr11', 20_000],
    [13, 'arr11', 14_000],
  ];
  const projects = new Map<number, string>();
  for (const [number, env, euros] of costs) {
    const row = await db
      .insertInto('budget_project')
      .values({
        campaign_id: campaign.id,
        envelope_id: envelopes[env],
        number,
        title: `Projet ${number}`,
        summary: `Résumé du projet ${number}.`,
        theme: 'cadre_de_vie',
        cost_cents: euros * 100,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    projects.set(number, row.id);
  }
  return { id: campaign.id, slug, envelopes, projects };
}

export async function createUser(
  db: Db,
  options: { admin?: boolean; verified?: boolean; agentOf?: string } = {},
): Promise<Viewer> {
  const user = await db
    .insertInto('account_user')
    .values({
      email: `${randomUUID().slice(0, 8)}@example.test`,
      email_verified_at: options.verified === false ? null : new Date(),
      password_hash: null,
      deleted_at: null,
      is_admin: options.admin ?? false,
      display_name: 'Test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.agentOf) {
    await db
      .insertInto('org_membership')
      .values({ user_id: user.id, service_id: options.agentOf, role: 'agent' })
      .execute();
  }
  const viewer = await loadViewer(db, user.id);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

export const actorOf = (viewer: Viewer | null): Actor => ({
  userId: viewer?.id ?? null,
  label: viewer ? `user:${viewer.email}` : 'test',
});

export function declaration(
  overrides: Partial<{
    lastName: string;
    firstName: string;
    birthDate: string;
    declaration: string;
    sworn: boolean;
  }> = {},
) {
  return {
    declaration: 'live',
    // Letters only (names are normalised), and enough of them: two voters of one campaign with
    // the same name and birth date are one person, and the second would be refused.
    lastName: `Durand${randomUUID()
      .slice(0, 8)
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!)}`,
    firstName: 'Camille',
    birthDate: '1985-04-12',
    sworn: true,
    ...overrides,
  };
}
