/** Pieces shared by the proposals pages: labels of phases, states, themes, money, links. */
import type { ComponentChildren } from 'preact';
import { formatDate, formatDateTime } from '../../../../core/i18n/i18n.js';
import { Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import type { ProposalState, VotingMethodName } from '../../budget.tables.js';
import type { CampaignPhase, PhaseName, Theme } from '../campaign.domain.js';
import type { Envelope } from '../campaigns.store.js';

/** Full keys, so that the i18n check sees each one used. */
const PHASE_KEYS: Record<CampaignPhase, string> = {
  before: 'budget.campaigns.phase.before',
  submission: 'budget.campaigns.phase.submission',
  study: 'budget.campaigns.phase.study',
  vote: 'budget.campaigns.phase.vote',
  results: 'budget.campaigns.phase.results',
  implementation: 'budget.campaigns.phase.implementation',
  between: 'budget.campaigns.phase.between',
};

export function phaseLabel(ctx: PageContext, phase: CampaignPhase | PhaseName): string {
  return ctx.t(PHASE_KEYS[phase]);
}

const STATE_KEYS: Record<ProposalState, string> = {
  submitted: 'budget.proposals.state.submitted',
  admissible: 'budget.proposals.state.admissible',
  inadmissible: 'budget.proposals.state.inadmissible',
  feasible: 'budget.proposals.state.feasible',
  unfeasible: 'budget.proposals.state.unfeasible',
  merged: 'budget.proposals.state.merged',
  on_ballot: 'budget.proposals.state.on_ballot',
  withdrawn: 'budget.proposals.state.withdrawn',
};

const STATE_TONES: Record<ProposalState, 'info' | 'grey' | 'success' | 'warning' | 'error'> = {
  submitted: 'info',
  admissible: 'info',
  inadmissible: 'grey',
  feasible: 'warning',
  unfeasible: 'grey',
  merged: 'success',
  on_ballot: 'success',
  withdrawn: 'grey',
};

export function stateLabel(ctx: PageContext, state: string): string {
  const key = STATE_KEYS[state as ProposalState];
  return key ? ctx.t(key) : state;
}

export function StateTag({ ctx, state }: { ctx: PageContext; state: string }) {
  return <Tag tone={STATE_TONES[state as ProposalState] ?? 'info'}>{stateLabel(ctx, state)}</Tag>;
}

const THEME_KEYS: Record<Theme, string> = {
  cadre_de_vie: 'budget.proposals.theme.cadre_de_vie',
  environnement: 'budget.proposals.theme.environnement',
  mobilite: 'budget.proposals.theme.mobilite',
  proprete: 'budget.proposals.theme.proprete',
  culture: 'budget.proposals.theme.culture',
  education: 'budget.proposals.theme.education',
  sport: 'budget.proposals.theme.sport',
  solidarite: 'budget.proposals.theme.solidarite',
  sante: 'budget.proposals.theme.sante',
  economie: 'budget.proposals.theme.economie',
  citoyennete: 'budget.proposals.theme.citoyennete',
  prevention: 'budget.proposals.theme.prevention',
  numerique: 'budget.proposals.theme.numerique',
};

export function themeLabel(ctx: PageContext, theme: string): string {
  const key = THEME_KEYS[theme as Theme];
  return key ? ctx.t(key) : theme;
}

const METHOD_KEYS: Record<VotingMethodName, string> = {
  approval: 'budget.campaigns.method.approval',
  knapsack: 'budget.campaigns.method.knapsack',
  majority_judgment: 'budget.campaigns.method.majority_judgment',
};

export function methodLabel(ctx: PageContext, method: VotingMethodName): string {
  return ctx.t(METHOD_KEYS[method]);
}

const KIND_KEYS: Record<Envelope['kind'], string> = {
  city: 'budget.campaigns.envelope.kind.city',
  arrondissement: 'budget.campaigns.envelope.kind.arrondissement',
  earmarked: 'budget.campaigns.envelope.kind.earmarked',
};

export function kindLabel(ctx: PageContext, kind: Envelope['kind']): string {
  return ctx.t(KIND_KEYS[kind]);
}

/** Euros in the page's language, without cents when there are none. */
export function euros(ctx: PageContext, cents: number): string {
  return new Intl.NumberFormat(ctx.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

export function Time({ ctx, date, withTime = false }: { ctx: PageContext; date: Date; withTime?: boolean }) {
  return (
    <time dateTime={date.toISOString()}>
      {withTime ? formatDateTime(ctx.locale, date) : formatDate(ctx.locale, date)}
    </time>
  );
}

/** The last day of a phase ending at `end` (ends are the midnight after the last day). */
export function lastDayOf(end: Date): Date {
  return new Date(end.getTime() - 1);
}

export function BudgetStyles({ ctx }: { ctx: PageContext }) {
  return <link rel="stylesheet" href={ctx.asset('budget-proposals.css')} />;
}

export function BudgetScript({ ctx }: { ctx: PageContext }) {
  return <script src={ctx.asset('budget-proposals.js')} defer />;
}

export const campaignHref = (slug: string) => `/budget/${encodeURIComponent(slug)}`;
export const proposalsHref = (slug: string) => `${campaignHref(slug)}/propositions`;
export const proposalHref = (slug: string, reference: string) =>
  `${proposalsHref(slug)}/${encodeURIComponent(reference)}`;
export const projectHref = (slug: string, number: number) => `${campaignHref(slug)}/projets/${number}`;

/** A public name, or "anonymous" in the page's language. */
export function publicName(ctx: PageContext, name: string): string {
  return name.trim() || ctx.t('budget.proposals.anonymous');
}

export function Lead({ children }: { children: ComponentChildren }) {
  return <p class="lead">{children}</p>;
}
