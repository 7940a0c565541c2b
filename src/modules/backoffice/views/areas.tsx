import type { LayerRow } from '../../../core/areas/areas.store.js';
import type { GeoJsonProblem } from '../../../core/areas/geojson.js';
import { formatDateTime } from '../../../core/i18n/i18n.js';
import {
  Button,
  CsrfField,
  ErrorSummary,
  Field,
  type FieldErrors,
  FileUpload,
  Form,
} from '../../../core/views/components/form.js';
import { Table } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

export interface ImportValues {
  layerId: string;
  name: string;
  codeProperty: string;
  nameProperty: string;
}

export function AreasPage({
  ctx,
  layers,
  values,
  errors,
  problems,
}: {
  ctx: PageContext;
  layers: LayerRow[];
  values: ImportValues;
  errors?: FieldErrors;
  /** Why the file was refused, feature by feature. */
  problems?: GeoJsonProblem[];
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.areas.title')}>
      <p>{t('backoffice.areas.intro')}</p>
      <Table
        caption={t('backoffice.areas.caption', { count: layers.length })}
        columns={[
          { label: t('backoffice.areas.layer') },
          { label: t('backoffice.areas.layer_id') },
          { label: t('backoffice.areas.features'), numeric: true },
          { label: t('backoffice.areas.updated') },
          { label: t('backoffice.areas.actions') },
        ]}
        rowHeaders
        rows={layers.map((layer) => [
          layer.name,
          <a href={`/api/areas/${encodeURIComponent(layer.id)}.geojson`} key="id">
            {layer.id}
          </a>,
          layer.featureCount,
          formatDateTime(ctx.locale, layer.updatedAt),
          <form
            method="post"
            action={`/admin/territoires/${encodeURIComponent(layer.id)}/supprimer`}
            class="form form--inline"
            key="delete"
          >
            <CsrfField ctx={ctx} />
            <Button variant="danger">
              {t('backoffice.areas.delete')}
              <span class="visually-hidden"> {layer.name}</span>
            </Button>
          </form>,
        ])}
      />
      <section aria-labelledby="import-layer">
        <h2 id="import-layer">{t('backoffice.areas.import_title')}</h2>
        <p>{t('backoffice.areas.import_intro')}</p>
        <ErrorSummary ctx={ctx} errors={errors} />
        {problems && problems.length > 0 && (
          <div
            class="error-summary"
            role="alert"
            aria-labelledby="geojson-problems-title"
            tabIndex={-1}
            data-autofocus
          >
            <h2 id="geojson-problems-title" class="error-summary__title">
              {t('backoffice.areas.refused')}
            </h2>
            <ul class="error-summary__list">
              {problems.map((p) => (
                <li key={`${p.key}-${p.params.index ?? ''}-${p.params.property ?? ''}`}>
                  <a href="#field-file">{t(p.key, p.params)}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        <Form ctx={ctx} action="/admin/territoires" enctype="multipart/form-data">
          <FileUpload
            ctx={ctx}
            name="file"
            label={t('backoffice.areas.file')}
            hint={t('backoffice.areas.file_hint')}
            accept=".geojson,.json,application/geo+json,application/json"
            errors={errors}
            required
          />
          <Field
            ctx={ctx}
            name="layerId"
            label={t('backoffice.areas.layer_id')}
            hint={t('backoffice.areas.layer_id_hint')}
            value={values.layerId}
            errors={errors}
            required
            width="medium"
            maxLength={63}
          />
          <Field
            ctx={ctx}
            name="name"
            label={t('backoffice.areas.layer_name')}
            value={values.name}
            errors={errors}
            required
          />
          <Field
            ctx={ctx}
            name="codeProperty"
            label={t('backoffice.areas.code_property')}
            hint={t('backoffice.areas.code_property_hint')}
            value={values.codeProperty}
            errors={errors}
            required
            width="medium"
          />
          <Field
            ctx={ctx}
            name="nameProperty"
            label={t('backoffice.areas.name_property')}
            hint={t('backoffice.areas.name_property_hint')}
            value={values.nameProperty}
            errors={errors}
            required
            width="medium"
          />
          <Button>{t('backoffice.areas.import_button')}</Button>
        </Form>
      </section>
    </BackofficePage>
  );
}
