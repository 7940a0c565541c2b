/** The form to propose a project, and to edit it; the withdrawal confirmation. */
import {
  Button,
  ButtonGroup,
  Checkboxes,
  ErrorSummary,
  Field,
  type FieldErrors,
  FileUpload,
  Form,
  Select,
} from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, Details } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { THEMES } from '../campaign.domain.js';
import type { Campaign, Envelope } from '../campaigns.store.js';
import { MAX_IMAGES } from '../images.js';
import type { ProposalFormInput } from '../proposals.service.js';
import {
  BudgetScript,
  BudgetStyles,
  campaignHref,
  kindLabel,
  lastDayOf,
  proposalHref,
  proposalsHref,
  Time,
  themeLabel,
} from './common.js';

export interface AreaOption {
  code: string;
  name: string;
}

export function ProposalFormPage({
  ctx,
  campaign,
  envelopes,
  arrondissements,
  values,
  errors,
  mode,
  reference,
  images = [],
  removeImages = [],
  canManageAuthors = true,
  imagesLost = false,
  draft,
  keptImages = 0,
}: {
  ctx: PageContext;
  campaign: Campaign;
  envelopes: Envelope[];
  arrondissements: AreaOption[];
  values: ProposalFormInput;
  errors?: FieldErrors;
  mode: 'new' | 'edit';
  reference?: string;
  images?: { id: string; url: string }[];
  removeImages?: string[];
  /** The main author manages the public name and the co-authors. */
  canManageAuthors?: boolean;
  /** A refused form with images: files cannot come back in a file input, they must be chosen again. */
  imagesLost?: boolean;
  /** Key of the images kept from a refused try, and how many. */
  draft?: string;
  keptImages?: number;
}) {
  const { t } = ctx;
  const map = ctx.city.map;
  const title =
    mode === 'new'
      ? t('budget.proposals.form.title_new')
      : t('budget.proposals.form.title_edit', { reference: reference ?? '' });
  const action =
    mode === 'new'
      ? `${proposalsHref(campaign.slug)}/nouvelle`
      : `${proposalHref(campaign.slug, reference!)}/modifier`;
  const envelopeOptions = [
    { value: 'auto', label: t('budget.proposals.form.envelope_auto') },
    ...envelopes.map((e) => ({ value: e.id, label: `${e.label} (${kindLabel(ctx, e.kind)})` })),
  ];
  const coordinatesOpen = !!(values.lat || values.lon || errors?.lat || errors?.lon);
  return (
    <Layout ctx={ctx} title={title}>
      <BudgetStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('budget.campaigns.home.title'), href: '/budget' },
          { label: campaign.title, href: campaignHref(campaign.slug) },
          { label: t('budget.proposals.list.title'), href: proposalsHref(campaign.slug) },
          { label: title },
        ]}
      />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p class="lead">
        {t('budget.proposals.form.deadline')} <Time ctx={ctx} date={lastDayOf(campaign.submissionEndsAt)} />.
      </p>
      {imagesLost && (
        <Banner tone="warning">
          <p>{t('budget.proposals.form.images_again')}</p>
        </Banner>
      )}
      {keptImages > 0 && (
        <Banner tone="info">
          <p>{t('budget.proposals.form.images_kept', { count: keptImages })}</p>
        </Banner>
      )}
      <Form ctx={ctx} action={action} enctype="multipart/form-data" class="form bp-form">
        {draft && <input type="hidden" name="draft" value={draft} />}
        <Field
          ctx={ctx}
          name="title"
          label={t('budget.proposals.form.title')}
          hint={t('budget.proposals.form.title_hint')}
          value={values.title}
          errors={errors}
          required
          maxLength={150}
        />
        <Field
          ctx={ctx}
          name="description"
          label={t('budget.proposals.form.description')}
          hint={t('budget.proposals.form.description_hint')}
          value={values.description}
          errors={errors}
          required
          multiline
          rows={8}
          maxLength={5000}
        />
        <Select
          ctx={ctx}
          name="theme"
          label={t('budget.proposals.form.theme')}
          hint={t('budget.proposals.form.theme_hint')}
          options={THEMES.map((theme) => ({ value: theme, label: themeLabel(ctx, theme) }))}
          placeholder={t('budget.proposals.form.choose')}
          value={values.theme}
          errors={errors}
          required
        />
        <fieldset class="fieldset bp-form__section">
          <legend class="fieldset__legend fieldset__legend--large">{t('budget.proposals.form.place')}</legend>
          <p class="field__hint">{t('budget.proposals.form.place_hint')}</p>
          <div
            class="bp-picker"
            data-budget-picker
            data-lat={String(map.center[0])}
            data-lng={String(map.center[1])}
            data-zoom={String(map.zoom)}
            data-tile-url={map.tileUrl}
            data-attribution={map.tileAttribution}
            data-geojson-url={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
            data-map-label={t('budget.proposals.form.map_label')}
            data-placed={t('budget.proposals.form.map_placed')}
          >
            <p class="field__hint" data-picker-only hidden>
              {t('budget.proposals.form.map_hint')}
            </p>
            <div class="bp-picker__canvas" data-picker-canvas hidden />
            <p class="bp-picker__status" data-picker-status aria-live="polite" hidden />
          </div>
          <Field
            ctx={ctx}
            name="address"
            label={t('budget.proposals.form.address')}
            hint={t('budget.proposals.form.address_hint')}
            value={values.address}
            errors={errors}
            autocomplete="street-address"
            maxLength={300}
          />
          <Select
            ctx={ctx}
            name="arrondissement"
            label={t('budget.proposals.form.arrondissement')}
            options={arrondissements.map((a) => ({ value: a.code, label: a.name }))}
            placeholder={t('budget.proposals.form.choose')}
            value={values.arrondissement}
            errors={errors}
          />
          <Details summary={t('budget.proposals.form.coordinates')} open={coordinatesOpen}>
            <p class="field__hint">{t('budget.proposals.form.coordinates_hint')}</p>
            <Field
              ctx={ctx}
              name="lat"
              label={t('budget.proposals.form.lat')}
              value={values.lat}
              errors={errors}
              inputMode="decimal"
              width="medium"
            />
            <Field
              ctx={ctx}
              name="lon"
              label={t('budget.proposals.form.lon')}
              value={values.lon}
              errors={errors}
              inputMode="decimal"
              width="medium"
            />
          </Details>
        </fieldset>
        <Select
          ctx={ctx}
          name="envelope"
          label={t('budget.proposals.form.envelope')}
          hint={t('budget.proposals.form.envelope_hint')}
          options={envelopeOptions}
          value={values.envelope || 'auto'}
          errors={errors}
          required
        />
        <Field
          ctx={ctx}
          name="estimatedCost"
          label={t('budget.proposals.form.cost')}
          hint={t('budget.proposals.form.cost_hint')}
          value={values.estimatedCost}
          errors={errors}
          inputMode="decimal"
          width="medium"
        />
        {images.length > 0 && (
          <Checkboxes
            ctx={ctx}
            name="removeImages"
            legend={t('budget.proposals.form.remove_images')}
            options={images.map((image, i) => ({
              value: image.id,
              label: t('budget.proposals.form.remove_image', { n: i + 1 }),
            }))}
            values={removeImages}
            errors={errors}
          />
        )}
        <FileUpload
          ctx={ctx}
          name="images"
          label={t('budget.proposals.form.images')}
          hint={t('budget.proposals.form.images_hint', { max: MAX_IMAGES })}
          accept="image/jpeg,image/png,image/webp"
          multiple
          errors={errors}
        />
        {canManageAuthors && (
          <fieldset class="fieldset bp-form__section">
            <legend class="fieldset__legend fieldset__legend--large">
              {t('budget.proposals.form.authors')}
            </legend>
            <Field
              ctx={ctx}
              name="publicName"
              label={t('budget.proposals.form.public_name')}
              hint={t('budget.proposals.form.public_name_hint')}
              value={values.publicName}
              errors={errors}
              maxLength={80}
            />
            <Field
              ctx={ctx}
              name="coauthors"
              label={t('budget.proposals.form.coauthors')}
              hint={t('budget.proposals.form.coauthors_hint')}
              value={values.coauthors}
              errors={errors}
              multiline
              rows={3}
            />
          </fieldset>
        )}
        <ButtonGroup>
          <Button>
            {mode === 'new' ? t('budget.proposals.form.submit') : t('budget.proposals.form.save')}
          </Button>
          <a href={mode === 'new' ? proposalsHref(campaign.slug) : proposalHref(campaign.slug, reference!)}>
            {t('budget.proposals.form.cancel')}
          </a>
        </ButtonGroup>
      </Form>
      <BudgetScript ctx={ctx} />
    </Layout>
  );
}

export function WithdrawPage({
  ctx,
  campaign,
  reference,
  title,
}: {
  ctx: PageContext;
  campaign: Campaign;
  reference: string;
  title: string;
}) {
  const { t } = ctx;
  const heading = t('budget.proposals.withdraw.title', { reference });
  return (
    <Layout ctx={ctx} title={heading}>
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: campaign.title, href: campaignHref(campaign.slug) },
          { label: reference, href: proposalHref(campaign.slug, reference) },
          { label: heading },
        ]}
      />
      <h1>{heading}</h1>
      <p>{t('budget.proposals.withdraw.explain', { title })}</p>
      <Form ctx={ctx} action={`${proposalHref(campaign.slug, reference)}/retirer`}>
        <ButtonGroup>
          <Button variant="danger">{t('budget.proposals.withdraw.confirm')}</Button>
          <a href={proposalHref(campaign.slug, reference)}>{t('budget.proposals.form.cancel')}</a>
        </ButtonGroup>
      </Form>
    </Layout>
  );
}
