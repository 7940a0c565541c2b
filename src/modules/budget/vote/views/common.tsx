/** Pieces shared by the vote, results and booth pages. */
import type { ComponentChildren } from 'preact';
import type { Params } from '../../../../core/i18n/i18n.js';
import { formatDateTime } from '../../../../core/i18n/i18n.js';
import { ErrorSummary, type FieldErrors } from '../../../../core/views/components/form.js';
import { Breadcrumbs } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { GRADES } from '../ballot-rules.js';
import { formatEuros } from '../money.js';

export interface CampaignView {
  slug: string;
  title: string;
  votingMethod: 'approval' | 'knapsack' | 'majority_judgment';
  maxChoices: number | null;
  minSpendPercent: number;
  voteStartsAt: Date;
  voteEndsAt: Date;
}

export interface EnvelopeView {
  id: string;
  code: string;
  label: string;
  kind: 'city' | 'arrondissement' | 'earmarked';
  amountCents: number;
}

export interface ProjectView {
  id: string;
  number: number;
  title: string;
  summary: string;
  costCents: number;
}

/** Form problems: field → message key, with the numbers some messages need. */
export interface FormErrors {
  fields: FieldErrors;
  params?: Record<string, Params>;
}

export const campaignHref = (slug: string) => `/budget/${encodeURIComponent(slug)}`;
export const voteHref = (slug: string) => `${campaignHref(slug)}/vote`;
export const basketHref = (slug: string, code: string) =>
  `${voteHref(slug)}/enveloppe/${encodeURIComponent(code)}`;
export const resultsHref = (slug: string) => `${campaignHref(slug)}/resultats`;
export const projectHref = (slug: string, number: number) => `${campaignHref(slug)}/projets/${number}`;

export function euros(ctx: PageContext, cents: number): string {
  return formatEuros(cents, ctx.locale);
}

export function dateTime(ctx: PageContext, date: Date): string {
  return formatDateTime(ctx.locale, date);
}

/** Full keys, so that the i18n check sees them used. */
const GRADE_LABELS: Record<(typeof GRADES)[number], string> = {
  adore: 'budget.vote.grade.adore',
  aime_bien: 'budget.vote.grade.aime_bien',
  pourquoi_pas: 'budget.vote.grade.pourquoi_pas',
  pas_convaincu: 'budget.vote.grade.pas_convaincu',
};

export function gradeName(ctx: PageContext, grade: number | string): string {
  const name = typeof grade === 'number' ? GRADES[grade] : grade;
  return name && name in GRADE_LABELS
    ? ctx.t(GRADE_LABELS[name as keyof typeof GRADE_LABELS])
    : String(grade);
}

/** Best grade first, as Paris's ballot shows them. */
export const GRADES_BEST_FIRST = [...GRADES].reverse();

/** A context whose `t` fills in the numbers of the form's messages (limits, totals). */
export function withParams(ctx: PageContext, errors: FormErrors | undefined): PageContext {
  if (!errors?.params) return ctx;
  const params = errors.params;
  const byKey = new Map<string, Params>();
  for (const [field, key] of Object.entries(errors.fields)) if (params[field]) byKey.set(key, params[field]!);
  return { ...ctx, t: (key, p) => ctx.t(key, p ?? byKey.get(key)) };
}

export function FormErrorSummary({ ctx, errors }: { ctx: PageContext; errors: FormErrors | undefined }) {
  return <ErrorSummary ctx={withParams(ctx, errors)} errors={errors?.fields} />;
}

/** The vote pages' own styles: baskets, running total, result bars. */
export function VoteStyles({ ctx }: { ctx: PageContext }) {
  return <link rel="stylesheet" href={ctx.asset('budget-vote.css')} />;
}

export function CampaignCrumbs({
  ctx,
  campaign,
  items,
}: {
  ctx: PageContext;
  campaign: { slug: string; title: string };
  items: { label: string; href?: string }[];
}) {
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: ctx.t('budget.nav'), href: '/budget' },
        { label: campaign.title, href: campaignHref(campaign.slug) },
        ...items,
      ]}
    />
  );
}

/** A number shown in large type with its label (the participation counter). */
export function Figure({ value, label }: { value: string; label: ComponentChildren }) {
  return (
    <div class="vote-figure">
      <p class="vote-figure__value">{value}</p>
      <p class="vote-figure__label">{label}</p>
    </div>
  );
}

/** A width class for CSS bars (the CSP forbids style attributes): 0…100 by steps of 1. */
export function widthClass(fraction: number): string {
  const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  return `vote-w-${percent}`;
}
