import {
  Button,
  ButtonGroup,
  Checkboxes,
  ErrorSummary,
  Field,
  type FieldErrors,
  FileUpload,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, Details, Panel } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import type { ExtraQuestion } from '../../domain/open311.js';
import { MAX_DESCRIPTION, type NearbyReport } from '../../reports.service.js';
import { dateText, ReportStyles, reportHref, StateTag } from './common.js';

export { MAX_DESCRIPTION };
export const MAX_PHOTOS = 3;

/** Everything the person typed, sent back on every step and after every error. */
export interface ReportFormValues {
  idempotencyKey: string;
  q: string;
  categoryId: string;
  lat: string;
  lon: string;
  address: string;
  arrondissement: string;
  description: string;
  name: string;
  email: string;
  phone: string;
  /** Answers to the category's questions, by question code. */
  attributes: Record<string, string | string[]>;
  /** The category whose questions the person has seen (the questions step is then done). */
  questionsFor: string;
  /** The position found in a photo, offered as the place ('' when none). */
  photoLat: string;
  photoLon: string;
  /** The person's answer to that offer: '1' use it, '0' no, '' not asked yet. */
  usePhotoPosition: string;
}

export interface CategoryChoice {
  id: string;
  /** The path below the top level ("Dépôt sauvage › Encombrants"). */
  label: string;
  /** Label and aliases, lower case and without accents, for the script's live filter. */
  searchText: string;
  hasQuestions: boolean;
}

export interface CategoryGroup {
  id: string;
  label: string;
  choices: CategoryChoice[];
}

export interface AreaOption {
  code: string;
  name: string;
}

export interface NewReportProps {
  ctx: PageContext;
  values: ReportFormValues;
  groups: CategoryGroup[];
  /** How many categories there are before filtering (to say "N match"). */
  arrondissements: AreaOption[];
  /** The chosen category's questions (shown once a category is chosen). */
  questions: ExtraQuestion[];
  categoryLabel: string | null;
  errors?: FieldErrors;
  /** Photos already received on an earlier step. */
  keptPhotos: number;
  /** Why this step is shown again without an error. */
  notice?: 'questions' | 'search' | 'photo_position';
}

export const attributeField = (code: string) => `attr_${code}`;

function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}

/** The form's values as hidden fields, for the duplicates step. */
function HiddenValues({ values }: { values: ReportFormValues }) {
  const plain: (keyof ReportFormValues)[] = [
    'idempotencyKey',
    'categoryId',
    'lat',
    'lon',
    'address',
    'arrondissement',
    'description',
    'name',
    'email',
    'phone',
    'questionsFor',
    'photoLat',
    'photoLon',
    'usePhotoPosition',
  ];
  return (
    <>
      {plain.map((key) => (
        <Hidden key={key} name={key} value={String(values[key])} />
      ))}
      {Object.entries(values.attributes).flatMap(([code, answer]) =>
        (Array.isArray(answer) ? answer : [answer]).map((v, i) => (
          <Hidden key={`${code}-${i}`} name={attributeField(code)} value={v} />
        )),
      )}
    </>
  );
}

function Scripts({ ctx }: { ctx: PageContext }) {
  return <script src={ctx.asset('report-form.js')} defer />;
}

export function NewReportPage(props: NewReportProps) {
  const { ctx, values, errors } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('reports.public.form.title')}>
      <ReportStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.public.list.title'), href: '/signalements' },
          { label: t('reports.public.form.title') },
        ]}
      />
      <h1>{t('reports.public.form.title')}</h1>
      <p class="lead">{t('reports.public.form.intro')}</p>
      {errors && Object.keys(errors).length > 0 && (
        <>
          <ErrorSummary ctx={ctx} errors={errors} />
          <p class="field__hint">{t('reports.public.form.photos_not_kept')}</p>
        </>
      )}
      {props.notice === 'photo_position' && (
        <Banner tone="info" title={t('reports.public.form.photo_position_step_title')} announce="status">
          <p>{t('reports.public.form.photo_position_step_text')}</p>
        </Banner>
      )}
      {props.notice === 'questions' && (
        <Banner tone="info" title={t('reports.public.form.questions_step_title')} announce="status">
          <p>{t('reports.public.form.questions_step_text')}</p>
        </Banner>
      )}
      <Form ctx={ctx} action="/signalements/nouveau" enctype="multipart/form-data" class="form report-form">
        <Hidden name="idempotencyKey" value={values.idempotencyKey} />
        <Hidden name="questionsFor" value={values.questionsFor} />
        <PlaceSection {...props} />
        <CategorySection {...props} />
        {props.questions.length > 0 && <QuestionsSection {...props} />}
        <h2>{t('reports.public.form.details_heading')}</h2>
        <Field
          ctx={ctx}
          name="description"
          label={t('reports.public.form.description')}
          hint={t('reports.public.form.description_hint')}
          value={values.description}
          errors={errors}
          multiline
          rows={5}
          maxLength={MAX_DESCRIPTION}
        />
        {props.keptPhotos > 0 && (
          <p class="field__hint">{t('reports.public.form.photos_kept', { count: props.keptPhotos })}</p>
        )}
        {props.keptPhotos < MAX_PHOTOS && (
          <FileUpload
            ctx={ctx}
            name="photos"
            label={t('reports.public.form.photos')}
            hint={t('reports.public.form.photos_hint', { count: MAX_PHOTOS - props.keptPhotos })}
            accept="image/jpeg,image/png,image/webp"
            multiple
            errors={errors}
          />
        )}
        {/* The script shows it when a chosen photo knows where it was taken. */}
        <p class="report-form__photo-position" hidden data-photo-position-offer>
          <button type="button" class="button button--secondary" data-use-photo-position />
        </p>
        <fieldset class="fieldset">
          <legend class="fieldset__legend">
            {t('reports.public.form.contact_legend')}
            <span class="field__optional"> {t('core.form.optional')}</span>
          </legend>
          <p class="field__hint">{t('reports.public.form.contact_hint')}</p>
          <Field
            ctx={ctx}
            name="name"
            label={t('reports.public.form.name')}
            value={values.name}
            errors={errors}
            autocomplete="name"
            width="medium"
          />
          <Field
            ctx={ctx}
            name="email"
            type="email"
            label={t('reports.public.form.email')}
            hint={t('reports.public.form.email_hint')}
            value={values.email}
            errors={errors}
            autocomplete="email"
            width="medium"
          />
          <Field
            ctx={ctx}
            name="phone"
            type="tel"
            label={t('reports.public.form.phone')}
            value={values.phone}
            errors={errors}
            autocomplete="tel"
            width="medium"
          />
        </fieldset>
        <Button name="action" value="submit">
          {t('reports.public.form.submit')}
        </Button>
      </Form>
      <Scripts ctx={ctx} />
    </Layout>
  );
}

/** The position read from a photo, as a choice: the person says whether the problem is there. */
function PhotoPositionChoice({ ctx, values, errors }: NewReportProps) {
  const { t } = ctx;
  // Coordinates read as people copy them (a dot, five decimals: about a metre).
  const position = { lat: Number(values.photoLat).toFixed(5), lon: Number(values.photoLon).toFixed(5) };
  return (
    <div
      class="report-photo-position"
      data-photo-position
      data-lat={values.photoLat}
      data-lng={values.photoLon}
    >
      <Hidden name="photoLat" value={values.photoLat} />
      <Hidden name="photoLon" value={values.photoLon} />
      <Radios
        ctx={ctx}
        name="usePhotoPosition"
        legend={t('reports.public.form.photo_position_legend')}
        hint={t('reports.public.form.photo_position_hint')}
        options={[
          { value: '1', label: t('reports.public.form.photo_position_use', position) },
          { value: '0', label: t('reports.public.form.photo_position_other') },
        ]}
        value={values.usePhotoPosition}
        errors={errors}
        required
      />
    </div>
  );
}

function PlaceSection(props: NewReportProps) {
  const { ctx, values, errors, arrondissements } = props;
  const { t } = ctx;
  const { map } = ctx.city;
  const offered = values.photoLat !== '' && values.photoLon !== '';
  const coordinatesOpen = values.lat !== '' || values.lon !== '' || !!errors?.lat || !!errors?.lon;
  return (
    <fieldset class={`fieldset report-form__section${errors?.place ? ' field--error' : ''}`}>
      <legend class="fieldset__legend fieldset__legend--large">
        {t('reports.public.form.place_legend')}
      </legend>
      {errors?.place && (
        <p class="field__error" id="field-place-error">
          <span class="visually-hidden">{t('core.form.error_prefix')} </span>
          {t(errors.place)}
        </p>
      )}
      <div
        class="report-picker"
        id="field-place"
        tabIndex={-1}
        data-report-picker
        data-lat={String(map.center[0])}
        data-lng={String(map.center[1])}
        data-zoom={String(map.zoom)}
        data-tile-url={map.tileUrl}
        data-attribution={map.tileAttribution}
        data-geojson-url={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
        data-map-label={t('reports.public.form.map_label')}
        data-placed={t('reports.public.form.map_placed')}
        data-locating={t('reports.public.form.locating')}
        data-locate-failed={t('reports.public.form.locate_failed')}
        data-photo-found={t('reports.public.form.photo_position_found')}
      >
        <p class="field__hint" data-picker-only hidden>
          {t('reports.public.form.map_hint')}
        </p>
        <div class="report-picker__canvas" data-picker-canvas hidden />
        <p class="report-picker__status" data-picker-status aria-live="polite" hidden />
        <button type="button" class="button button--secondary" data-locate hidden>
          {t('reports.public.form.use_my_position')}
        </button>
      </div>
      {offered && <PhotoPositionChoice {...props} />}
      <Field
        ctx={ctx}
        name="address"
        label={t('reports.public.form.address')}
        hint={t('reports.public.form.address_hint')}
        value={values.address}
        errors={errors}
        autocomplete="street-address"
        maxLength={300}
      />
      <Select
        ctx={ctx}
        name="arrondissement"
        label={t('reports.public.form.arrondissement')}
        hint={t('reports.public.form.arrondissement_hint')}
        options={arrondissements.map((a) => ({ value: a.code, label: a.name }))}
        placeholder={t('reports.public.form.arrondissement_choose')}
        value={values.arrondissement}
        errors={errors}
      />
      <Details summary={t('reports.public.form.coordinates_summary')} open={coordinatesOpen}>
        <p class="field__hint">{t('reports.public.form.coordinates_hint')}</p>
        <Field
          ctx={ctx}
          name="lat"
          label={t('reports.public.form.lat')}
          value={values.lat}
          errors={errors}
          inputMode="decimal"
          width="short"
        />
        <Field
          ctx={ctx}
          name="lon"
          label={t('reports.public.form.lon')}
          value={values.lon}
          errors={errors}
          inputMode="decimal"
          width="short"
        />
      </Details>
    </fieldset>
  );
}

function CategorySection({ ctx, values, errors, groups }: NewReportProps) {
  const { t } = ctx;
  const error = errors?.categoryId;
  let first = true;
  const total = groups.reduce((n, g) => n + g.choices.length, 0);
  return (
    <fieldset class={`fieldset report-form__section${error ? ' field--error' : ''}`}>
      <legend class="fieldset__legend fieldset__legend--large">
        {t('reports.public.form.category_legend')}
      </legend>
      <div class="report-form__search">
        <Field
          ctx={ctx}
          name="q"
          type="search"
          label={t('reports.public.form.search')}
          hint={t('reports.public.form.search_hint')}
          value={values.q}
          width="medium"
        />
        <Button variant="secondary" name="action" value="search">
          {t('reports.public.form.search_button')}
        </Button>
      </div>
      {/* The script presses this when a category with questions is chosen, to show them. */}
      <button type="submit" name="action" value="search" hidden data-show-questions tabIndex={-1} />
      {error && (
        <p class="field__error" id="field-categoryId-error">
          <span class="visually-hidden">{t('core.form.error_prefix')} </span>
          {t(error)}
        </p>
      )}
      <p
        class="field__hint"
        aria-live="polite"
        data-category-count
        data-template={t('reports.public.form.search_count')}
      >
        {values.q ? t('reports.public.form.search_count', { count: total }) : ''}
      </p>
      {total === 0 && <p>{t('reports.public.form.search_none')}</p>}
      <div class="report-categories" data-category-tree>
        {groups.map((group) => {
          const open = values.q !== '' || group.choices.some((c) => c.id === values.categoryId);
          return (
            <details class="details report-categories__group" open={open} key={group.id} data-category-group>
              <summary class="details__summary">{group.label}</summary>
              <div class="details__body">
                <fieldset class="fieldset">
                  <legend class="visually-hidden">{group.label}</legend>
                  <div class="choices">
                    {group.choices.map((choice) => {
                      const id = first ? 'field-categoryId' : `category-${choice.id}`;
                      first = false;
                      return (
                        <div class="choice" key={choice.id} data-search={choice.searchText}>
                          <input
                            class="choice__input"
                            type="radio"
                            id={id}
                            name="categoryId"
                            value={choice.id}
                            checked={choice.id === values.categoryId}
                            data-has-questions={choice.hasQuestions ? 'true' : undefined}
                            aria-describedby={error ? 'field-categoryId-error' : undefined}
                          />
                          <label class="choice__label" for={id}>
                            {choice.label}
                          </label>
                        </div>
                      );
                    })}
                  </div>
                </fieldset>
              </div>
            </details>
          );
        })}
      </div>
    </fieldset>
  );
}

function QuestionsSection({ ctx, values, errors, questions, categoryLabel }: NewReportProps) {
  const { t } = ctx;
  return (
    <section class="report-form__section" id="questions" aria-labelledby="questions-title">
      <h2 id="questions-title">{t('reports.public.form.questions_heading')}</h2>
      {categoryLabel && <p class="field__hint">{categoryLabel}</p>}
      {[...questions]
        .sort((a, b) => a.order - b.order)
        .map((q) => {
          const name = attributeField(q.code);
          const answer = values.attributes[q.code];
          const text = Array.isArray(answer) ? (answer[0] ?? '') : (answer ?? '');
          if (q.variable === false) {
            return <p key={q.code}>{q.description}</p>;
          }
          const options = (q.values ?? []).map((v) => ({ value: v.key, label: v.name }));
          switch (q.datatype) {
            case 'singlevaluelist':
              return (
                <Radios
                  key={q.code}
                  ctx={ctx}
                  name={name}
                  legend={q.description}
                  hint={q.datatypeDescription ?? undefined}
                  options={options}
                  value={text}
                  errors={errors}
                  required={q.required}
                />
              );
            case 'multivaluelist':
              return (
                <Checkboxes
                  key={q.code}
                  ctx={ctx}
                  name={name}
                  legend={q.description}
                  hint={q.datatypeDescription ?? undefined}
                  options={options}
                  values={Array.isArray(answer) ? answer : answer ? [answer] : []}
                  errors={errors}
                  required={q.required}
                />
              );
            default:
              return (
                <Field
                  key={q.code}
                  ctx={ctx}
                  name={name}
                  label={q.description}
                  hint={q.datatypeDescription ?? undefined}
                  value={text}
                  errors={errors}
                  required={q.required}
                  multiline={q.datatype === 'text'}
                  inputMode={q.datatype === 'number' ? 'decimal' : undefined}
                  width={q.datatype === 'text' || q.datatype === 'string' ? 'full' : 'medium'}
                />
              );
          }
        })}
    </section>
  );
}

/** The step before sending: open reports of the same category close by. */
export function DuplicatesPage({
  ctx,
  values,
  nearby,
  keptPhotos,
  categoryLabel,
}: {
  ctx: PageContext;
  values: ReportFormValues;
  nearby: NearbyReport[];
  keptPhotos: number;
  categoryLabel: string;
}) {
  const { t } = ctx;
  const back = '/signalements/nouveau';
  return (
    <Layout ctx={ctx} title={t('reports.public.duplicates.title')}>
      <ReportStyles ctx={ctx} />
      <h1>{t('reports.public.duplicates.title')}</h1>
      <p class="lead">
        {t('reports.public.duplicates.intro', { count: nearby.length, category: categoryLabel })}
      </p>
      <ul class="report-duplicates">
        {nearby.map((report) => (
          <li class="report-duplicates__item" key={report.id}>
            <h2 class="report-duplicates__title">
              <a href={reportHref(report.reference)}>{report.reference}</a>
            </h2>
            <p>
              {report.categoryLabel} · <StateTag ctx={ctx} state={report.state} />
            </p>
            <p>
              {report.address ? `${report.address} · ` : ''}
              {t('reports.public.duplicates.distance', { distance: Math.round(report.distanceMetres) })} ·{' '}
              {t('reports.public.duplicates.reported_on', { date: dateText(ctx, report.createdAt) })}
            </p>
            {ctx.viewer ? (
              <Form ctx={ctx} action={`${reportHref(report.reference)}/suivre`} class="inline-form">
                <Hidden name="follow" value="1" />
                <Hidden name="retour" value={reportHref(report.reference)} />
                <Button variant="secondary">
                  {t('reports.public.follow.button')}
                  <span class="visually-hidden"> {report.reference}</span>
                </Button>
              </Form>
            ) : (
              <p>
                <a href={`/connexion?retour=${encodeURIComponent(reportHref(report.reference))}`}>
                  {t('reports.public.duplicates.sign_in_to_follow')}
                  <span class="visually-hidden"> {report.reference}</span>
                </a>
              </p>
            )}
          </li>
        ))}
      </ul>
      <h2>{t('reports.public.duplicates.different_heading')}</h2>
      {keptPhotos > 0 && <p>{t('reports.public.form.photos_kept', { count: keptPhotos })}</p>}
      <Form ctx={ctx} action={back} enctype="multipart/form-data">
        <HiddenValues values={values} />
        <Hidden name="q" value={values.q} />
        <Hidden name="confirmed" value="1" />
        <ButtonGroup>
          <Button name="action" value="submit">
            {t('reports.public.duplicates.send_anyway')}
          </Button>
          <Button variant="secondary" name="action" value="edit">
            {t('reports.public.duplicates.edit')}
          </Button>
        </ButtonGroup>
      </Form>
    </Layout>
  );
}

export function ThanksPage({ ctx, reference }: { ctx: PageContext; reference: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('reports.public.thanks.title')}>
      <ReportStyles ctx={ctx} />
      <Panel
        title={t('reports.public.thanks.title')}
        reference={reference}
        referenceLabel={t('reports.public.thanks.reference')}
      />
      <h2>{t('reports.public.thanks.next_heading')}</h2>
      <ol class="steps-list">
        <li>{t('reports.public.thanks.next_routed')}</li>
        <li>{t('reports.public.thanks.next_handled')}</li>
        <li>{t('reports.public.thanks.next_mail')}</li>
      </ol>
      <ButtonGroup>
        <a class="button button--primary" href={reportHref(reference)}>
          {t('reports.public.thanks.see_report')}
        </a>
        <a class="button button--secondary" href="/signalements/nouveau">
          {t('reports.public.thanks.another')}
        </a>
      </ButtonGroup>
    </Layout>
  );
}
