/**
 * The fields of one envelope's basket, shared by the citizen's form and the booth form:
 * checkboxes with costs (approval, knapsack) or one radio group per project (majority
 * judgment). The running total is written by the server; budget-vote.js only keeps it live.
 */
import { Radios } from '../../../../core/views/components/form.js';
import type { PageContext } from '../../../../core/views/context.js';
import { gradeField } from '../ballot-rules.js';
import {
  type CampaignView,
  euros,
  type FormErrors,
  GRADES_BEST_FIRST,
  gradeName,
  type ProjectView,
  projectHref,
  withParams,
} from './common.js';

export interface BasketValues {
  /** Ticked project numbers (approval, knapsack). */
  selected: string[];
  /** Project number → grade name ('' = no opinion). */
  grades: Record<string, string>;
}

export function ProjectSummary({
  ctx,
  slug,
  project,
}: {
  ctx: PageContext;
  slug: string;
  project: ProjectView;
}) {
  return (
    <>
      {project.summary && <span class="vote-project__summary">{project.summary}</span>}{' '}
      <span class="vote-project__meta">
        {ctx.t('budget.vote.basket.cost', { cost: euros(ctx, project.costCents) })} ·{' '}
        <a href={projectHref(slug, project.number)}>
          {ctx.t('budget.vote.basket.project_page')}
          <span class="visually-hidden"> {project.title}</span>
        </a>
      </span>
    </>
  );
}

function ErrorText({ ctx, id, text }: { ctx: PageContext; id: string; text: string }) {
  return (
    <p class="field__error" id={id}>
      <span class="visually-hidden">{ctx.t('core.form.error_prefix')} </span>
      {text}
    </p>
  );
}

/** Ticked projects with their costs, and the basket's total. */
function SelectionFields({
  ctx,
  campaign,
  amountCents,
  projects,
  values,
  errors,
  prefix,
  legend,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  amountCents: number;
  projects: ProjectView[];
  values: BasketValues;
  errors?: FormErrors;
  prefix: string;
  legend: string;
}) {
  const { t } = ctx;
  const name = `${prefix}projects`;
  const id = `field-${name}`;
  const error = errors?.fields[name];
  const knapsack = campaign.votingMethod === 'knapsack';
  const chosen = projects.filter((p) => values.selected.includes(String(p.number)));
  const total = chosen.reduce((s, p) => s + p.costCents, 0);
  const max = campaign.maxChoices ?? projects.length;
  const hint = knapsack
    ? campaign.minSpendPercent > 0
      ? t('budget.vote.basket.knapsack_hint_min', {
          amount: euros(ctx, amountCents),
          percent: campaign.minSpendPercent,
        })
      : t('budget.vote.basket.knapsack_hint', { amount: euros(ctx, amountCents) })
    : t('budget.vote.basket.approval_hint', { max });
  const over = knapsack && total > amountCents;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
        <legend class="fieldset__legend fieldset__legend--large">{legend}</legend>
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
        {error && <ErrorText ctx={ctx} id={`${id}-error`} text={withParams(ctx, errors).t(error)} />}
        <ul class="vote-projects">
          {projects.map((project, index) => {
            const optionId = index === 0 ? id : `${id}-${index + 1}`;
            return (
              <li class="choice vote-project" key={project.id}>
                <input
                  class="choice__input"
                  type="checkbox"
                  id={optionId}
                  name={name}
                  value={String(project.number)}
                  checked={values.selected.includes(String(project.number))}
                  aria-describedby={`${optionId}-hint`}
                  data-cost={String(project.costCents)}
                />
                <label class="choice__label" for={optionId}>
                  {t('budget.vote.basket.project_label', { number: project.number, title: project.title })}
                </label>
                <p class="choice__hint" id={`${optionId}-hint`}>
                  <ProjectSummary ctx={ctx} slug={campaign.slug} project={project} />
                </p>
              </li>
            );
          })}
        </ul>
      </fieldset>
      {/* Kept live by budget-vote.js; the templates travel with the page, in its language. */}
      <div
        class={`vote-total${over ? ' vote-total--over' : ''}`}
        data-basket-total={name}
        data-mode={knapsack ? 'cost' : 'count'}
        data-amount={String(amountCents)}
        data-max={String(max)}
        data-locale={ctx.locale === 'en' ? 'en-GB' : 'fr-FR'}
        data-text-cost={t('budget.vote.basket.total_cost')}
        data-text-over={t('budget.vote.basket.total_over')}
        data-text-count={t('budget.vote.basket.total_count')}
        data-text-count-over={t('budget.vote.basket.total_count_over')}
      >
        <p class="vote-total__text" aria-live="polite">
          {knapsack
            ? over
              ? t('budget.vote.basket.total_over', {
                  total: euros(ctx, total),
                  amount: euros(ctx, amountCents),
                  over: euros(ctx, total - amountCents),
                })
              : t('budget.vote.basket.total_cost', {
                  total: euros(ctx, total),
                  amount: euros(ctx, amountCents),
                })
            : chosen.length > max
              ? t('budget.vote.basket.total_count_over', { count: chosen.length, max })
              : t('budget.vote.basket.total_count', { count: chosen.length, max })}
        </p>
      </div>
    </div>
  );
}

/** One radio group per project: the four grades, and "no opinion" (counted as the lowest). */
function GradeFields({
  ctx,
  campaign,
  projects,
  values,
  errors,
  prefix,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  projects: ProjectView[];
  values: BasketValues;
  errors?: FormErrors;
  prefix: string;
}) {
  const { t } = ctx;
  const options = [
    ...GRADES_BEST_FIRST.map((g) => ({ value: g, label: gradeName(ctx, g) })),
    { value: '', label: t('budget.vote.grade.none') },
  ];
  return (
    <div class="vote-grades">
      {projects.map((project) => {
        const name = `${prefix}${gradeField(project.number)}`;
        return (
          <div class="vote-grade" key={project.id}>
            <Radios
              ctx={ctx}
              name={name}
              legend={t('budget.vote.basket.project_label', { number: project.number, title: project.title })}
              hint={`${project.summary} — ${t('budget.vote.basket.cost', { cost: euros(ctx, project.costCents) })}`}
              options={options}
              value={values.grades[String(project.number)] ?? ''}
              errors={errors?.fields}
              required
              inline
            />
            <p class="vote-grade__link">
              <a href={projectHref(campaign.slug, project.number)}>
                {t('budget.vote.basket.project_page')}
                <span class="visually-hidden"> {project.title}</span>
              </a>
            </p>
          </div>
        );
      })}
    </div>
  );
}

export function BasketFields(props: {
  ctx: PageContext;
  campaign: CampaignView;
  amountCents: number;
  projects: ProjectView[];
  values: BasketValues;
  errors?: FormErrors;
  /** '' for the citizen's form; '<envelope code>.' in the booth form, which has every envelope. */
  prefix?: string;
  legend: string;
}) {
  const prefix = props.prefix ?? '';
  if (props.campaign.votingMethod === 'majority_judgment') {
    const error = props.errors?.fields[`${prefix}projects`] ?? props.errors?.fields[`${prefix}basket`];
    return (
      <fieldset class="fieldset vote-envelope">
        <legend class="fieldset__legend fieldset__legend--large">{props.legend}</legend>
        <p class="field__hint">{props.ctx.t('budget.vote.basket.mj_hint')}</p>
        {error && (
          <ErrorText
            ctx={props.ctx}
            id={`field-${prefix}projects`}
            text={withParams(props.ctx, props.errors).t(error)}
          />
        )}
        <GradeFields {...props} prefix={prefix} />
      </fieldset>
    );
  }
  return <SelectionFields {...props} prefix={prefix} />;
}
