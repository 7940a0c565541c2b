/**
 * Demo tracking for the past campaign "2025" (its campaign and projects come from the
 * proposals part's seed, its winners from the vote part's published results): each winner
 * gets a status across studies / works / delivered / abandoned, a progress, one to four dated
 * milestones each with a photo drawn by sharp from SVG (no download), and the demo citizen
 * follows a few. Does nothing while the campaign or its winners are missing (a later start
 * tries again); once done, a marker in core_setting (written in the same transaction) makes
 * it do nothing again.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { type Actor, recordAudit } from '../../../../core/audit/audit.js';
import type { Db } from '../../../../core/db/database.js';
import type { CoreServices } from '../../../../core/services.js';
import type { ImplementationStatus } from '../../budget.tables.js';
import { cityToday } from '../tracking.domain.js';
import * as store from '../tracking.store.js';

export const TRACKING_DEMO_KEY = 'demo.budget.tracking.seeded_at';
export const TRACKING_DEMO_ACTOR: Actor = { userId: null, label: 'seed:budget-tracking-demo' };
export const DEMO_CAMPAIGN_SLUG = '2025';
const DEMO_CITIZEN = 'citoyen@demo.ville-ouverte.fr';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrackingDemoOptions {
  onProgress?: (message: string) => void;
  now?: Date;
}

export interface TrackingDemoSummary {
  skipped: 'done' | 'no_campaign' | 'no_winners' | null;
  projects: number;
  milestones: number;
}

/** What each drawing shows: a colour scheme and a simple scene. */
const SCENES = ['garden', 'playground', 'cycle', 'building', 'trees', 'square'] as const;
type Scene = (typeof SCENES)[number];

function sceneSvg(scene: Scene, variant: number): string {
  const sky = ['#bde0fe', '#caf0f8', '#ffe5b4', '#e0e1dd'][variant % 4];
  const ground = ['#95d5b2', '#adb5bd', '#b7b7a4', '#d4a373'][variant % 4];
  const shapes: Record<Scene, string> = {
    garden: `<rect x="60" y="300" width="520" height="90" rx="10" fill="#6a994e"/>
      <circle cx="140" cy="290" r="40" fill="#f4a261"/><circle cx="260" cy="285" r="46" fill="#e76f51"/>
      <circle cx="390" cy="292" r="38" fill="#e9c46a"/><circle cx="500" cy="288" r="44" fill="#f28482"/>`,
    playground: `<rect x="120" y="220" width="16" height="160" fill="#495057"/><rect x="300" y="220" width="16" height="160" fill="#495057"/>
      <rect x="110" y="210" width="220" height="18" fill="#e63946"/><rect x="190" y="228" width="6" height="90" fill="#343a40"/>
      <rect x="170" y="318" width="46" height="10" fill="#ffb703"/><polygon points="400,380 560,380 560,250" fill="#219ebc"/>`,
    cycle: `<rect x="0" y="330" width="640" height="90" fill="#6c757d"/><rect x="0" y="360" width="640" height="30" fill="#2a9d8f"/>
      <circle cx="260" cy="345" r="30" fill="none" stroke="#212529" stroke-width="8"/>
      <circle cx="360" cy="345" r="30" fill="none" stroke="#212529" stroke-width="8"/>
      <polyline points="260,345 300,295 360,345 310,345 300,295" fill="none" stroke="#d62828" stroke-width="8"/>`,
    building: `<rect x="180" y="150" width="280" height="240" fill="#f1faee"/><polygon points="160,150 320,70 480,150" fill="#457b9d"/>
      <rect x="220" y="200" width="50" height="50" fill="#a8dadc"/><rect x="370" y="200" width="50" height="50" fill="#a8dadc"/>
      <rect x="290" y="300" width="60" height="90" fill="#1d3557"/>`,
    trees: `<rect x="140" y="250" width="20" height="130" fill="#6f4e37"/><circle cx="150" cy="230" r="60" fill="#2d6a4f"/>
      <rect x="320" y="230" width="24" height="150" fill="#6f4e37"/><circle cx="332" cy="205" r="72" fill="#40916c"/>
      <rect x="490" y="260" width="18" height="120" fill="#6f4e37"/><circle cx="499" cy="240" r="52" fill="#52b788"/>`,
    square: `<rect x="80" y="280" width="480" height="110" fill="#e9ecef"/><rect x="140" y="250" width="90" height="14" fill="#8d6e63"/>
      <rect x="410" y="250" width="90" height="14" fill="#8d6e63"/><circle cx="320" cy="300" r="48" fill="#90e0ef"/>
      <circle cx="320" cy="300" r="20" fill="#0077b6"/>`,
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="640" height="480" fill="${sky}"/>
    <circle cx="${520 - variant * 30}" cy="90" r="40" fill="#ffd166"/>
    <rect x="0" y="380" width="640" height="100" fill="${ground}"/>
    ${shapes[scene]}
  </svg>`;
}

/** A small set of 640×480 JPEGs, shared by the milestones (as the reports demo does). */
async function drawPhotos(
  dataDir: string,
): Promise<{ key: string; bytes: number; width: number; height: number }[]> {
  const dir = path.join(dataDir, 'files', 'budget-milestones');
  await mkdir(dir, { recursive: true });
  const photos: { key: string; bytes: number; width: number; height: number }[] = [];
  for (const [i, scene] of SCENES.entries()) {
    const jpeg = await sharp(Buffer.from(sceneSvg(scene, i)))
      .jpeg({ quality: 72 })
      .toBuffer();
    const key = `${randomUUID()}.jpg`;
    await writeFile(path.join(dir, key), jpeg);
    photos.push({ key, bytes: jpeg.length, width: 640, height: 480 });
  }
  return photos;
}

async function isSeeded(db: Db): Promise<boolean> {
  return !!(await db
    .selectFrom('core_setting')
    .select('key')
    .where('key', '=', TRACKING_DEMO_KEY)
    .executeTakeFirst());
}

const ABANDON_REASONS = [
  "Le terrain prévu n'est finalement pas disponible : la parcelle est réservée à la construction d'une école. La somme revient à l'enveloppe de l'arrondissement.",
  "Les études ont montré que le sous-sol (réseaux d'eau et de gaz) ne permet pas l'aménagement prévu à cet endroit ; aucun autre emplacement n'a été trouvé.",
];

interface PlannedMilestone {
  day: string;
  reached: boolean;
  title: string;
  description: string;
  statusTo: ImplementationStatus | null;
  progress: number | null;
}

function dayOf(date: Date): string {
  return cityToday(date);
}

/** Spread `count` days between `from` and `to` (both excluded), in order. */
function spread(from: Date, to: Date, count: number, salt: number): Date[] {
  const span = Math.max(to.getTime() - from.getTime(), DAY_MS * (count + 1));
  return Array.from({ length: count }, (_, i) => {
    const jitter = ((salt * 7 + i * 13) % 9) - 4;
    return new Date(from.getTime() + (span * (i + 1)) / (count + 1) + jitter * DAY_MS);
  });
}

/** The story of one winner, chosen by its position so the demo is the same on every start. */
function storyOf(
  index: number,
  start: Date,
  now: Date,
): { status: ImplementationStatus; progress: number; milestones: PlannedMilestone[]; reason: string } {
  const kind = index % 10;
  const yesterday = new Date(now.getTime() - DAY_MS);
  if (kind === 9) {
    // The abandon comes a week after the last milestone: keep it in the past.
    const [a, b] = spread(start, new Date(now.getTime() - 14 * DAY_MS), 2, index) as [Date, Date];
    return {
      status: 'abandoned',
      progress: 15,
      reason: ABANDON_REASONS[index % ABANDON_REASONS.length] as string,
      milestones: [
        {
          day: dayOf(a),
          reached: true,
          title: 'Lancement des études',
          description:
            'La direction chargée du projet a commencé les études techniques et le chiffrage détaillé.',
          statusTo: null,
          progress: 5,
        },
        {
          day: dayOf(b),
          reached: true,
          title: 'Études de faisabilité terminées',
          description:
            'Les études de sol et des réseaux sont terminées ; leurs conclusions sont présentées en conseil de quartier.',
          statusTo: null,
          progress: 15,
        },
      ],
    };
  }
  if (kind === 0 || kind === 4 || kind === 7) {
    const [a] = spread(start, yesterday, 1, index) as [Date];
    const planned = new Date(now.getTime() + (60 + (index % 5) * 20) * DAY_MS);
    return {
      status: 'studies',
      progress: 10 + (index % 3) * 5,
      reason: '',
      milestones: [
        {
          day: dayOf(a),
          reached: true,
          title: 'Lancement des études',
          description:
            'Relevés sur place et première esquisse ; une réunion publique est prévue avec les riverains.',
          statusTo: null,
          progress: 10 + (index % 3) * 5,
        },
        {
          day: dayOf(planned),
          reached: false,
          title: 'Réunion publique de présentation du projet',
          description: 'Présentation des plans aux habitants et recueil de leurs avis.',
          statusTo: null,
          progress: null,
        },
      ],
    };
  }
  if (kind === 1 || kind === 5 || kind === 8) {
    const [a, b, c] = spread(start, yesterday, 3, index) as [Date, Date, Date];
    const progress = 40 + (index % 5) * 10;
    // One in two works projects has a planned milestone already past: the back office shows it late.
    const plannedDay =
      index % 2 === 0
        ? new Date(now.getTime() - (10 + (index % 4) * 5) * DAY_MS)
        : new Date(now.getTime() + (45 + (index % 6) * 15) * DAY_MS);
    return {
      status: 'works',
      progress,
      reason: '',
      milestones: [
        {
          day: dayOf(a),
          reached: true,
          title: 'Lancement des études',
          description: 'Les études techniques et la consultation des entreprises commencent.',
          statusTo: null,
          progress: 10,
        },
        {
          day: dayOf(b),
          reached: true,
          title: 'Début des travaux',
          description: "L'entreprise retenue installe le chantier ; la circulation piétonne est maintenue.",
          statusTo: 'works',
          progress: 25,
        },
        {
          day: dayOf(c),
          reached: true,
          title: 'Point d’étape du chantier',
          description: 'Le gros œuvre est terminé ; restent les finitions et les plantations.',
          statusTo: null,
          progress,
        },
        {
          day: dayOf(plannedDay),
          reached: false,
          title: 'Livraison prévue',
          description: 'Fin des finitions et ouverture au public.',
          statusTo: null,
          progress: null,
        },
      ],
    };
  }
  const [a, b, c, d] = spread(start, yesterday, 4, index) as [Date, Date, Date, Date];
  return {
    status: 'delivered',
    progress: 100,
    reason: '',
    milestones: [
      {
        day: dayOf(a),
        reached: true,
        title: 'Lancement des études',
        description: 'Les études techniques commencent avec les habitants qui ont proposé le projet.',
        statusTo: null,
        progress: 10,
      },
      {
        day: dayOf(b),
        reached: true,
        title: 'Début des travaux',
        description: 'Le chantier est installé pour trois mois environ.',
        statusTo: 'works',
        progress: 30,
      },
      {
        day: dayOf(c),
        reached: true,
        title: 'Fin du gros œuvre',
        description: 'Les aménagements principaux sont en place.',
        statusTo: null,
        progress: 80,
      },
      {
        day: dayOf(d),
        reached: true,
        title: 'Inauguration et ouverture au public',
        description: 'Le projet est livré : merci à toutes celles et ceux qui l’ont proposé et soutenu.',
        statusTo: 'delivered',
        progress: 100,
      },
    ],
  };
}

export async function seedTrackingDemo(
  core: CoreServices,
  options: TrackingDemoOptions = {},
): Promise<TrackingDemoSummary> {
  const progress = options.onProgress ?? (() => {});
  const now = options.now ?? new Date();
  const db = core.db;
  if (await isSeeded(db)) return { skipped: 'done', projects: 0, milestones: 0 };
  const campaign = await db
    .selectFrom('budget_campaign')
    .select(['id', 'results_at', 'implementation_starts_at'])
    .where('slug', '=', DEMO_CAMPAIGN_SLUG)
    .executeTakeFirst();
  if (!campaign) {
    progress('budget tracking: no campaign 2025 yet, nothing to track');
    return { skipped: 'no_campaign', projects: 0, milestones: 0 };
  }
  const winners = await db
    .selectFrom('budget_project')
    .select(['id', 'number', 'implementation_status'])
    .where('campaign_id', '=', campaign.id)
    .where('selected', '=', true)
    .orderBy('number')
    .execute();
  if (winners.length === 0) {
    progress('budget tracking: campaign 2025 has no published winners yet, nothing to track');
    return { skipped: 'no_winners', projects: 0, milestones: 0 };
  }

  const start = new Date(
    Math.min(
      Math.max(campaign.implementation_starts_at.getTime(), campaign.results_at.getTime()),
      now.getTime() - 60 * DAY_MS,
    ),
  );
  const photos = await drawPhotos(core.config.dataDir);
  const citizen = await db
    .selectFrom('account_user')
    .select('id')
    .where('email', '=', DEMO_CITIZEN)
    .executeTakeFirst();
  let milestoneCount = 0;
  try {
    await db.transaction().execute(async (tx) => {
      // Another process seeded meanwhile: the marker row is taken first.
      const claimed = await tx
        .insertInto('core_setting')
        .values({ key: TRACKING_DEMO_KEY, value: JSON.stringify(now.toISOString()) })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) throw new AlreadySeeded();
      for (const [index, winner] of winners.entries()) {
        const story = storyOf(index, start, now);
        let status: ImplementationStatus = 'studies';
        await store.insertStatusChange(tx, {
          projectId: winner.id,
          from: winner.implementation_status,
          to: 'studies',
          progress: 0,
          actorUserId: null,
          at: start,
        });
        for (const [m, milestone] of story.milestones.entries()) {
          const at = new Date(`${milestone.day}T09:00:00Z`);
          const id = await store.insertMilestone(tx, {
            projectId: winner.id,
            occurredOn: milestone.day,
            reached: milestone.reached,
            title: milestone.title,
            description: milestone.description,
            statusTo: milestone.statusTo,
            progressAfter: milestone.progress,
            createdBy: null,
            at: milestone.reached ? at : new Date(start.getTime() + DAY_MS),
          });
          const photo = photos[(index + m) % photos.length]!;
          await store.insertMilestonePhoto(tx, {
            milestoneId: id,
            storageKey: photo.key,
            width: photo.width,
            height: photo.height,
            bytes: photo.bytes,
            position: 0,
          });
          if (milestone.reached && milestone.statusTo) {
            await store.insertStatusChange(tx, {
              projectId: winner.id,
              from: status,
              to: milestone.statusTo,
              progress: milestone.progress ?? 0,
              milestoneId: id,
              actorUserId: null,
              at,
            });
            status = milestone.statusTo;
          }
          milestoneCount += 1;
        }
        if (story.status === 'abandoned') {
          const lastDay = story.milestones[story.milestones.length - 1]?.day ?? dayOf(start);
          await store.insertStatusChange(tx, {
            projectId: winner.id,
            from: status,
            to: 'abandoned',
            progress: story.progress,
            reason: story.reason,
            actorUserId: null,
            at: new Date(new Date(`${lastDay}T15:00:00Z`).getTime() + 7 * DAY_MS),
          });
        }
        // One step at a time, as the database wants it.
        if (story.status === 'delivered')
          await store.updateProjectTracking(tx, winner.id, { status: 'works', progress: 80 });
        await store.updateProjectTracking(tx, winner.id, {
          status: story.status,
          progress: story.progress,
          abandonedReason: story.reason,
        });
        if (citizen && index % 4 === 1) await store.insertFollower(tx, winner.id, citizen.id);
      }
      await recordAudit(tx, TRACKING_DEMO_ACTOR, {
        action: 'budget.tracking.demo_seeded',
        objectType: 'budget_campaign',
        objectId: campaign.id,
        details: { projects: winners.length, milestones: milestoneCount },
      });
    });
  } catch (error) {
    await Promise.all(
      photos.map((p) =>
        rm(path.join(core.config.dataDir, 'files', 'budget-milestones', p.key), { force: true }),
      ),
    );
    if (error instanceof AlreadySeeded) return { skipped: 'done', projects: 0, milestones: 0 };
    throw error;
  }
  progress(`budget tracking: ${winners.length} winners of 2025 tracked, ${milestoneCount} milestones`);
  return { skipped: null, projects: winners.length, milestones: milestoneCount };
}

class AlreadySeeded extends Error {}
