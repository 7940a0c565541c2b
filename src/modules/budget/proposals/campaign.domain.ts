/**
 * Pure rules of campaigns, envelopes and proposals: the phase of a campaign at an instant,
 * dates typed as Paris days, money typed in euros, the check of a campaign's and an
 * envelope's set-up, the themes and their default directorate, and which study decision is
 * allowed from which state. No I/O: the other budget parts import this file freely.
 */
import type { EnvelopeKind, ProposalState, SelectionRuleName, VotingMethodName } from '../budget.tables.js';

export const CITY_TIME_ZONE = 'Europe/Paris';

// ——— Phases ———

/** The five phases of a campaign, in order. */
export const PHASES = ['submission', 'study', 'vote', 'results', 'implementation'] as const;
export type PhaseName = (typeof PHASES)[number];
/**
 * Where a campaign stands: before its first phase, in one of its phases, or in a gap between
 * two phases (the database allows `submission_ends_at < study_starts_at`, etc.).
 * Implementation has no end: a campaign whose winners are built stays in it.
 */
export type CampaignPhase = 'before' | PhaseName | 'between';

export interface CampaignDates {
  submissionStartsAt: Date;
  submissionEndsAt: Date;
  studyStartsAt: Date;
  studyEndsAt: Date;
  voteStartsAt: Date;
  voteEndsAt: Date;
  resultsAt: Date;
  implementationStartsAt: Date;
}

export interface PhaseSpan {
  name: PhaseName;
  startsAt: Date;
  /** End, excluded; null for the phases that last until the next one (results) or forever. */
  endsAt: Date | null;
}

/** The phases with their dates. Results last until implementation starts. */
export function phaseSpans(d: CampaignDates): PhaseSpan[] {
  return [
    { name: 'submission', startsAt: d.submissionStartsAt, endsAt: d.submissionEndsAt },
    { name: 'study', startsAt: d.studyStartsAt, endsAt: d.studyEndsAt },
    { name: 'vote', startsAt: d.voteStartsAt, endsAt: d.voteEndsAt },
    { name: 'results', startsAt: d.resultsAt, endsAt: d.implementationStartsAt },
    { name: 'implementation', startsAt: d.implementationStartsAt, endsAt: null },
  ];
}

export interface PhaseInfo {
  phase: CampaignPhase;
  /** The last phase that started (null before the campaign). */
  previous: PhaseName | null;
  /** The next phase to start, and when (null in implementation). */
  next: PhaseName | null;
  nextAt: Date | null;
  /** When the current phase ends (null outside a phase, and in implementation). */
  endsAt: Date | null;
}

/**
 * Where the campaign stands at `at`. A phase includes its start and excludes its end, so
 * the instant a vote closes is no longer in the vote. Results may start the instant the vote
 * closes; a zero-length results phase (results_at = implementation_starts_at) is skipped.
 */
export function phaseInfo(d: CampaignDates, at: Date): PhaseInfo {
  const t = at.getTime();
  const spans = phaseSpans(d);
  let previous: PhaseName | null = null;
  for (const [i, span] of spans.entries()) {
    const start = span.startsAt.getTime();
    const end = span.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (t < start) {
      return {
        phase: previous === null ? 'before' : 'between',
        previous,
        next: span.name,
        nextAt: span.startsAt,
        endsAt: null,
      };
    }
    if (t < end) {
      const following = spans[i + 1] ?? null;
      return {
        phase: span.name,
        previous: span.name,
        next: following?.name ?? null,
        nextAt: following?.startsAt ?? null,
        endsAt: span.endsAt,
      };
    }
    previous = span.name;
  }
  // Unreachable: implementation never ends.
  return { phase: 'implementation', previous: 'implementation', next: null, nextAt: null, endsAt: null };
}

/** The phase of a campaign at an instant (see phaseInfo). */
export function campaignPhase(d: CampaignDates, at: Date): CampaignPhase {
  return phaseInfo(d, at).phase;
}

export function isSubmissionOpen(d: CampaignDates, at: Date): boolean {
  return campaignPhase(d, at) === 'submission';
}

export function isVoteOpen(d: CampaignDates, at: Date): boolean {
  return campaignPhase(d, at) === 'vote';
}

/** The ballot is fixed once the vote has started: no project is added or changed after. */
export function isBallotOpenForChanges(d: CampaignDates, at: Date, rulesLockedAt: Date | null): boolean {
  return rulesLockedAt === null && at.getTime() < d.voteStartsAt.getTime();
}

/** Each phase as past, current or future at `at`, for a timeline. */
export function phaseTimeline(
  d: CampaignDates,
  at: Date,
): (PhaseSpan & { state: 'past' | 'current' | 'future' })[] {
  const t = at.getTime();
  return phaseSpans(d).map((span) => ({
    ...span,
    state:
      t < span.startsAt.getTime()
        ? 'future'
        : span.endsAt === null || t < span.endsAt.getTime()
          ? 'current'
          : 'past',
  }));
}

// ——— Paris days ———

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Offset of the zone from UTC at `date`, in minutes (Paris: +60 in winter, +120 in summer). */
function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - date.getTime()) / 60_000);
}

/** `2026-01-09` → the instant midnight starts that day in Paris; null for a day that does not exist. */
export function dayStart(day: string, timeZone = CITY_TIME_ZONE): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utcMidnight = Date.UTC(y, m - 1, d);
  const check = new Date(utcMidnight);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  if (y < 2000 || y > 2200) return null;
  // Two passes: the offset at the guessed instant, then at the corrected one (DST days).
  let instant = utcMidnight - zoneOffsetMinutes(new Date(utcMidnight), timeZone) * 60_000;
  instant = utcMidnight - zoneOffsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

/** The Paris day (YYYY-MM-DD) of an instant. */
export function dayOf(date: Date, timeZone = CITY_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(date);
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The day before `day` (YYYY-MM-DD). */
export function previousDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The Paris year of an instant, for references (BP-2026-0001). */
export function yearOf(date: Date, timeZone = CITY_TIME_ZONE): number {
  return Number(dayOf(date, timeZone).slice(0, 4));
}

// ——— Money ———

/** The most an envelope or a project may hold: 10 billion euros (bigint cents, far from 2^53). */
export const MAX_CENTS = 1_000_000_000_000;

/**
 * Euros as typed by a person ("1 500 000", "1500000,50", "2.5", "1 200 €") → cents; null when
 * it is not an amount. Spaces (also narrow no-break ones) group thousands; one comma or point
 * marks the cents.
 */
export function parseEuros(text: string): number | null {
  const cleaned = text
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/€$/, '')
    .replace(/^€/, '');
  if (!/^\d{1,13}([.,]\d{1,2})?$/.test(cleaned)) return null;
  const [whole = '0', fraction = ''] = cleaned.split(/[.,]/);
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(cents) && cents <= MAX_CENTS ? cents : null;
}

/** Cents → what a form shows back ("1500000" or "1500000,50"). */
export function centsToInput(cents: number | null): string {
  if (cents === null) return '';
  const whole = Math.trunc(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(whole) : `${whole},${String(rest).padStart(2, '0')}`;
}

// ——— Campaign set-up ———

export const VOTING_METHODS: readonly VotingMethodName[] = ['approval', 'knapsack', 'majority_judgment'];
export const SELECTION_RULES: readonly SelectionRuleName[] = ['greedy', 'equal_shares'];
export const ENVELOPE_KINDS: readonly EnvelopeKind[] = ['city', 'arrondissement', 'earmarked'];

export const MAX_TITLE = 150;
export const MAX_CAMPAIGN_DESCRIPTION = 5000;
export const MAX_LABEL = 120;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** Words used by the module's own addresses under /budget/, which no campaign may take. */
export const RESERVED_SLUGS: readonly string[] = ['realisations', 'images', 'api', 'admin', 'compte'];
const CODE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** A campaign form as typed: every date a Paris day, each phase from its first to its last day. */
export interface CampaignFormInput {
  slug: string;
  title: string;
  description: string;
  submissionStart: string;
  submissionEnd: string;
  studyStart: string;
  studyEnd: string;
  voteStart: string;
  voteEnd: string;
  resultsDay: string;
  implementationStart: string;
  votingMethod: string;
  maxChoices: string;
  minSpendPercent: string;
  selectionRule: string;
}

export interface CampaignValues extends CampaignDates {
  slug: string;
  title: string;
  description: string;
  votingMethod: VotingMethodName;
  maxChoices: number | null;
  minSpendPercent: number;
  selectionRule: SelectionRuleName;
}

export type FieldErrors = Record<string, string>;

/** The typed days of a stored campaign (last days inclusive), for the edit form. */
export function campaignFormDays(
  d: CampaignDates,
): Pick<
  CampaignFormInput,
  | 'submissionStart'
  | 'submissionEnd'
  | 'studyStart'
  | 'studyEnd'
  | 'voteStart'
  | 'voteEnd'
  | 'resultsDay'
  | 'implementationStart'
> {
  const lastDay = (end: Date) => previousDay(dayOf(end));
  return {
    submissionStart: dayOf(d.submissionStartsAt),
    submissionEnd: lastDay(d.submissionEndsAt),
    studyStart: dayOf(d.studyStartsAt),
    studyEnd: lastDay(d.studyEndsAt),
    voteStart: dayOf(d.voteStartsAt),
    voteEnd: lastDay(d.voteEndsAt),
    resultsDay: dayOf(d.resultsAt),
    implementationStart: dayOf(d.implementationStartsAt),
  };
}

/**
 * Checks a campaign form; every problem at once, keyed by field. A phase runs from the start
 * of its first day to the end of its last day (Paris time); phases follow one another without
 * overlapping (the database checks the same order).
 */
export function checkCampaignForm(
  input: CampaignFormInput,
): { ok: true; values: CampaignValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const slug = input.slug.trim().toLowerCase();
  if (!slug) errors.slug = 'budget.campaigns.form.slug_required';
  else if (!SLUG.test(slug)) errors.slug = 'budget.campaigns.form.slug_invalid';
  else if (RESERVED_SLUGS.includes(slug)) errors.slug = 'budget.campaigns.form.slug_reserved';
  const title = input.title.trim();
  if (!title) errors.title = 'budget.campaigns.form.title_required';
  else if ([...title].length > MAX_TITLE) errors.title = 'budget.campaigns.form.title_too_long';
  const description = input.description.trim();
  if ([...description].length > MAX_CAMPAIGN_DESCRIPTION)
    errors.description = 'budget.campaigns.form.description_too_long';

  const day = (field: keyof CampaignFormInput, end: boolean): Date | null => {
    const text = input[field].trim();
    if (!text) {
      errors[field] = 'budget.campaigns.form.date_required';
      return null;
    }
    const start = dayStart(end ? (DAY.test(text) ? nextDay(text) : text) : text);
    if (!start || !DAY.test(text)) {
      errors[field] = 'budget.campaigns.form.date_invalid';
      return null;
    }
    return start;
  };
  const submissionStartsAt = day('submissionStart', false);
  const submissionEndsAt = day('submissionEnd', true);
  const studyStartsAt = day('studyStart', false);
  const studyEndsAt = day('studyEnd', true);
  const voteStartsAt = day('voteStart', false);
  const voteEndsAt = day('voteEnd', true);
  const resultsAt = day('resultsDay', false);
  const implementationStartsAt = day('implementationStart', false);
  // Each date after the one before it; the error goes on the later field.
  const order: [keyof CampaignFormInput, Date | null, Date | null, boolean][] = [
    ['submissionEnd', submissionStartsAt, submissionEndsAt, true],
    ['studyStart', submissionEndsAt, studyStartsAt, false],
    ['studyEnd', studyStartsAt, studyEndsAt, true],
    ['voteStart', studyEndsAt, voteStartsAt, false],
    ['voteEnd', voteStartsAt, voteEndsAt, true],
    ['resultsDay', voteEndsAt, resultsAt, false],
    ['implementationStart', resultsAt, implementationStartsAt, false],
  ];
  for (const [field, before, after, strict] of order) {
    if (!before || !after || errors[field]) continue;
    if (strict ? after.getTime() <= before.getTime() : after.getTime() < before.getTime()) {
      errors[field] = strict
        ? 'budget.campaigns.form.end_before_start'
        : 'budget.campaigns.form.phase_overlap';
    }
  }

  const votingMethod = input.votingMethod as VotingMethodName;
  if (!VOTING_METHODS.includes(votingMethod)) errors.votingMethod = 'budget.campaigns.form.method_required';
  let maxChoices: number | null = null;
  const maxText = input.maxChoices.trim();
  if (votingMethod === 'approval') {
    if (!maxText) errors.maxChoices = 'budget.campaigns.form.max_choices_required';
    else if (!/^\d{1,3}$/.test(maxText) || Number(maxText) < 1)
      errors.maxChoices = 'budget.campaigns.form.max_choices_invalid';
    else maxChoices = Number(maxText);
  } else if (maxText) {
    if (!/^\d{1,3}$/.test(maxText) || Number(maxText) < 1)
      errors.maxChoices = 'budget.campaigns.form.max_choices_invalid';
    else maxChoices = Number(maxText);
  }
  let minSpendPercent = 0;
  const minText = input.minSpendPercent.trim();
  if (minText) {
    if (!/^\d{1,3}$/.test(minText) || Number(minText) > 100)
      errors.minSpendPercent = 'budget.campaigns.form.min_spend_invalid';
    else minSpendPercent = Number(minText);
  }
  const selectionRule = (input.selectionRule.trim() || 'greedy') as SelectionRuleName;
  if (!SELECTION_RULES.includes(selectionRule))
    errors.selectionRule = 'budget.campaigns.form.selection_rule_invalid';
  else if (selectionRule === 'equal_shares' && votingMethod === 'majority_judgment')
    errors.selectionRule = 'budget.campaigns.form.equal_shares_needs_approval';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      slug,
      title,
      description,
      submissionStartsAt: submissionStartsAt!,
      submissionEndsAt: submissionEndsAt!,
      studyStartsAt: studyStartsAt!,
      studyEndsAt: studyEndsAt!,
      voteStartsAt: voteStartsAt!,
      voteEndsAt: voteEndsAt!,
      resultsAt: resultsAt!,
      implementationStartsAt: implementationStartsAt!,
      votingMethod,
      maxChoices,
      minSpendPercent,
      selectionRule,
    },
  };
}

/** The rules a ballot depends on: none of them may change once the first ballot is cast. */
export function votingRulesChanged(
  before: Pick<
    CampaignValues,
    'votingMethod' | 'maxChoices' | 'minSpendPercent' | 'selectionRule' | 'voteStartsAt'
  >,
  after: Pick<
    CampaignValues,
    'votingMethod' | 'maxChoices' | 'minSpendPercent' | 'selectionRule' | 'voteStartsAt'
  >,
): boolean {
  return (
    before.votingMethod !== after.votingMethod ||
    before.maxChoices !== after.maxChoices ||
    before.minSpendPercent !== after.minSpendPercent ||
    before.selectionRule !== after.selectionRule ||
    before.voteStartsAt.getTime() !== after.voteStartsAt.getTime()
  );
}

export interface EnvelopeFormInput {
  kind: string;
  code: string;
  label: string;
  amount: string;
}

export interface EnvelopeValues {
  kind: EnvelopeKind;
  code: string;
  label: string;
  amountCents: number;
}

/** Checks an envelope form (city-wide or earmarked: arrondissement envelopes come from the areas). */
export function checkEnvelopeForm(
  input: EnvelopeFormInput,
  options: { allowArrondissement?: boolean } = {},
): { ok: true; values: EnvelopeValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const kind = input.kind as EnvelopeKind;
  if (!ENVELOPE_KINDS.includes(kind) || (kind === 'arrondissement' && !options.allowArrondissement))
    errors.kind = 'budget.campaigns.envelope.kind_required';
  const code = input.code.trim().toLowerCase();
  if (!code) errors.code = 'budget.campaigns.envelope.code_required';
  else if (!CODE.test(code)) errors.code = 'budget.campaigns.envelope.code_invalid';
  const label = input.label.trim();
  if (!label) errors.label = 'budget.campaigns.envelope.label_required';
  else if ([...label].length > MAX_LABEL) errors.label = 'budget.campaigns.envelope.label_too_long';
  const amountCents = parseEuros(input.amount);
  if (!input.amount.trim()) errors.amount = 'budget.campaigns.envelope.amount_required';
  else if (amountCents === null || amountCents <= 0)
    errors.amount = 'budget.campaigns.envelope.amount_invalid';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values: { kind, code, label, amountCents: amountCents! } };
}

// ——— Themes and routing ———

/** Themes of a proposal (those of Paris's participatory budget). */
export const THEMES = [
  'cadre_de_vie',
  'environnement',
  'mobilite',
  'proprete',
  'culture',
  'education',
  'sport',
  'solidarite',
  'sante',
  'economie',
  'citoyennete',
  'prevention',
  'numerique',
] as const;
export type Theme = (typeof THEMES)[number];

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/**
 * Which directorate studies a theme, by directorate code: the map a new campaign starts with
 * (for the directorates that exist), which administrators then change campaign by campaign.
 * Written for the Paris demo organisation; a theme left unrouted gives proposals that an
 * administrator routes from the study queue.
 */
export const DEFAULT_THEME_DIRECTORATES: Record<Theme, string> = {
  cadre_de_vie: 'DVD',
  environnement: 'DEVE',
  mobilite: 'DVD',
  proprete: 'DPE',
  culture: 'DCPA',
  education: 'DCPA',
  sport: 'DCPA',
  solidarite: 'DDCT',
  sante: 'DDCT',
  economie: 'DAE',
  citoyennete: 'DDCT',
  prevention: 'DPMP',
  numerique: 'DSIN',
};

/** The value of a routing select that leaves a theme unrouted. */
export const UNROUTED = 'none';

/** The routing form's field of a theme. */
export const routeField = (theme: Theme) => `route-${theme}`;

/**
 * Checks the routing form of a campaign: every theme gets one of the directorates (by id) or
 * UNROUTED. Returns theme → directorate id (null: not routed), or errors keyed by field.
 */
export function checkThemeRoutesForm(
  input: Record<string, string>,
  directorateIds: ReadonlySet<string>,
): { ok: true; values: Record<Theme, string | null> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const values = {} as Record<Theme, string | null>;
  for (const theme of THEMES) {
    const field = routeField(theme);
    const value = (input[field] ?? '').trim();
    if (!value) errors[field] = 'budget.campaigns.routing.directorate_required';
    else if (value === UNROUTED) values[theme] = null;
    else if (!directorateIds.has(value)) errors[field] = 'budget.campaigns.routing.directorate_unknown';
    else values[theme] = value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

// ——— Proposal states ———

export type StudyDecision = 'admissible' | 'inadmissible' | 'feasible' | 'unfeasible';

/** From which states each study decision may be taken (an agent may correct an earlier one). */
const DECISION_FROM: Record<StudyDecision, readonly ProposalState[]> = {
  admissible: ['submitted', 'inadmissible', 'admissible'],
  inadmissible: ['submitted', 'admissible', 'inadmissible'],
  feasible: ['admissible', 'unfeasible', 'feasible'],
  unfeasible: ['admissible', 'feasible', 'unfeasible'],
};

export function canDecide(state: ProposalState, decision: StudyDecision): boolean {
  return DECISION_FROM[decision].includes(state);
}

/** A proposal leaves the study once it is on the ballot (alone or merged) or withdrawn. */
export const CLOSED_STATES: readonly ProposalState[] = ['merged', 'on_ballot', 'withdrawn'];
/** States an author may withdraw from (never from the ballot). */
export const WITHDRAWABLE_STATES: readonly ProposalState[] = [
  'submitted',
  'admissible',
  'inadmissible',
  'feasible',
  'unfeasible',
];
/** States where a proposal may still change directorate. */
export const REROUTABLE_STATES: readonly ProposalState[] = ['submitted', 'admissible', 'inadmissible'];
/** States in which people may support a proposal. */
export const SUPPORTABLE_STATES: readonly ProposalState[] = ['submitted', 'admissible', 'feasible'];

export const PROPOSAL_STATES: readonly ProposalState[] = [
  'submitted',
  'admissible',
  'inadmissible',
  'feasible',
  'unfeasible',
  'merged',
  'on_ballot',
  'withdrawn',
];

export function isProposalState(value: unknown): value is ProposalState {
  return typeof value === 'string' && (PROPOSAL_STATES as readonly string[]).includes(value);
}

/** Readable reference of a proposal: BP-2026-0042. */
export function proposalReference(year: number, sequence: number): string {
  return `BP-${year}-${String(sequence).padStart(4, '0')}`;
}

const REFERENCE = /^BP-(\d{4})-(\d{4,})$/i;

export function isProposalReference(text: string): boolean {
  return REFERENCE.test(text);
}
