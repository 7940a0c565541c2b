/**
 * The reports demo: a few thousand realistic reports over the past year across the 20
 * arrondissements, in every workflow state with consistent timelines, some followers, a few
 * satisfaction answers and photos drawn by sharp (no download). Runs after the Paris demo
 * (areas, services, accounts). Idempotent: a marker in core_setting, written in the same
 * transaction as the reports, makes a second run a no-op.
 *
 * Speed: rows are built in memory and inserted in batches through plain SQL (3,000 reports in a
 * few seconds on PGlite), not through submitReport; references stay unique and the yearly
 * sequence rows are moved past the numbers used.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { Actor } from '../../../core/audit/audit.js';
import { recordAudit } from '../../../core/audit/audit.js';
import type { Db } from '../../../core/db/database.js';
import type { CoreServices } from '../../../core/services.js';
import { seedReportCategories } from '../categories.service.js';
import { DEFAULT_REFERENCE_PREFIX, formatReference } from '../domain/reference.js';
import { type RoutingService, routeReport } from '../domain/routing.js';
import { OPEN_STATES, type ReportState } from '../domain/workflow.js';
import '../reports.tables.js';

export const REPORTS_DEMO_ACTOR: Actor = { userId: null, label: 'seed:reports-demo' };
export const REPORTS_DEMO_KEY = 'demo.reports.seeded_at';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface ReportsDemoOptions {
  count?: number;
  onProgress?: (message: string) => void;
  /** The demo's "today" (tests pin it). */
  now?: Date;
  /** Seed of the pseudo-random generator: the same seed gives the same demo. */
  randomSeed?: number;
}

export interface ReportsDemoSummary {
  skipped: boolean;
  reports: number;
  events: number;
  photos: number;
  followers: number;
  byState: Record<string, number>;
}

// ---- randomness ---------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for a demo, and reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Log-normal delay in days around `median`. */
function delayDays(random: () => number, median: number, spread = 0.9): number {
  const u = Math.max(1e-9, random());
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * normal);
}

// ---- demo vocabulary ----------------------------------------------------------------------

/** Top-level DansMaRue categories: how common they are, and what residents write. */
const TOP_LEVELS: Record<string, { weight: number; texts: string[] }> = {
  '1000': {
    weight: 30,
    texts: [
      'Dépôt sauvage sur le trottoir depuis plusieurs jours.',
      'Matelas et meubles abandonnés au pied de l’immeuble.',
      'Sacs et cartons laissés contre la façade.',
    ],
  },
  '3000': {
    weight: 22,
    texts: ['Trottoir très sale.', 'Corbeille qui déborde.', 'Déjections canines devant l’école.'],
  },
  '3600': {
    weight: 15,
    texts: ['Tags sur la façade.', 'Affiches collées sur le mobilier.', 'Graffiti sur le mur du square.'],
  },
  '4000': {
    weight: 8,
    texts: ['Nid de poule dangereux pour les vélos.', 'Potelet arraché.', 'Marquage au sol effacé.'],
  },
  '2000': {
    weight: 4,
    texts: ['Chantier mal balisé.', 'Palissade de chantier tombée.'],
  },
  '6000': {
    weight: 6,
    texts: ['Lampadaire éteint la nuit.', 'Éclairage qui clignote.'],
  },
  '7000': {
    weight: 6,
    texts: ['Banc cassé.', 'Barrière tordue.', 'Panneau arraché.'],
  },
  '9000': {
    weight: 5,
    texts: ['Branche cassée au-dessus du trottoir.', 'Pied d’arbre envahi.'],
  },
  '11000': {
    weight: 4,
    texts: ['Bouche d’égout qui déborde.', 'Fuite d’eau sur la chaussée.'],
  },
};
const OTHER_TOP = { weight: 2, texts: ['Problème signalé.'] };

/** More reports where more people live and pass by. */
const ARRONDISSEMENT_WEIGHTS: Record<string, number> = {
  '1': 2,
  '2': 2,
  '3': 3,
  '4': 3,
  '5': 4,
  '6': 3,
  '7': 3,
  '8': 3,
  '9': 4,
  '10': 6,
  '11': 8,
  '12': 6,
  '13': 7,
  '14': 5,
  '15': 8,
  '16': 5,
  '17': 7,
  '18': 9,
  '19': 8,
  '20': 8,
};

const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Inès', 'Louis', 'Chloé', 'Nathan', 'Manon', 'Yanis', 'Sarah'];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Diallo',
];
const REJECT_REASONS = ['not_city_responsibility', 'private_property', 'not_found', 'already_fixed'];

// ---- categories ---------------------------------------------------------------------------

interface DemoCategory {
  id: string;
  topId: string;
  path: string[];
  defaultServiceId: string | null;
  targetDays: number | null;
}

async function loadCategories(db: Db): Promise<DemoCategory[]> {
  const rows = await db
    .selectFrom('report_category')
    .select(['id', 'parent_id', 'label', 'default_service_id', 'target_days', 'active'])
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const hasChildren = new Set(rows.map((row) => row.parent_id).filter(Boolean));
  const result: DemoCategory[] = [];
  for (const row of rows) {
    if (hasChildren.has(row.id)) continue;
    const chain = [row];
    let parent = row.parent_id ? byId.get(row.parent_id) : undefined;
    while (parent && chain.length < 5) {
      chain.unshift(parent);
      parent = parent.parent_id ? byId.get(parent.parent_id) : undefined;
    }
    // usable leaf: the leaf and every ancestor active
    if (!chain.every((c) => c.active)) continue;
    const nearest = <K extends 'default_service_id' | 'target_days'>(key: K) =>
      [...chain].reverse().find((c) => c[key] !== null)?.[key] ?? null;
    result.push({
      id: row.id,
      topId: chain[0]!.id,
      path: chain.map((c) => c.label),
      defaultServiceId: nearest('default_service_id') as string | null,
      targetDays: nearest('target_days') as number | null,
    });
  }
  return result;
}

// ---- photos -------------------------------------------------------------------------------

/** A handful of 640×480 JPEGs drawn from SVG (gradients and shapes), shared by many reports. */
async function makeDemoPhotos(dataDir: string, count = 6): Promise<{ key: string; bytes: number }[]> {
  const dir = path.join(dataDir, 'files', 'reports');
  await mkdir(dir, { recursive: true });
  const palettes = [
    ['#8d99ae', '#2b2d42', '#ef233c'],
    ['#a3b18a', '#344e41', '#dad7cd'],
    ['#f4a261', '#264653', '#e9c46a'],
    ['#cdb4db', '#5e548e', '#ffafcc'],
    ['#90e0ef', '#023e8a', '#caf0f8'],
    ['#d4a373', '#6b705c', '#fefae0'],
  ];
  const photos: { key: string; bytes: number }[] = [];
  for (let i = 0; i < count; i++) {
    const [a, b, c] = palettes[i % palettes.length]!;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
      <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
      <rect width="640" height="480" fill="url(#g)"/>
      <rect x="0" y="330" width="640" height="150" fill="${b}" opacity="0.6"/>
      <rect x="${120 + i * 40}" y="250" width="${160 + i * 10}" height="110" rx="12" fill="${c}"/>
      <circle cx="${480 - i * 20}" cy="120" r="${40 + i * 5}" fill="${c}" opacity="0.8"/>
    </svg>`;
    const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
    const key = `${randomUUID()}.jpg`;
    await writeFile(path.join(dir, key), jpeg);
    photos.push({ key, bytes: jpeg.length });
  }
  return photos;
}

// ---- the seed -----------------------------------------------------------------------------

type EventRow = {
  report_id: string;
  at: Date;
  kind: string;
  actor_id: string | null;
  public: boolean;
  data: string;
};

async function insertInBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export async function isReportsDemoSeeded(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('core_setting')
    .select('key')
    .where('key', '=', REPORTS_DEMO_KEY)
    .executeTakeFirst();
  return !!row;
}

type Contractor = { id: string; name: string };

export async function seedReportsDemo(
  core: CoreServices,
  options: ReportsDemoOptions = {},
): Promise<ReportsDemoSummary> {
  const count = options.count ?? 3000;
  const progress = options.onProgress ?? (() => {});
  const now = options.now ?? new Date();
  const random = prng(options.randomSeed ?? 20261125);
  const db = core.db;
  const empty = { reports: 0, events: 0, photos: 0, followers: 0, byState: {} };
  if (await isReportsDemoSeeded(db)) {
    progress('the reports demo is already seeded: nothing to do');
    return { skipped: true, ...empty };
  }

  const districtLayer = core.config.city.districtLayer || 'arrondissements';
  const districts = await db
    .selectFrom('area_feature')
    .select(['id', 'code', 'name', 'geometry'])
    .where('layer_id', '=', districtLayer)
    .execute();
  if (districts.length === 0) {
    throw new Error(`The reports demo needs the "${districtLayer}" areas: seed the Paris demo first`);
  }

  // The DansMaRue tree with the demo's services and target times (R1; a no-op when present).
  await seedReportCategories(core, REPORTS_DEMO_ACTOR);
  const categories = await loadCategories(db);
  if (categories.length === 0) throw new Error('The reports demo needs at least one usable category');
  const categoryWeights = categories.map(
    (c) =>
      [
        c,
        (TOP_LEVELS[c.topId] ?? OTHER_TOP).weight / categories.filter((d) => d.topId === c.topId).length,
      ] as const,
  );

  const serviceRows = await db
    .selectFrom('org_service')
    .select(['id', 'code', 'name', 'directorate_id', 'area_ids', 'active'])
    .execute();
  const services: RoutingService[] = serviceRows.map((s) => ({
    id: s.id,
    code: s.code,
    directorateId: s.directorate_id,
    areaIds: s.area_ids,
    active: s.active,
  }));
  const serviceName = new Map(serviceRows.map((s) => [s.id, s.name]));
  const agents = await db.selectFrom('org_membership').select(['user_id', 'service_id']).execute();
  const agentsOf = (serviceId: string | null) =>
    agents.filter((a) => a.service_id === serviceId).map((a) => a.user_id);

  // Residents who report and follow: the demo citizen plus a few accounts that cannot sign in.
  const citizen = await db
    .selectFrom('account_user')
    .select('id')
    .where('email', '=', 'citoyen@demo.ville-ouverte.fr')
    .executeTakeFirst();
  const residents: string[] = citizen ? [citizen.id] : [];
  for (let i = 1; i <= 12; i++) {
    const email = `habitant-${String(i).padStart(2, '0')}@demo.ville-ouverte.invalid`;
    const existing = await db
      .selectFrom('account_user')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    const user =
      existing ??
      (await db
        .insertInto('account_user')
        .values({
          email,
          email_verified_at: now,
          password_hash: null,
          deleted_at: null,
          display_name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i * 3) % LAST_NAMES.length]}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    residents.push(user.id);
  }

  progress('photos: drawing the demo images');
  const photoFiles = await makeDemoPhotos(core.config.dataDir);
  const contractors = core.config.city.reports.contractors;

  // Points: sample the district's bounding box, keep points the area index puts in it.
  const weightsByDistrict = districts.map((d) => [d, ARRONDISSEMENT_WEIGHTS[d.code] ?? 4] as const);
  const bboxes = new Map(
    districts.map((d) => {
      const geometry = d.geometry as { type: string; coordinates: number[][][] | number[][][][] };
      const rings = (
        geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()
      ) as number[][][];
      let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const ring of rings)
        for (const [x = 0, y = 0] of ring) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      return [d.id, { minX, minY, maxX, maxY }] as const;
    }),
  );

  progress(`reports: generating ${count}`);
  interface Draft {
    id: string;
    createdAt: Date;
    row: Record<string, unknown>;
  }
  const drafts: Draft[] = [];
  const events: EventRow[] = [];
  const photos: Record<string, unknown>[] = [];
  const followers = new Map<string, { report_id: string; user_id: string; created_at: Date }>();
  const byState: Record<string, number> = {};
  // Reports that were open long enough ago to be the original of a duplicate.
  const earlier: { id: string; createdAt: Date }[] = [];

  for (let n = 0; n < count; n++) {
    const district = weighted(random, weightsByDistrict);
    const box = bboxes.get(district.id)!;
    let lat = 0;
    let lon = 0;
    let located: Record<string, { id: string; code: string; name: string } | null> = {};
    for (let attempt = 0; attempt < 60; attempt++) {
      lon = box.minX + random() * (box.maxX - box.minX);
      lat = box.minY + random() * (box.maxY - box.minY);
      located = await core.areas.locate({ lat, lon });
      if (located[districtLayer]?.id === district.id) break;
    }
    const arrondissement = located[districtLayer] ?? {
      id: district.id,
      code: district.code,
      name: district.name,
    };
    const quartier = located.quartiers ?? null;
    const areaIds = [quartier?.id, arrondissement.id].filter((id): id is string => !!id);

    const category = weighted(random, categoryWeights);
    const top = TOP_LEVELS[category.topId] ?? OTHER_TOP;
    const decision = routeReport({
      defaultServiceId: category.defaultServiceId,
      services,
      pointAreaIds: areaIds,
    });
    const serviceId = decision.serviceId;

    // Over the past year, during the day.
    const ageDays = random() * 365;
    const created = new Date(now.getTime() - ageDays * DAY);
    created.setUTCHours(
      6 + Math.floor(random() * 14),
      Math.floor(random() * 60),
      Math.floor(random() * 60),
      0,
    );
    if (created > now) created.setTime(now.getTime() - HOUR);
    const age = (now.getTime() - created.getTime()) / DAY;

    let state: ReportState =
      age < 3
        ? weighted(random, [
            ['new', 55],
            ['to_process', 25],
            ['scheduled', 5],
            ['done', 12],
            ['duplicate', 3],
          ] as const)
        : age < 30
          ? weighted(random, [
              ['new', 8],
              ['to_process', 18],
              ['scheduled', 10],
              ['transferred_third_party', 5],
              ['done', 45],
              ['rejected', 7],
              ['duplicate', 4],
              ['watched', 3],
            ] as const)
          : weighted(random, [
              ['new', 2],
              ['to_process', 5],
              ['scheduled', 3],
              ['transferred_third_party', 2],
              ['done', 62],
              ['rejected', 9],
              ['duplicate', 4],
              ['watched', 4],
              ['archived', age > 60 ? 9 : 0],
            ] as const);
    if (state === 'duplicate' && earlier.length === 0) state = 'done';

    const id = randomUUID();
    const agentIds = agentsOf(serviceId);
    const agent = agentIds.length > 0 ? pick(random, agentIds) : null;
    const event = (
      at: Date,
      kind: string,
      data: Record<string, unknown>,
      actorId: string | null = null,
      isPublic = true,
    ) =>
      events.push({
        report_id: id,
        at,
        kind,
        actor_id: actorId,
        public: isPublic,
        data: JSON.stringify(data),
      });

    event(created, 'received', { channel: 'web' });
    event(new Date(created.getTime() + 1000), 'routed', {
      serviceId,
      serviceName: serviceId ? serviceName.get(serviceId) : null,
      reason: decision.reason,
    });

    // Transitions at plausible delays, never after "now".
    const available = now.getTime() - created.getTime() - 2000;
    let clock = created.getTime() + 1000;
    const step = (medianDays: number) => {
      const wanted = delayDays(random, medianDays) * DAY;
      // leave room for the steps still to come
      clock = Math.min(clock + wanted, created.getTime() + 1000 + available * (0.6 + random() * 0.35));
      clock = Math.max(clock, created.getTime() + 2000);
      return new Date(clock);
    };
    const transition = (
      action: string,
      from: ReportState,
      to: ReportState,
      at: Date,
      extra: Record<string, unknown> = {},
    ) => event(at, 'status_changed', { action, from, to, ...extra }, agent);

    let closedAt: Date | null = null;
    let scheduledFor: Date | null = null;
    let reasonCode: string | null = null;
    let duplicateOf: string | null = null;
    let thirdParty: Contractor | null = null;
    const finalTransition = (target: ReportState): Date => {
      let from: ReportState = 'new';
      if (target !== 'watched' || random() < 0.7) {
        const at = step(0.5);
        transition('qualify', 'new', 'to_process', at);
        from = 'to_process';
      }
      if (target === 'to_process') return new Date(clock);
      if (target === 'scheduled' || (target === 'done' && random() < 0.3)) {
        const at = step(1.5);
        scheduledFor = new Date(at.getTime() + (2 + random() * 10) * DAY);
        transition('schedule', from, 'scheduled', at, { scheduledFor: scheduledFor.toISOString() });
        from = 'scheduled';
        if (target === 'scheduled') return at;
      }
      const at = step(target === 'done' ? (category.targetDays ?? 14) * 0.6 : 2);
      const actions: Record<string, string> = {
        done: 'mark_done',
        rejected: 'reject',
        duplicate: 'mark_duplicate',
        watched: 'watch',
        transferred_third_party: 'transfer_third_party',
      };
      const extra: Record<string, unknown> = {};
      if (target === 'rejected') {
        reasonCode = pick(random, REJECT_REASONS);
        extra.reasonCode = reasonCode;
      }
      if (target === 'duplicate') {
        duplicateOf = pick(random, earlier).id;
        extra.duplicateOfId = duplicateOf;
      }
      if (target === 'transferred_third_party' && contractors.length > 0) {
        thirdParty = pick(random, contractors);
        extra.thirdPartyId = thirdParty.id;
        extra.thirdPartyName = thirdParty.name;
      }
      transition(actions[target]!, from, target, at, extra);
      return at;
    };

    let updatedAt = new Date(created.getTime() + 1000);
    if (state === 'archived') {
      const doneAt = finalTransition('done');
      closedAt = doneAt;
      const archivedAt = new Date(
        Math.min(now.getTime() - 1000, doneAt.getTime() + (30 + random() * 30) * DAY),
      );
      event(archivedAt, 'status_changed', { action: 'archive', from: 'done', to: 'archived' }, null);
      updatedAt = archivedAt;
    } else if (state !== 'new') {
      updatedAt = finalTransition(state);
      if (!OPEN_STATES.includes(state)) closedAt = updatedAt;
    }

    // The reporter: anonymous, an email only, or a resident's account.
    const who = random();
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const reporterUser = who < 0.25 && residents.length > 0 ? pick(random, residents) : null;
    const withEmail = reporterUser !== null || who < 0.6;
    const reporter = {
      reporter_user_id: reporterUser,
      reporter_name: withEmail && random() < 0.7 ? `${first} ${last}` : '',
      reporter_email: withEmail
        ? `${first}.${last}.${n}@example.org`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
        : '',
      reporter_phone:
        withEmail && random() < 0.2
          ? `06 ${String(10_000_000 + n)
              .slice(0, 8)
              .replace(/(\d\d)(?=\d)/g, '$1 ')}`
          : '',
    };
    let satisfied: boolean | null = null;
    if (state === 'done' && withEmail && random() < 0.3) {
      satisfied = random() < 0.78;
      const fixedAt = (closedAt as Date | null)?.getTime() ?? now.getTime();
      event(
        new Date(Math.min(now.getTime() - 500, fixedAt + random() * 3 * DAY)),
        'rated',
        { satisfied },
        reporterUser,
        false,
      );
    }

    // Photos: many reports have one; after-fix photos on some fixed ones.
    if (random() < 0.4) {
      const file = pick(random, photoFiles);
      const status =
        OPEN_STATES.includes(state) && age < 5 && random() < 0.5
          ? 'pending'
          : random() < 0.05
            ? 'refused'
            : 'accepted';
      photos.push({
        id: randomUUID(),
        report_id: id,
        kind: 'initial',
        status,
        storage_key: file.key,
        width: 640,
        height: 480,
        bytes: file.bytes,
        created_at: created,
      });
    }
    if (state === 'done' && random() < 0.3 && closedAt) {
      const file = pick(random, photoFiles);
      photos.push({
        id: randomUUID(),
        report_id: id,
        kind: 'after_fix',
        status: 'accepted',
        storage_key: file.key,
        width: 640,
        height: 480,
        bytes: file.bytes,
        created_at: closedAt,
      });
    }

    // Followers: a few residents follow some reports.
    if (random() < 0.12 && residents.length > 0) {
      const followerCount = 1 + Math.floor(random() * 3);
      for (let f = 0; f < followerCount; f++) {
        const user = pick(random, residents);
        if (user === reporterUser) continue;
        followers.set(`${id}:${user}`, {
          report_id: id,
          user_id: user,
          created_at: new Date(
            created.getTime() + random() * Math.max(0, updatedAt.getTime() - created.getTime()),
          ),
        });
      }
    }

    byState[state] = (byState[state] ?? 0) + 1;
    if (age > 2) earlier.push({ id, createdAt: created });
    drafts.push({
      id,
      createdAt: created,
      row: {
        id,
        category_id: category.id,
        service_id: serviceId,
        state,
        description: pick(random, top.texts),
        address: quartier ? `Quartier ${quartier.name}, ${arrondissement.name}` : arrondissement.name,
        location: `(${lon},${lat})`,
        arrondissement_code: arrondissement.code,
        arrondissement_name: arrondissement.name,
        quartier_code: quartier?.code ?? null,
        quartier_name: quartier?.name ?? null,
        area_ids: areaIds,
        routing: JSON.stringify({
          reason: decision.reason,
          matchedAreaId: decision.matchedAreaId,
          serviceId,
          service: serviceId ? (serviceName.get(serviceId) ?? null) : null,
          categoryPath: category.path,
          area: decision.matchedAreaId
            ? ([quartier, arrondissement].find((a) => a?.id === decision.matchedAreaId)?.name ?? null)
            : null,
        }),
        channel: random() < 0.08 ? 'open311' : 'web',
        ...reporter,
        attributes: '{}',
        assigned_agent_id: state !== 'new' && random() < 0.5 ? agent : null,
        scheduled_for: scheduledFor,
        closed_at: closedAt,
        reason_code: reasonCode,
        satisfied,
        created_at: created,
        updated_at: updatedAt,
        duplicate_of: duplicateOf,
        // Set inside finalTransition: TypeScript does not see the closure's assignment.
        third_party_id: (thirdParty as Contractor | null)?.id ?? null,
        third_party_name: (thirdParty as Contractor | null)?.name ?? null,
      },
    });
    if ((n + 1) % 1000 === 0) progress(`reports: ${n + 1} generated`);
  }

  const written = await db.transaction().execute(async (tx) => {
    // Another process may have seeded meanwhile: the marker decides, inside the transaction.
    const marker = await tx
      .insertInto('core_setting')
      .values({ key: REPORTS_DEMO_KEY, value: JSON.stringify({ at: now.toISOString(), count }) })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!marker) return false;

    // References in order of creation, per year, after the numbers already used.
    drafts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const sequences = new Map(
      (await tx.selectFrom('report_sequence').select(['year', 'last_value']).execute()).map((s) => [
        s.year,
        s.last_value,
      ]),
    );
    const yearOf = (date: Date) =>
      Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', year: 'numeric' }).format(date));
    for (const draft of drafts) {
      const year = yearOf(draft.createdAt);
      const next = (sequences.get(year) ?? 0) + 1;
      sequences.set(year, next);
      draft.row.reference = formatReference({ prefix: DEFAULT_REFERENCE_PREFIX, year, sequence: next });
    }
    for (const [year, last] of sequences) {
      await tx
        .insertInto('report_sequence')
        .values({ year, last_value: last })
        .onConflict((oc) =>
          oc
            .column('year')
            .doUpdateSet({ last_value: sql`greatest(report_sequence.last_value, excluded.last_value)` }),
        )
        .execute();
    }

    // Originals of duplicates are inserted first: insert without duplicate_of, then link.
    const duplicates = drafts
      .filter((d) => d.row.duplicate_of)
      .map((d) => [d.id, d.row.duplicate_of as string] as const);
    await insertInBatches(drafts, 400, (batch) =>
      tx
        .insertInto('report_report')
        .values(batch.map((d) => ({ ...d.row, duplicate_of: null }) as never))
        .execute(),
    );
    progress(`reports: ${drafts.length} inserted`);
    for (const [id, original] of duplicates) {
      await tx.updateTable('report_report').set({ duplicate_of: original }).where('id', '=', id).execute();
    }
    await insertInBatches(events, 1000, (batch) => tx.insertInto('report_event').values(batch).execute());
    await insertInBatches(photos, 500, (batch) =>
      tx
        .insertInto('report_photo')
        .values(batch as never)
        .execute(),
    );
    await insertInBatches([...followers.values()], 1000, (batch) =>
      tx.insertInto('report_follower').values(batch).execute(),
    );
    await recordAudit(tx, REPORTS_DEMO_ACTOR, {
      action: 'reports.demo.seeded',
      objectType: 'report',
      details: {
        reports: drafts.length,
        events: events.length,
        photos: photos.length,
        followers: followers.size,
      },
    });
    return true;
  });
  if (!written) {
    progress('the reports demo was seeded by another process meanwhile: nothing done');
    return { skipped: true, ...empty };
  }
  progress(`reports demo: ${drafts.length} reports, ${events.length} events, ${photos.length} photos`);
  return {
    skipped: false,
    reports: drafts.length,
    events: events.length,
    photos: photos.length,
    followers: followers.size,
    byState,
  };
}
