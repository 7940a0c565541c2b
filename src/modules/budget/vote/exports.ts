/**
 * Anonymised ballots of one envelope as open data: a Pabulib `.pb` file and a CSV with its
 * Table Schema. A ballot is a number (1…n within the envelope, see vote.store.ts
 * envelopeBallots), never a key, an account or a person. Pure: no I/O.
 *
 * Majority-judgment ballots are written as Pabulib `scoring` votes: points 0…3 are the grades
 * from Pas convaincu·e to J'adore, and a project left out scores `default_score` 0, the lowest
 * grade — exactly how the count reads them.
 */
import type { PabulibInstance } from '../pabulib.js';
import { GRADES } from './ballot-rules.js';
import { type CountInput, type CountProject, countEnvelope, type EnvelopeCount } from './counting.js';

export interface ExportCampaign {
  slug: string;
  title: string;
  votingMethod: 'approval' | 'knapsack' | 'majority_judgment';
  selectionRule: 'greedy' | 'equal_shares';
  maxChoices: number | null;
  minSpendPercent: number;
  voteStartsAt: Date;
  voteEndsAt: Date;
}

export interface ExportEnvelope {
  code: string;
  label: string;
  kind: string;
  amountCents: number;
}

export interface ExportProject extends CountProject {
  title: string;
}

export interface ExportBallot {
  number: number;
  channel: 'online' | 'booth';
  /** Project ids with their grade (null for a chosen project). */
  projectIds: string[];
  grades: (number | null)[];
}

const parisDate = (date: Date) => {
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}.${get('month')}.${get('year')}`;
};

/** Cents as a decimal amount of euros, exact ("1234.5", "100000"). */
export function eurosText(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const rest = Math.abs(cents % 100);
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

function pabulibRule(campaign: ExportCampaign): string {
  if (campaign.votingMethod === 'majority_judgment') return 'greedy-custom';
  return campaign.selectionRule === 'equal_shares' ? 'equalshares/add1' : 'greedy';
}

/** The Pabulib instance of one envelope, with the published result in `selected`. */
export function toPabulib(options: {
  city: string;
  campaign: ExportCampaign;
  envelope: ExportEnvelope;
  projects: readonly ExportProject[];
  ballots: readonly ExportBallot[];
  count: EnvelopeCount;
}): PabulibInstance {
  const { campaign, envelope, projects, ballots, count } = options;
  const mj = campaign.votingMethod === 'majority_judgment';
  const numberOf = new Map(projects.map((p) => [p.id, String(p.number)]));
  const byId = new Map(count.projects.map((p) => [p.id, p]));
  const meta: Record<string, string> = {
    description: `Budget participatif ${campaign.title} — ${envelope.label}`,
    country: 'France',
    unit: options.city,
    ...(envelope.kind === 'city' ? {} : { subunit: envelope.label }),
    instance: campaign.slug,
    num_projects: '0',
    num_votes: '0',
    budget: eurosText(envelope.amountCents),
    vote_type: mj ? 'scoring' : 'approval',
    rule: pabulibRule(campaign),
    date_begin: parisDate(campaign.voteStartsAt),
    date_end: parisDate(campaign.voteEndsAt),
    language: 'fr',
    currency: 'EUR',
  };
  if (mj) {
    Object.assign(meta, { min_points: '0', max_points: String(GRADES.length - 1), default_score: '0' });
    meta.comment = `#1: majority judgment; points are grades: ${GRADES.map((g, i) => `${i}=${g}`).join(', ')}; an unlisted project has the lowest grade (default_score 0). #2: winners funded in majority-judgment rank order while they fit; ties: lowest cost, then tie_break_order.`;
  } else {
    if (campaign.votingMethod === 'approval' && campaign.maxChoices !== null)
      meta.max_length = String(campaign.maxChoices);
    if (campaign.votingMethod === 'knapsack') {
      meta.max_sum_cost = eurosText(envelope.amountCents);
      if (campaign.minSpendPercent > 0)
        meta.min_sum_cost = eurosText(Math.ceil((envelope.amountCents * campaign.minSpendPercent) / 100));
    }
    meta.comment =
      campaign.selectionRule === 'equal_shares'
        ? '#1: Method of Equal Shares, Add1 by one euro per voter; ties: lowest cost, most votes, then tie_break_order.'
        : '#1: greedy by votes; ties: lowest cost, then tie_break_order.';
  }
  meta.tie_break_order = count.lotOrder.map((id) => numberOf.get(id) ?? id).join(',');

  const sortedProjects = [...projects].sort((a, b) => a.number - b.number);
  return {
    meta,
    voteType: mj ? 'scoring' : 'approval',
    budget: Number(eurosText(envelope.amountCents)),
    projectColumns: mj
      ? ['project_id', 'cost', 'votes', 'score', 'name', 'selected']
      : ['project_id', 'cost', 'votes', 'name', 'selected'],
    projects: sortedProjects.map((p) => {
      const result = byId.get(p.id);
      const score = result?.profile ? result.profile.reduce((s, x, g) => s + x * g, 0) : undefined;
      return {
        id: String(p.number),
        cost: Number(eurosText(p.costCents)),
        votes: result?.votes ?? 0,
        ...(mj ? { score: score ?? 0 } : {}),
        name: p.title,
        selected: result?.selected ? 1 : 0,
        extra: {},
      };
    }),
    voteColumns: mj ? ['voter_id', 'vote', 'points', 'voting_method'] : ['voter_id', 'vote', 'voting_method'],
    votes: ballots.map((b) => {
      const entries = b.projectIds
        .map((id, i) => ({ id: numberOf.get(id) ?? id, grade: b.grades[i] ?? null }))
        .sort((x, y) => (mj ? (y.grade ?? 0) - (x.grade ?? 0) : 0) || Number(x.id) - Number(y.id));
      return {
        voterId: String(b.number),
        projectIds: entries.map((e) => e.id),
        ...(mj ? { points: entries.map((e) => e.grade ?? 0) } : {}),
        extra: { voting_method: b.channel === 'booth' ? 'paper' : 'internet' },
      };
    }),
  };
}

/**
 * Counts a Pabulib instance written by `toPabulib` again, from its VOTES alone, with the same
 * rules: whoever downloads the file can check the published winners.
 */
export function recountPabulib(instance: PabulibInstance): EnvelopeCount {
  const mj = instance.voteType === 'scoring';
  const toCents = (euros: number) => Math.round(euros * 100);
  const projects: CountProject[] = instance.projects.map((p) => ({
    id: p.id,
    number: Number(p.id),
    costCents: toCents(p.cost),
  }));
  const lot = (instance.meta.tie_break_order ?? '').split(',').filter(Boolean);
  let input: CountInput;
  if (mj) {
    const judgments = new Map<string, number[]>();
    for (const vote of instance.votes) {
      vote.projectIds.forEach((id, i) => {
        const profile = judgments.get(id) ?? GRADES.map(() => 0);
        profile[vote.points?.[i] ?? 0]! += 1;
        judgments.set(id, profile);
      });
    }
    input = { method: 'majority_judgment', judgments, participants: instance.votes.length };
  } else {
    const votes = new Map<string, number>();
    for (const vote of instance.votes)
      for (const id of vote.projectIds) votes.set(id, (votes.get(id) ?? 0) + 1);
    input = {
      method: 'approval',
      votes,
      participants: instance.votes.length,
      ballots: instance.votes.map((v) => v.projectIds),
    };
  }
  return countEnvelope(
    {
      method: mj ? 'majority_judgment' : 'approval',
      selectionRule: instance.meta.rule?.startsWith('equalshares') ? 'equal_shares' : 'greedy',
      amountCents: toCents(instance.budget),
      projects,
      lotOrder: lot,
    },
    input,
  );
}

// ——— CSV and its Table Schema ———

export const CSV_COLUMNS = ['bulletin', 'enveloppe', 'projet', 'note', 'canal'] as const;

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per project on each ballot (RFC 4180: comma, CRLF): the ballot number, the envelope,
 * the project's number, the grade for majority judgment (empty for a chosen project), and how
 * the ballot was cast.
 */
export function toCsv(
  envelope: ExportEnvelope,
  projects: readonly ExportProject[],
  ballots: readonly ExportBallot[],
): string {
  const numberOf = new Map(projects.map((p) => [p.id, p.number]));
  const lines = [CSV_COLUMNS.join(',')];
  for (const ballot of ballots) {
    const rows = ballot.projectIds
      .map((id, i) => ({ number: numberOf.get(id) ?? 0, grade: ballot.grades[i] ?? null }))
      .sort((a, b) => a.number - b.number);
    for (const row of rows) {
      lines.push(
        [
          ballot.number,
          csvCell(envelope.code),
          row.number,
          row.grade === null ? '' : GRADES[row.grade]!,
          ballot.channel === 'booth' ? 'urne' : 'internet',
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Frictionless Table Schema of the CSV. */
export function csvTableSchema(): Record<string, unknown> {
  return {
    $schema: 'https://specs.frictionlessdata.io/schemas/table-schema.json',
    name: 'budget-participatif-bulletins',
    title: 'Bulletins anonymisés du budget participatif',
    description:
      "Une ligne par projet choisi ou noté sur chaque bulletin confirmé. Le numéro de bulletin est propre à l'enveloppe et ne désigne personne.",
    fields: [
      {
        name: 'bulletin',
        type: 'integer',
        title: 'Numéro de bulletin',
        description:
          "Numéro du bulletin dans l'enveloppe (1…n), sans lien avec une personne ni avec un autre fichier.",
        constraints: { required: true, minimum: 1 },
      },
      {
        name: 'enveloppe',
        type: 'string',
        title: 'Enveloppe',
        description: "Code de l'enveloppe : paris, numéro d'arrondissement, ou code d'une enveloppe dédiée.",
        constraints: { required: true },
      },
      {
        name: 'projet',
        type: 'integer',
        title: 'Numéro du projet',
        description: 'Numéro du projet sur le bulletin de la campagne.',
        constraints: { required: true, minimum: 1 },
      },
      {
        name: 'note',
        type: 'string',
        title: 'Mention (jugement majoritaire)',
        description:
          'Mention donnée au projet : adore, aime_bien, pourquoi_pas, pas_convaincu. Vide pour un vote par choix. Un projet absent du bulletin compte « pas_convaincu ».',
        constraints: { required: false, enum: ['', ...GRADES] },
      },
      {
        name: 'canal',
        type: 'string',
        title: 'Canal',
        description: 'internet ou urne.',
        constraints: { required: true, enum: ['internet', 'urne'] },
      },
    ],
    primaryKey: ['bulletin', 'projet'],
    missingValues: [''],
  };
}
