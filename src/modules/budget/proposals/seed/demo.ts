/**
 * Demo of the participatory budget, proposals part: campaign "2026" in its vote phase (dates
 * around the day of the seed, Paris time; majority judgment) with about 200 projects on the
 * ballot across the city-wide envelope, the 20 arrondissements, "quartiers populaires" and
 * "écoles", and the proposals behind them (some merged, some not feasible or not admissible
 * with their public reasons, a few withdrawn); and campaign "2025" in its implementation phase
 * (approval, 5 choices per envelope) with its projects. The vote part seeds the ballots and
 * results, the tracking part the milestones. Titles come from word lists (no download); a
 * fixed random seed makes every demo the same. Idempotent: a marker in core_setting.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { layerFeatures } from '../../../../core/areas/areas.store.js';
import type { Db } from '../../../../core/db/database.js';
import type { CoreServices } from '../../../../core/services.js';
import '../../budget.tables.js';
import type { EnvelopeKind, ProposalState } from '../../budget.tables.js';
import {
  DEFAULT_THEME_DIRECTORATES,
  dayOf,
  dayStart,
  nextDay,
  proposalReference,
  type Theme,
} from '../campaign.domain.js';
import { insertDefaultThemeRoutes } from '../campaigns.store.js';
import {
  ARRONDISSEMENT_EUROS,
  AUTHOR_NAMES,
  articled,
  CITY_TEMPLATES,
  COMMENTS,
  contracted,
  INADMISSIBLE_REASONS,
  PLACES,
  QP_TEMPLATES,
  SCHOOL_TEMPLATES,
  TEMPLATES,
  type Template,
  UNFEASIBLE_REASONS,
} from './places.js';

export const PROPOSALS_DEMO_KEY = 'demo.budget.proposals.seeded_at';
const CITIZEN_EMAIL = 'citoyen@demo.ville-ouverte.fr';
/**
 * Accounts behind the demo's supports (a support is one account's): no password and an
 * address on the demo domain, so nobody can sign in with them; no name shown anywhere.
 */
export const SUPPORTER_COUNT = 400;
export const supporterEmail = (i: number) =>
  `soutien-${String(i + 1).padStart(3, '0')}@demo.ville-ouverte.fr`;
const DAY_MS = 86_400_000;

/** mulberry32: a small deterministic generator, so that every demo reads the same. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: Random, min: number, max: number) => min + random() * (max - min);
/** A cost rounded to the thousand euros, in cents. */
const costIn = (random: Random, [min, max]: [number, number]) =>
  Math.round(between(random, min, max) / 1000) * 1000 * 100;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Campaign dates from day offsets around today (last days inclusive). */
function campaignDates(
  today: string,
  o: {
    sub: [number, number];
    study: [number, number];
    vote: [number, number];
    results: number;
    impl: number;
  },
) {
  const start = (n: number) => dayStart(addDays(today, n))!;
  const endOf = (n: number) => dayStart(nextDay(addDays(today, n)))!;
  return {
    submission_starts_at: start(o.sub[0]),
    submission_ends_at: endOf(o.sub[1]),
    study_starts_at: start(o.study[0]),
    study_ends_at: endOf(o.study[1]),
    vote_starts_at: start(o.vote[0]),
    vote_ends_at: endOf(o.vote[1]),
    results_at: start(o.results),
    implementation_starts_at: start(o.impl),
  };
}

interface District {
  id: string;
  code: string;
  name: string;
  box: { minX: number; minY: number; maxX: number; maxY: number };
}

interface CampaignPlan {
  slug: string;
  title: string;
  description: string;
  dates: ReturnType<typeof campaignDates>;
  votingMethod: 'majority_judgment' | 'approval';
  maxChoices: number | null;
  /** Projects per envelope kind. */
  counts: { city: number; arrondissement: number; qp: number; ecoles: number };
  scale: number;
  /**
   * Whether the campaign collected supports. Every campaign of the platform takes supports from
   * its submission until its vote opens (there is no per-campaign switch), so both demo ones do.
   */
  supports: boolean;
}

export async function seedProposalsDemo(
  core: CoreServices,
  options: { onProgress?: (message: string) => void; now?: Date } = {},
): Promise<{ skipped: boolean; projects: number; proposals: number }> {
  const db = core.db;
  const progress = options.onProgress ?? (() => undefined);
  const done = await db
    .selectFrom('core_setting')
    .select('key')
    .where('key', '=', PROPOSALS_DEMO_KEY)
    .executeTakeFirst();
  const existing = await db
    .selectFrom('budget_campaign')
    .select('id')
    .where('slug', 'in', ['2026', '2025'])
    .execute();
  if (done || existing.length > 0) return { skipped: true, projects: 0, proposals: 0 };

  const now = options.now ?? new Date();
  const today = dayOf(now);
  const random = generator(20261125);
  const layer = core.config.city.districtLayer;
  const features = await layerFeatures(db, layer);
  if (features.length === 0) {
    progress('budget: no arrondissement imported, demo campaigns skipped');
    return { skipped: true, projects: 0, proposals: 0 };
  }
  const districts: District[] = features
    .map((f) => {
      const geometry = f.geometry as { type: string; coordinates: number[][][] | number[][][][] };
      const rings = (
        geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()
      ) as number[][][];
      const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
      for (const ring of rings)
        for (const [x = 0, y = 0] of ring) {
          box.minX = Math.min(box.minX, x);
          box.minY = Math.min(box.minY, y);
          box.maxX = Math.max(box.maxX, x);
          box.maxY = Math.max(box.maxY, y);
        }
      return { id: f.id, code: f.code, name: f.name, box };
    })
    .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }));
  const directorates = new Map(
    (await db.selectFrom('org_directorate').select(['id', 'code', 'name']).execute()).map((d) => [d.code, d]),
  );
  const citizen = await db
    .selectFrom('account_user')
    .select('id')
    .where('email', '=', CITIZEN_EMAIL)
    .executeTakeFirst();

  /** A point the area index puts in the district (the box's corners are outside it). */
  const pointIn = async (district: District) => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const lon = between(random, district.box.minX, district.box.maxX);
      const lat = between(random, district.box.minY, district.box.maxY);
      const area = await core.areas.locateIn(layer, { lat, lon });
      if (area?.code === district.code) return { lat, lon };
    }
    return {
      lat: (district.box.minY + district.box.maxY) / 2,
      lon: (district.box.minX + district.box.maxX) / 2,
    };
  };

  const plans: CampaignPlan[] = [
    {
      slug: '2026',
      title: 'Budget participatif 2026',
      description:
        'Près de 90 millions d’euros pour des projets proposés par les Parisiennes et les Parisiens : votez pour Paris, pour votre arrondissement de cœur, pour les quartiers populaires et pour les écoles.',
      dates: campaignDates(today, {
        sub: [-320, -300],
        study: [-298, -12],
        vote: [-11, 12],
        results: 20,
        impl: 60,
      }),
      votingMethod: 'majority_judgment',
      maxChoices: null,
      counts: { city: 12, arrondissement: 8, qp: 15, ecoles: 13 },
      scale: 1,
      supports: true,
    },
    {
      slug: '2025',
      title: 'Budget participatif 2025',
      description:
        'Les projets choisis en 2025 sont en cours de réalisation : suivez l’avancement des travaux près de chez vous.',
      dates: campaignDates(today, {
        sub: [-685, -665],
        study: [-663, -450],
        vote: [-449, -426],
        results: -415,
        impl: -380,
      }),
      votingMethod: 'approval',
      maxChoices: 5,
      counts: { city: 8, arrondissement: 5, qp: 8, ecoles: 7 },
      scale: 0.9,
      supports: true,
    },
  ];

  const rows = {
    campaigns: [] as Record<string, unknown>[],
    sequences: [] as Record<string, unknown>[],
    envelopes: [] as Record<string, unknown>[],
    projects: [] as Record<string, unknown>[],
    proposals: [] as Record<string, unknown>[],
    authors: [] as Record<string, unknown>[],
    events: [] as Record<string, unknown>[],
    comments: [] as Record<string, unknown>[],
    supporters: [] as Record<string, unknown>[],
    supports: [] as Record<string, unknown>[],
  };

  // The supporters' accounts: those an earlier run left are used again.
  const emails = Array.from({ length: SUPPORTER_COUNT }, (_, i) => supporterEmail(i));
  const known = new Map(
    (await db.selectFrom('account_user').select(['id', 'email']).where('email', 'in', emails).execute()).map(
      (u) => [u.email, u.id],
    ),
  );
  const supporters = emails.map((email) => {
    const existing = known.get(email);
    if (existing) return existing;
    const id = randomUUID();
    rows.supporters.push({ id, email, display_name: '', password_hash: null, email_verified_at: null });
    return id;
  });

  for (const plan of plans) {
    progress(`budget: campaign ${plan.slug}`);
    const campaignId = randomUUID();
    rows.campaigns.push({
      id: campaignId,
      slug: plan.slug,
      title: plan.title,
      description: plan.description,
      ...plan.dates,
      voting_method: plan.votingMethod,
      max_choices: plan.maxChoices,
      published: true,
    });
    const year = Number(dayOf(plan.dates.submission_starts_at).slice(0, 4));
    const d = plan.dates;
    const submissionSpan = d.submission_ends_at.getTime() - d.submission_starts_at.getTime();
    const studySpan = d.study_ends_at.getTime() - d.study_starts_at.getTime();
    /** The same day, at a time between `from` and `to` o'clock UTC (Paris is 1–2 hours ahead). */
    const atHours = (date: Date, from: number, to: number) => {
      const out = new Date(date);
      out.setUTCHours(
        Math.floor(between(random, from, to)),
        Math.floor(random() * 60),
        Math.floor(random() * 60),
      );
      return out;
    };
    const inSubmission = () =>
      atHours(
        new Date(d.submission_starts_at.getTime() + DAY_MS + random() * (submissionSpan - 2 * DAY_MS)),
        6,
        21,
      );
    // Agents decide in office hours.
    const inStudy = (from: number, to: number) =>
      atHours(new Date(d.study_starts_at.getTime() + studySpan * between(random, from, to)), 7, 16);

    // Envelopes.
    interface Env {
      id: string;
      kind: EnvelopeKind;
      code: string;
      district: District | null;
    }
    const envelopes: Env[] = [];
    const addEnvelope = (
      kind: EnvelopeKind,
      code: string,
      label: string,
      euros: number,
      district: District | null,
      position: number,
    ) => {
      const id = randomUUID();
      rows.envelopes.push({
        id,
        campaign_id: campaignId,
        kind,
        code,
        label,
        amount_cents: Math.round((euros * plan.scale) / 1000) * 1000 * 100,
        area_id: district?.id ?? null,
        position,
      });
      envelopes.push({ id, kind, code, district });
    };
    addEnvelope('city', 'paris', 'Tout Paris', 10_000_000, null, 0);
    addEnvelope('earmarked', 'quartiers-populaires', 'Quartiers populaires', 20_000_000, null, 1);
    addEnvelope('earmarked', 'ecoles', 'Écoles et collèges', 8_000_000, null, 2);
    for (const [i, district] of districts.entries()) {
      const label =
        district.code === '1'
          ? `1er arrondissement — ${district.name}`
          : `${district.code}e arrondissement — ${district.name}`;
      addEnvelope(
        'arrondissement',
        district.code,
        label,
        ARRONDISSEMENT_EUROS[district.code] ?? 2_000_000,
        district,
        i,
      );
    }

    let sequence = 0;
    let number = 0;
    const usedTitles = new Set<string>();

    interface Choice {
      street: string;
      park: string;
      quartier: string;
    }
    /** The places one proposal talks about: its title and description name the same ones. */
    const choose = (district: District): Choice => {
      const places = PLACES[district.code] ?? {
        streets: ['rue de la Mairie'],
        parks: ['square de la Mairie'],
        quartiers: [district.name],
      };
      return {
        street: pick(random, places.streets),
        park: pick(random, places.parks),
        quartier: pick(random, places.quartiers),
      };
    };
    const fill = (text: string, choice: Choice) => {
      const la = articled(choice.street);
      return text
        .replaceAll('{la_street}', la)
        .replaceAll('{La_street}', la.charAt(0).toUpperCase() + la.slice(1))
        .replaceAll('{de_street}', contracted('de', choice.street))
        .replaceAll('{street}', choice.street)
        .replaceAll('{au_park}', contracted('à', choice.park))
        .replaceAll('{du_park}', contracted('de', choice.park))
        .replaceAll('{park}', choice.park)
        .replaceAll('{quartier}', choice.quartier);
    };

    /** One proposal row (with its author and public history), in the state given. */
    const addProposal = async (p: {
      template: Template;
      envelope: Env;
      district: District;
      title: string;
      description: string;
      state: ProposalState;
      projectId?: string;
      projectNumber?: number;
      mergedWith?: string[];
      costCents: number;
      reason?: string;
      byCitizen?: boolean;
      /** Where it is when no point was placed. */
      street: string;
    }): Promise<{ id: string; reference: string }> => {
      sequence += 1;
      const id = randomUUID();
      const reference = proposalReference(year, sequence);
      const placed = random() < 0.8;
      const point = placed ? await pointIn(p.district) : null;
      const directorate = directorates.get(DEFAULT_THEME_DIRECTORATES[p.template.theme as Theme]) ?? null;
      const createdAt = inSubmission();
      const estimated =
        random() < 0.6 ? Math.round((p.costCents * between(random, 0.5, 1.3)) / 100_000) * 100_000 : null;
      const studied = p.state !== 'submitted' && p.state !== 'withdrawn';
      rows.proposals.push({
        id,
        campaign_id: campaignId,
        reference,
        envelope_id: p.envelope.id,
        title: p.title,
        description: p.description,
        theme: p.template.theme,
        address: point ? '' : p.street,
        location: point ? `(${point.lon},${point.lat})` : null,
        arrondissement_code: p.district.code,
        estimated_cost_cents: estimated,
        state: p.state,
        directorate_id: directorate?.id ?? null,
        study_reason: p.reason ?? '',
        study_cost_cents:
          p.state === 'feasible' || p.state === 'merged' || p.state === 'on_ballot' ? p.costCents : null,
        project_id: p.projectId ?? null,
        supports_count: 0,
        created_at: createdAt,
        updated_at: createdAt,
      });
      const authorName = fill(pick(random, AUTHOR_NAMES), choose(p.district));
      rows.authors.push({
        proposal_id: id,
        user_id: p.byCitizen && citizen ? citizen.id : null,
        display_name: authorName,
        role: 'author',
        created_at: createdAt,
      });
      let at = createdAt.getTime();
      const event = (kind: string, data: Record<string, unknown>, when: Date) => {
        at = Math.max(at + 60_000, when.getTime());
        rows.events.push({
          id: randomUUID(),
          proposal_id: id,
          kind,
          data: JSON.stringify(data),
          created_at: new Date(at),
        });
      };
      event('submitted', {}, createdAt);
      event('routed', { directorate: directorate?.name ?? '' }, new Date(createdAt.getTime() + 1000));
      if (p.state === 'withdrawn') event('withdrawn', {}, inStudy(0, 0.2));
      if (p.state === 'inadmissible')
        event('inadmissible', { reason: p.reason ?? '', costCents: null }, inStudy(0.05, 0.3));
      if (studied && p.state !== 'inadmissible') {
        event('admissible', { reason: '', costCents: null }, inStudy(0.05, 0.3));
        if (p.state === 'unfeasible')
          event('unfeasible', { reason: p.reason ?? '', costCents: null }, inStudy(0.35, 0.7));
        else event('feasible', { reason: '', costCents: p.costCents }, inStudy(0.35, 0.7));
      }
      if (p.state === 'merged' || p.state === 'on_ballot')
        event(
          p.state,
          { projectNumber: p.projectNumber, projectTitle: p.title, with: p.mergedWith ?? [] },
          inStudy(0.8, 0.98),
        );
      // A few comments, one hidden by moderation.
      if (random() < 0.25) {
        const count = 1 + Math.floor(random() * 3);
        for (let c = 0; c < count; c++) {
          const when = new Date(createdAt.getTime() + (c + 1) * DAY_MS * between(random, 1, 10));
          rows.comments.push({
            id: randomUUID(),
            proposal_id: id,
            user_id: null,
            display_name: pick(random, ['Nadia', 'Paul', '', 'Une voisine', 'Olivier', '']),
            body: pick(random, COMMENTS),
            status: 'visible',
            moderation_reason: '',
            created_at: when,
            updated_at: when,
          });
        }
      }
      return { id, reference };
    };

    /** A title nobody used yet in the campaign, with the places it names. */
    const uniqueTitle = (template: Template, district: District): { title: string; choice: Choice } => {
      let choice = choose(district);
      for (let attempt = 0; attempt < 8; attempt++) {
        const title = fill(template.title, choice);
        if (!usedTitles.has(title)) {
          usedTitles.add(title);
          return { title, choice };
        }
        choice = choose(district);
      }
      // Still taken: name the arrondissement, then count.
      const base = `${fill(template.title, choice)} — ${district.name}`;
      let title = base;
      for (let n = 2; usedTitles.has(title); n++) title = `${base} (${n})`;
      usedTitles.add(title);
      return { title, choice };
    };

    /** A project on the ballot and the one to three proposals behind it. */
    const addProject = async (
      envelope: Env,
      templates: readonly Template[],
      districtOf: () => District,
      chosen?: Template,
    ) => {
      const template = chosen ?? pick(random, templates);
      const district = envelope.district ?? districtOf();
      const { title, choice } = uniqueTitle(template, district);
      const description = fill(template.description, choice);
      const costCents = costIn(random, template.cost);
      number += 1;
      const projectId = randomUUID();
      const point = await pointIn(district);
      const directorate = directorates.get(DEFAULT_THEME_DIRECTORATES[template.theme as Theme]) ?? null;
      rows.projects.push({
        id: projectId,
        campaign_id: campaignId,
        envelope_id: envelope.id,
        number,
        title,
        summary: description,
        theme: template.theme,
        address: '',
        location: `(${point.lon},${point.lat})`,
        arrondissement_code: district.code,
        cost_cents: costCents,
        directorate_id: directorate?.id ?? null,
        created_at: inStudy(0.9, 0.99),
      });
      const merged = random() < 0.28 ? 2 + Math.floor(random() * 2) : 1;
      // References are known once made: the events name the others.
      const made: { id: string; reference: string }[] = [];
      for (let i = 0; i < merged; i++) {
        // Similar proposals: the same idea, somewhere else nearby, in other words.
        const variant = i === 0 ? choice : choose(district);
        const variantTitle = i === 0 ? title : fill(template.title, variant);
        const variantDescription = i === 0 ? description : fill(template.description, variant);
        made.push(
          await addProposal({
            template,
            envelope,
            district,
            title: variantTitle.slice(0, 150),
            description: variantDescription,
            street: variant.street,
            state: merged > 1 ? 'merged' : 'on_ballot',
            projectId,
            projectNumber: number,
            costCents: Math.round(costCents / merged / 100_000) * 100_000 || costCents,
            byCitizen: plan.slug === '2026' && number % 40 === 3,
          }),
        );
      }
      if (merged > 1) {
        const refs = made.map((m) => m.reference);
        for (const event of rows.events) {
          const proposal = made.find((m) => m.id === event.proposal_id);
          if (proposal && event.kind === 'merged')
            event.data = JSON.stringify({
              projectNumber: number,
              projectTitle: title,
              with: refs.filter((r) => r !== proposal.reference),
            });
        }
      }
    };

    const randomDistrict = () => pick(random, districts);
    const city = envelopes.find((e) => e.kind === 'city')!;
    const qp = envelopes.find((e) => e.code === 'quartiers-populaires')!;
    const ecoles = envelopes.find((e) => e.code === 'ecoles')!;
    // Quartiers populaires are in the north and east of Paris.
    const popular = districts.filter((x) =>
      ['10', '11', '13', '14', '17', '18', '19', '20'].includes(x.code),
    );
    // City-wide ideas are each used once, in a shuffled order.
    const cityOrder = [...CITY_TEMPLATES].sort(() => random() - 0.5);
    for (let i = 0; i < plan.counts.city; i++)
      await addProject(city, CITY_TEMPLATES, randomDistrict, cityOrder[i % cityOrder.length]);
    for (const envelope of envelopes.filter((e) => e.kind === 'arrondissement'))
      for (let i = 0; i < plan.counts.arrondissement; i++)
        await addProject(envelope, TEMPLATES, randomDistrict);
    for (let i = 0; i < plan.counts.qp; i++)
      await addProject(qp, QP_TEMPLATES, () => pick(random, popular.length ? popular : districts));
    for (let i = 0; i < plan.counts.ecoles; i++) await addProject(ecoles, SCHOOL_TEMPLATES, randomDistrict);

    // Proposals that did not make it: not feasible, not admissible, withdrawn.
    const arrondissementEnvelopes = envelopes.filter((e) => e.kind === 'arrondissement');
    const others = Math.round(number * 0.45);
    for (let i = 0; i < others; i++) {
      const envelope = pick(random, arrondissementEnvelopes);
      const district = envelope.district!;
      const template = pick(random, TEMPLATES);
      const roll = random();
      const state: ProposalState = roll < 0.6 ? 'unfeasible' : roll < 0.9 ? 'inadmissible' : 'withdrawn';
      const { title, choice } = uniqueTitle(template, district);
      await addProposal({
        template,
        envelope,
        district,
        title,
        description: fill(template.description, choice),
        street: choice.street,
        state,
        costCents: costIn(random, template.cost),
        reason:
          state === 'unfeasible'
            ? pick(random, UNFEASIBLE_REASONS)
            : state === 'inadmissible'
              ? pick(random, INADMISSIBLE_REASONS)
              : undefined,
        byCitizen: plan.slug === '2026' && i === 5,
      });
    }
    rows.sequences.push({ campaign_id: campaignId, last_value: sequence });
    if (plan.supports)
      addSupports(
        rows.proposals.filter((p) => p.campaign_id === campaignId),
        supporters,
        citizen?.id ?? null,
        d.vote_starts_at,
        rows.supports,
        generator(plan.slug === '2026' ? 2026_0001 : 2025_0001),
      );
    progress(`budget: ${plan.slug}: ${number} projects, ${sequence} proposals`);
  }

  // One comment hidden by moderation, to show how it reads.
  const hidden = rows.comments[0];
  if (hidden) {
    hidden.status = 'hidden';
    hidden.moderation_reason = 'Propos injurieux';
  }

  const written = await db.transaction().execute(async (tx) => {
    const marker = await tx
      .insertInto('core_setting')
      .values({ key: PROPOSALS_DEMO_KEY, value: JSON.stringify({ at: now.toISOString() }) })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!marker) return false;
    await insertAll(tx, 'account_user', rows.supporters);
    await insertAll(tx, 'budget_campaign', rows.campaigns);
    for (const campaign of rows.campaigns) await insertDefaultThemeRoutes(tx, campaign.id as string);
    await insertAll(tx, 'budget_sequence', rows.sequences);
    await insertAll(tx, 'budget_envelope', rows.envelopes);
    await insertAll(tx, 'budget_project', rows.projects);
    await insertAll(tx, 'budget_proposal', rows.proposals);
    await insertAll(tx, 'budget_proposal_author', rows.authors);
    await insertAll(tx, 'budget_proposal_event', rows.events);
    await insertAll(tx, 'budget_comment', rows.comments);
    await insertAll(tx, 'budget_support', rows.supports);
    return true;
  });
  if (!written) return { skipped: true, projects: 0, proposals: 0 };
  progress(
    `budget: ${rows.projects.length} projects on the ballots, ${rows.proposals.length} proposals, ${rows.supports.length} supports`,
  );
  return { skipped: false, projects: rows.projects.length, proposals: rows.proposals.length };
}

/** How much people back a proposal, by where it ended: the ideas on the ballot drew most. */
const SUPPORT_FACTOR: Partial<Record<ProposalState, number>> = {
  on_ballot: 1.4,
  merged: 1.1,
  feasible: 1,
  unfeasible: 0.7,
  admissible: 0.8,
  submitted: 0.8,
  inadmissible: 0.35,
  withdrawn: 0.15,
};
/** Strides prime to SUPPORTER_COUNT: walking the pool by one of them never meets an account twice. */
const STRIDES = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

/**
 * Supports of a campaign's proposals, with a long tail as on a real platform: most proposals
 * get a handful, a few get a hundred or more (log-normal, median about 8). Each support is a
 * distinct account of the pool, given between the proposal's filing and the vote; the demo
 * citizen backs about one proposal in twenty. Sets supports_count on the proposal rows.
 * Its own generator: the rest of the demo reads the same with or without supports.
 */
function addSupports(
  proposals: Record<string, unknown>[],
  pool: string[],
  citizenId: string | null,
  voteStartsAt: Date,
  out: Record<string, unknown>[],
  random: Random,
): void {
  for (const [index, p] of proposals.entries()) {
    // Box–Muller: a normal draw from two uniform ones.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const factor = SUPPORT_FACTOR[p.state as ProposalState] ?? 1;
    const count = Math.min(pool.length, Math.max(0, Math.round(Math.exp(2.1 + 1.05 * z) * factor) - 1));
    const start = Math.floor(random() * pool.length);
    const stride = pick(random, STRIDES);
    const from = (p.created_at as Date).getTime();
    const span = Math.max(60_000, Math.min(voteStartsAt.getTime() - from, 120 * DAY_MS));
    const users = Array.from({ length: count }, (_, i) => pool[(start + i * stride) % pool.length]!);
    if (citizenId && index % 20 === 7) users.push(citizenId);
    for (const userId of users)
      out.push({
        proposal_id: p.id,
        user_id: userId,
        // Most supports come in the first weeks after the proposal is published.
        created_at: new Date(from + 60_000 + Math.floor((span - 60_000) * random() ** 2)),
      });
    p.supports_count = users.length;
  }
}

type SeedTable =
  | 'account_user'
  | 'budget_support'
  | 'budget_campaign'
  | 'budget_sequence'
  | 'budget_envelope'
  | 'budget_project'
  | 'budget_proposal'
  | 'budget_proposal_author'
  | 'budget_proposal_event'
  | 'budget_comment';

/** Batched inserts of rows prepared above (plain objects: the columns of each table). */
async function insertAll(db: Db, table: SeedTable, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    // Rows are built for this table above: the typed builder only sees plain objects here.
    await (db as unknown as Kysely<Record<SeedTable, Record<string, unknown>>>)
      .insertInto(table)
      .values(batch)
      .execute();
  }
}
