/** The category tree and the form of one node (label, parent, service, target, questions). */
import {
  Button,
  ButtonGroup,
  ButtonLink,
  type Choice,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Select,
} from '../../../../core/views/components/form.js';
import { Breadcrumbs, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { BackofficePage } from '../../../backoffice/common.js';
import type { StoredCategory } from '../../categories.service.js';
import { ATTRIBUTE_DATATYPES, type AttributeDatatype } from '../../domain/open311.js';

export interface QuestionValues {
  code: string;
  label: string;
  datatype: string;
  required: boolean;
  /** One option per line (choice questions). */
  options: string;
}

export interface CategoryValues {
  label: string;
  parentId: string;
  defaultServiceId: string;
  targetDays: string;
  active: boolean;
  questions: QuestionValues[];
}

export const emptyQuestion: QuestionValues = {
  code: '',
  label: '',
  datatype: 'string',
  required: false,
  options: '',
};

/** Empty rows offered under the filled ones: questions are added without JavaScript. */
export const EMPTY_QUESTION_ROWS = 1;

function datatypeLabel(ctx: PageContext, datatype: AttributeDatatype): string {
  const { t } = ctx;
  switch (datatype) {
    case 'string':
      return t('reports.admin.categories.type_string');
    case 'number':
      return t('reports.admin.categories.type_number');
    case 'datetime':
      return t('reports.admin.categories.type_datetime');
    case 'text':
      return t('reports.admin.categories.type_text');
    case 'singlevaluelist':
      return t('reports.admin.categories.type_single');
    case 'multivaluelist':
      return t('reports.admin.categories.type_multiple');
  }
}

function TreeList({
  ctx,
  ids,
  byId,
}: {
  ctx: PageContext;
  ids: readonly string[];
  byId: Map<string, StoredCategory>;
}) {
  const { t } = ctx;
  return (
    <ul class="list">
      {ids.map((id) => {
        const node = byId.get(id);
        if (!node) return null;
        return (
          <li key={id}>
            <a href={`/admin/signalements/categories/${encodeURIComponent(id)}`}>{node.label}</a>
            {!node.active && (
              <>
                {' '}
                <Tag tone="grey">{t('reports.admin.categories.inactive')}</Tag>
              </>
            )}
            {(node.defaultServiceName || node.targetDays) && (
              <span class="muted">
                {' — '}
                {[
                  node.defaultServiceName,
                  node.targetDays
                    ? t('reports.admin.categories.target_short', { days: node.targetDays })
                    : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            )}
            {node.childIds.length > 0 && <TreeList ctx={ctx} ids={node.childIds} byId={byId} />}
          </li>
        );
      })}
    </ul>
  );
}

export function CategoriesPage({ ctx, categories }: { ctx: PageContext; categories: StoredCategory[] }) {
  const { t } = ctx;
  const byId = new Map(categories.map((c) => [c.id, c]));
  const roots = categories.filter((c) => c.parentId === null).map((c) => c.id);
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.categories.title')}>
      <p>{t('reports.admin.categories.intro', { count: categories.length })}</p>
      <p>
        <ButtonLink href="/admin/signalements/categories/nouvelle">
          {t('reports.admin.categories.create')}
        </ButtonLink>
      </p>
      {roots.length === 0 ? (
        <p>{t('reports.admin.categories.empty')}</p>
      ) : (
        <TreeList ctx={ctx} ids={roots} byId={byId} />
      )}
    </BackofficePage>
  );
}

function ServiceGroupSelect({
  ctx,
  groups,
  value,
  errors,
}: {
  ctx: PageContext;
  groups: { directorate: string; services: { id: string; name: string }[] }[];
  value: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const error = errors?.defaultServiceId;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label class="field__label" for="field-defaultServiceId">
        {t('reports.admin.categories.default_service')}
        <span class="field__optional"> {t('core.form.optional')}</span>
      </label>
      <p class="field__hint" id="field-defaultServiceId-hint">
        {t('reports.admin.categories.default_service_hint')}
      </p>
      {error && (
        <p class="field__error" id="field-defaultServiceId-error">
          <span class="visually-hidden">{t('core.form.error_prefix')} </span>
          {t(error)}
        </p>
      )}
      <select
        class="field__select"
        id="field-defaultServiceId"
        name="defaultServiceId"
        aria-describedby={`field-defaultServiceId-hint${error ? ' field-defaultServiceId-error' : ''}`}
        aria-invalid={error ? 'true' : undefined}
      >
        <option value="">{t('reports.admin.categories.inherit_service')}</option>
        {groups.map((group) => (
          <optgroup label={group.directorate} key={group.directorate}>
            {group.services.map((s) => (
              <option value={s.id} key={s.id} selected={s.id === value}>
                {s.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

function QuestionRow({
  ctx,
  index,
  question,
  errors,
}: {
  ctx: PageContext;
  index: number;
  question: QuestionValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const prefix = `q${index}_`;
  return (
    <fieldset class="fieldset">
      <legend class="fieldset__legend">{t('reports.admin.categories.question_n', { n: index + 1 })}</legend>
      <div class="form--inline">
        <Field
          ctx={ctx}
          name={`${prefix}code`}
          label={t('reports.admin.categories.question_code')}
          hint={t('reports.admin.categories.question_code_hint')}
          value={question.code}
          errors={errors}
          width="medium"
          maxLength={64}
        />
        <Select
          ctx={ctx}
          name={`${prefix}datatype`}
          label={t('reports.admin.categories.question_datatype')}
          options={ATTRIBUTE_DATATYPES.map((d) => ({ value: d, label: datatypeLabel(ctx, d) }))}
          value={question.datatype}
          errors={errors}
          required
        />
      </div>
      <Field
        ctx={ctx}
        name={`${prefix}label`}
        label={t('reports.admin.categories.question_label')}
        value={question.label}
        errors={errors}
        maxLength={300}
      />
      <div class="choice">
        <input
          class="choice__input"
          type="checkbox"
          id={`field-${prefix}required`}
          name={`${prefix}required`}
          value="1"
          checked={question.required}
        />
        <label class="choice__label" for={`field-${prefix}required`}>
          {t('reports.admin.categories.question_required')}
        </label>
      </div>
      <Field
        ctx={ctx}
        name={`${prefix}options`}
        label={t('reports.admin.categories.question_options')}
        hint={t('reports.admin.categories.question_options_hint')}
        value={question.options}
        errors={errors}
        multiline
        rows={3}
      />
    </fieldset>
  );
}

export function CategoryFormPage({
  ctx,
  category,
  values,
  parents,
  serviceGroups,
  errors,
}: {
  ctx: PageContext;
  /** null: a new node. */
  category: StoredCategory | null;
  values: CategoryValues;
  parents: Choice[];
  serviceGroups: { directorate: string; services: { id: string; name: string }[] }[];
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = category
    ? t('reports.admin.categories.edit_title', { label: category.label })
    : t('reports.admin.categories.create');
  const action = category
    ? `/admin/signalements/categories/${encodeURIComponent(category.id)}`
    : '/admin/signalements/categories';
  return (
    <BackofficePage ctx={ctx} title={title}>
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.admin.categories.title'), href: '/admin/signalements/categories' },
          { label: category ? category.label : t('reports.admin.categories.create') },
        ]}
      />
      {category && <p class="muted">{category.pathLabel}</p>}
      {category && category.aliases.length > 0 && (
        <p>
          {t('reports.admin.categories.aliases')}{' '}
          {category.aliases.map((alias) => (
            <span key={alias}>
              <Tag tone="grey">{alias}</Tag>{' '}
            </span>
          ))}
        </p>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action={action}>
        <Field
          ctx={ctx}
          name="label"
          label={t('reports.admin.categories.label')}
          hint={category ? t('reports.admin.categories.label_hint') : undefined}
          value={values.label}
          errors={errors}
          required
          maxLength={200}
        />
        <Select
          ctx={ctx}
          name="parentId"
          label={t('reports.admin.categories.parent')}
          placeholder={t('reports.admin.categories.no_parent')}
          options={parents}
          value={values.parentId}
          errors={errors}
        />
        <ServiceGroupSelect
          ctx={ctx}
          groups={serviceGroups}
          value={values.defaultServiceId}
          errors={errors}
        />
        <Field
          ctx={ctx}
          name="targetDays"
          type="number"
          inputMode="numeric"
          label={t('reports.admin.categories.target_days')}
          hint={t('reports.admin.categories.target_days_hint')}
          value={values.targetDays}
          errors={errors}
          width="short"
          min="1"
        />
        <div class="choice">
          <input
            class="choice__input"
            type="checkbox"
            id="field-active"
            name="active"
            value="1"
            checked={values.active}
          />
          <label class="choice__label" for="field-active">
            {t('reports.admin.categories.active')}
          </label>
        </div>
        <h2>{t('reports.admin.categories.questions')}</h2>
        <p>{t('reports.admin.categories.questions_intro')}</p>
        <input type="hidden" name="questionCount" value={String(values.questions.length)} />
        {values.questions.map((question, index) => (
          <QuestionRow key={index} ctx={ctx} index={index} question={question} errors={errors} />
        ))}
        {/* Save comes first in the markup: it is the button Enter presses. */}
        <ButtonGroup>
          <Button>{t('reports.admin.categories.save')}</Button>
          <Button variant="secondary" name="addQuestion" value="1">
            {t('reports.admin.categories.add_question')}
          </Button>
        </ButtonGroup>
      </Form>
    </BackofficePage>
  );
}
