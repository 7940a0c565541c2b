import type { ComponentChildren } from 'preact';
import {
  Button,
  ButtonGroup,
  ButtonLink,
  Checkboxes,
  DateInput,
  ErrorSummary,
  Field,
  FileUpload,
  Radios,
  Select,
} from '../../views/components/form.js';
import { MapView } from '../../views/components/map.js';
import {
  Banner,
  Breadcrumbs,
  Card,
  CardGrid,
  Details,
  Pagination,
  Panel,
  SummaryList,
  Table,
  Tag,
} from '../../views/components/ui.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

function Pattern({
  id,
  title,
  name,
  children,
}: {
  id: string;
  title: string;
  /** The component's name in the code. */
  name: string;
  children: ComponentChildren;
}) {
  return (
    <section class="pattern" id={id} aria-labelledby={`pattern-${id}`}>
      <div class="pattern__header">
        <h2 class="pattern__title" id={`pattern-${id}`}>
          {title}
        </h2>
        <p class="pattern__name">
          <code>{name}</code>
        </p>
      </div>
      <div class="pattern__example">{children}</div>
    </section>
  );
}

/** The pattern library: every component of the design system, live, with its name in the code. */
export function DesignPage({ ctx, page }: { ctx: PageContext; page: number }) {
  const { t } = ctx;
  const demoErrors = { 'demo-email': 'core.design.example_error' };
  const choices = [
    { value: 'a', label: t('core.design.option_a') },
    { value: 'b', label: t('core.design.option_b'), hint: t('core.design.option_hint') },
    { value: 'c', label: t('core.design.option_c') },
  ];
  const topics = [
    { value: 'cleanliness', label: t('core.design.topic_cleanliness') },
    { value: 'roads', label: t('core.design.topic_roads') },
    { value: 'parks', label: t('core.design.topic_parks') },
  ];
  const patterns: { id: string; title: string; name: string; example: ComponentChildren }[] = [
    {
      id: 'colours',
      title: t('core.design.colours'),
      name: '--vo-*',
      example: (
        <ul class="swatches">
          {[
            ['primary', '--vo-primary'],
            ['primary-dark', '--vo-primary-dark'],
            ['accent', '--vo-accent'],
            ['text', '--vo-text'],
            ['surface', '--vo-surface'],
            ['focus', '--vo-focus'],
          ].map(([modifier, token]) => (
            <li class={`swatch swatch--${modifier}`} key={token}>
              <div class="swatch__chip" />
              <p class="swatch__label">
                <code>{token}</code>
              </p>
            </li>
          ))}
        </ul>
      ),
    },
    {
      id: 'error-summary',
      title: t('core.design.error_summary'),
      name: 'ErrorSummary',
      example: <ErrorSummary ctx={ctx} errors={demoErrors} autofocus={false} />,
    },
    {
      id: 'field',
      title: t('core.design.field'),
      name: 'Field',
      example: (
        <>
          <Field ctx={ctx} name="demo-name" label={t('core.design.example_label')} required />
          <Field
            ctx={ctx}
            name="demo-email"
            type="email"
            label={t('core.design.example_email')}
            hint={t('core.design.example_hint')}
            value="marie@exemple"
            errors={demoErrors}
            required
          />
        </>
      ),
    },
    {
      id: 'textarea',
      title: t('core.design.textarea'),
      name: 'Field multiline maxLength',
      example: (
        <Field
          ctx={ctx}
          name="demo-description"
          label={t('core.design.example_description')}
          hint={t('core.design.example_description_hint')}
          multiline
          maxLength={200}
        />
      ),
    },
    {
      id: 'radios',
      title: t('core.design.radios'),
      name: 'Radios',
      example: (
        <Radios
          ctx={ctx}
          name="demo-radio"
          legend={t('core.design.example_question')}
          options={choices}
          value="a"
          required
        />
      ),
    },
    {
      id: 'checkboxes',
      title: t('core.design.checkboxes'),
      name: 'Checkboxes',
      example: (
        <Checkboxes
          ctx={ctx}
          name="demo-checkbox"
          legend={t('core.design.example_checkboxes')}
          hint={t('core.design.example_checkboxes_hint')}
          options={topics}
          values={['roads']}
        />
      ),
    },
    {
      id: 'select',
      title: t('core.design.select'),
      name: 'Select',
      example: (
        <Select
          ctx={ctx}
          name="demo-select"
          label={t('core.design.example_select')}
          options={choices}
          placeholder={t('core.design.example_choose')}
        />
      ),
    },
    {
      id: 'date',
      title: t('core.design.date'),
      name: 'DateInput',
      example: <DateInput ctx={ctx} name="demo-date" label={t('core.design.example_date')} />,
    },
    {
      id: 'file',
      title: t('core.design.file'),
      name: 'FileUpload',
      example: (
        <FileUpload
          ctx={ctx}
          name="demo-file"
          label={t('core.design.example_file')}
          hint={t('core.design.example_file_hint')}
          accept="image/jpeg,image/png"
        />
      ),
    },
    {
      id: 'buttons',
      title: t('core.design.buttons'),
      name: 'Button, ButtonLink, ButtonGroup',
      example: (
        <ButtonGroup>
          <Button type="button">{t('core.design.button_primary')}</Button>
          <Button type="button" variant="secondary">
            {t('core.design.button_secondary')}
          </Button>
          <Button type="button" variant="danger">
            {t('core.design.button_danger')}
          </Button>
          <ButtonLink href="#buttons" variant="secondary">
            {t('core.design.button_link')}
          </ButtonLink>
        </ButtonGroup>
      ),
    },
    {
      id: 'tags',
      title: t('core.design.tags'),
      name: 'Tag',
      example: (
        <p>
          <Tag>{t('core.design.tag_new')}</Tag> <Tag tone="warning">{t('core.design.tag_in_progress')}</Tag>{' '}
          <Tag tone="success">{t('core.design.tag_done')}</Tag>{' '}
          <Tag tone="error">{t('core.design.tag_refused')}</Tag>{' '}
          <Tag tone="grey">{t('core.design.tag_closed')}</Tag>
        </p>
      ),
    },
    {
      id: 'summary-list',
      title: t('core.design.summary_list'),
      name: 'SummaryList',
      example: (
        <SummaryList
          rows={[
            {
              key: t('core.design.example_label'),
              value: 'Marie Curie',
              action: {
                href: '#summary-list',
                label: t('core.design.change'),
                visuallyHiddenContext: t('core.design.example_label'),
              },
            },
            { key: t('core.design.example_date'), value: '14/07/2026' },
          ]}
        />
      ),
    },
    {
      id: 'table',
      title: t('core.design.table'),
      name: 'Table',
      example: (
        <Table
          caption={t('core.design.table_caption')}
          columns={[
            { label: t('core.design.table_area') },
            { label: t('core.design.table_open'), numeric: true },
            { label: t('core.design.table_closed'), numeric: true },
          ]}
          rowHeaders
          rows={[
            ['1er', '12', '140'],
            ['2e', '8', '96'],
            ['3e', '15', '171'],
          ]}
        />
      ),
    },
    {
      id: 'pagination',
      title: t('core.design.pagination'),
      name: 'Pagination',
      example: <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={12} />,
    },
    {
      id: 'banners',
      title: t('core.design.banners'),
      name: 'Banner',
      example: (
        <>
          <Banner tone="info" headingLevel={3} title={t('core.design.banner_info_title')}>
            <p>{t('core.design.banner_info')}</p>
          </Banner>
          <Banner tone="success" headingLevel={3} title={t('core.design.banner_success_title')}>
            <p>{t('core.design.banner_success')}</p>
          </Banner>
          <Banner tone="warning" headingLevel={3} title={t('core.design.banner_warning_title')}>
            <p>{t('core.design.banner_warning')}</p>
          </Banner>
          <Banner tone="error" headingLevel={3} title={t('core.design.banner_error_title')}>
            <p>{t('core.design.banner_error')}</p>
          </Banner>
        </>
      ),
    },
    {
      id: 'breadcrumbs',
      title: t('core.design.breadcrumbs'),
      name: 'Breadcrumbs',
      example: (
        <Breadcrumbs
          ctx={ctx}
          items={[
            { label: t('core.layout.nav_home'), href: '/' },
            { label: t('core.design.title'), href: '/design' },
            { label: t('core.design.breadcrumbs') },
          ]}
        />
      ),
    },
    {
      id: 'cards',
      title: t('core.design.cards'),
      name: 'Card, CardGrid',
      example: (
        <CardGrid>
          <Card
            title={t('core.design.card_title')}
            href="#cards"
            meta={<Tag>{t('core.design.tag_new')}</Tag>}
          >
            <p>{t('core.design.card_body')}</p>
          </Card>
          <Card title={t('core.design.card_title_plain')} icon="A">
            <p>{t('core.design.card_body')}</p>
          </Card>
        </CardGrid>
      ),
    },
    {
      id: 'details',
      title: t('core.design.details'),
      name: 'Details',
      example: (
        <Details summary={t('core.design.details_summary')}>
          <p>{t('core.design.details_body')}</p>
        </Details>
      ),
    },
    {
      id: 'map',
      title: t('core.design.map'),
      name: 'MapView',
      example: (
        <MapView ctx={ctx} id="demo-map" label={t('core.design.map_label')}>
          <p>{t('core.design.map_fallback')}</p>
          <ul>
            <li>{t('core.design.map_item_1')}</li>
            <li>{t('core.design.map_item_2')}</li>
          </ul>
        </MapView>
      ),
    },
    {
      id: 'panel',
      title: t('core.design.panel'),
      name: 'Panel',
      example: (
        <Panel
          headingLevel={3}
          title={t('core.design.panel_title')}
          referenceLabel={t('core.design.panel_reference')}
          reference="VO-2026-004217"
        >
          <p>{t('core.design.panel_body')}</p>
        </Panel>
      ),
    },
  ];
  return (
    <Layout ctx={ctx} title={t('core.design.title')}>
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('core.layout.nav_home'), href: '/' }, { label: t('core.design.title') }]}
      />
      <h1>{t('core.design.title')}</h1>
      <p class="lead">{t('core.design.intro')}</p>
      <nav aria-labelledby="design-toc-title">
        <h2 id="design-toc-title">{t('core.design.contents')}</h2>
        <ul class="toc">
          {patterns.map((p) => (
            <li key={p.id}>
              <a href={`#${p.id}`}>{p.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {patterns.map((p) => (
        <Pattern key={p.id} id={p.id} title={p.title} name={p.name}>
          {p.example}
        </Pattern>
      ))}
    </Layout>
  );
}
