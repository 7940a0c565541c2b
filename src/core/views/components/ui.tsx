import type { ComponentChildren } from 'preact';
import type { PageContext } from '../context.js';

export type Tone = 'info' | 'success' | 'warning' | 'error';

/** A short status label ("Nouveau", "Résolu"). Colour is never the only signal: the word is the meaning. */
export function Tag({
  children,
  tone = 'info',
}: {
  children: ComponentChildren;
  tone?: 'info' | 'grey' | 'success' | 'warning' | 'error';
}) {
  return <strong class={`tag tag--${tone}`}>{children}</strong>;
}

/** A message in the page: information, success, warning or error; a static notice by default. */
export function Banner({
  tone = 'info',
  title,
  children,
  announce,
  headingLevel = 2,
}: {
  tone?: Tone;
  title?: string;
  children: ComponentChildren;
  /** A message that appears after an action is announced: 'status' politely, 'alert' at once. */
  announce?: 'status' | 'alert';
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class={`banner banner--${tone}`} role={announce}>
      {title && <Heading class="banner__title">{title}</Heading>}
      {children}
    </div>
  );
}

export interface SummaryRow {
  key: string;
  value: ComponentChildren;
  /** "Change" link; `label` says what changes (read alone by screen readers). */
  action?: { href: string; label: string; visuallyHiddenContext?: string };
}

/** Key/value pairs (a dossier, an account): a description list. */
export function SummaryList({ rows }: { rows: SummaryRow[] }) {
  return (
    <dl class="summary-list">
      {rows.map((row) => (
        <div class="summary-list__row" key={row.key}>
          <dt class="summary-list__key">{row.key}</dt>
          <dd class="summary-list__value">{row.value}</dd>
          {row.action && (
            <dd class="summary-list__action">
              <a href={row.action.href}>
                {row.action.label}
                {row.action.visuallyHiddenContext && (
                  <span class="visually-hidden"> {row.action.visuallyHiddenContext}</span>
                )}
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

export interface TableColumn {
  label: string;
  numeric?: boolean;
}

/**
 * A data table with its caption and header scopes. With `rowHeaders`, the first cell of
 * each row is a header for that row (`<th scope="row">`).
 */
export function Table({
  caption,
  columns,
  rows,
  rowHeaders = false,
  captionHidden = false,
}: {
  caption: string;
  columns: TableColumn[];
  rows: ComponentChildren[][];
  rowHeaders?: boolean;
  captionHidden?: boolean;
}) {
  return (
    // A wide table scrolls sideways on small screens: the region must be reachable by keyboard.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region has to take the focus (WCAG 2.1.1)
    <section class="table-wrapper" aria-label={caption} tabIndex={0}>
      <table class="table">
        <caption class={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" class={column.numeric ? 'table__numeric' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, r) => (
            <tr key={r}>
              {cells.map((cell, c) => {
                const numeric = columns[c]?.numeric ? 'table__numeric' : undefined;
                return rowHeaders && c === 0 ? (
                  <th key={c} scope="row" class={numeric}>
                    {cell}
                  </th>
                ) : (
                  <td key={c} class={numeric}>
                    {cell}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `url` with `param` set to `page` (page 1 drops it), keeping every other query parameter. */
export function pageHref(url: string, page: number, param = 'page'): string {
  const parsed = new URL(url, 'http://local.invalid');
  if (page <= 1) parsed.searchParams.delete(param);
  else parsed.searchParams.set(param, String(page));
  const query = parsed.searchParams.toString();
  return `${parsed.pathname}${query ? `?${query}` : ''}`;
}

/** Pages to show: the first, the last, and two around the current one; null marks a gap. */
export function pageWindow(current: number, count: number): (number | null)[] {
  const pages = new Set([1, count, current - 1, current, current + 1].filter((p) => p >= 1 && p <= count));
  const sorted = [...pages].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (typeof last === 'number' && p - last > 1) out.push(p - last === 2 ? last + 1 : null);
    out.push(p);
  }
  return out;
}

/** Links to the pages of a list; `url` is the current path and query, other parameters are kept. */
export function Pagination({
  ctx,
  url,
  page,
  pageCount,
  param = 'page',
}: {
  ctx: PageContext;
  url: string;
  page: number;
  pageCount: number;
  param?: string;
}) {
  if (pageCount <= 1) return null;
  const { t } = ctx;
  return (
    <nav class="pagination" aria-label={t('core.ui.pagination')}>
      <ul>
        {page > 1 && (
          <li>
            <a href={pageHref(url, page - 1, param)} rel="prev">
              <span aria-hidden="true">‹ </span>
              {t('core.ui.previous_page')}
            </a>
          </li>
        )}
        {pageWindow(page, pageCount).map((p, i) =>
          p === null ? (
            <li key={`gap-${i}`}>
              <span class="pagination__ellipsis">…</span>
            </li>
          ) : (
            <li key={p}>
              <a
                href={pageHref(url, p, param)}
                aria-current={p === page ? 'page' : undefined}
                aria-label={t('core.ui.page_n', { page: p })}
              >
                {p}
              </a>
            </li>
          ),
        )}
        {page < pageCount && (
          <li>
            <a href={pageHref(url, page + 1, param)} rel="next">
              {t('core.ui.next_page')}
              <span aria-hidden="true"> ›</span>
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Where this page sits; the current page is the last item, not a link. */
export function Breadcrumbs({ ctx, items }: { ctx: PageContext; items: { label: string; href?: string }[] }) {
  return (
    <nav class="breadcrumbs" aria-label={ctx.t('core.ui.breadcrumbs')}>
      <ol>
        {items.map((item, index) => (
          <li key={item.label}>
            {item.href && index < items.length - 1 ? (
              <a href={item.href}>{item.label}</a>
            ) : (
              <span aria-current="page">{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** A teaser for a page: the heading is the link, and the whole card is clickable. */
export function Card({
  title,
  href,
  children,
  meta,
  icon,
  headingLevel = 3,
}: {
  title: string;
  href?: string;
  children?: ComponentChildren;
  meta?: ComponentChildren;
  /** A decorative mark (a letter or an inline SVG), hidden from screen readers. */
  icon?: ComponentChildren;
  headingLevel?: 2 | 3 | 4;
}) {
  const Heading = headingLevel === 2 ? 'h2' : headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div class={`card${href ? ' card--link' : ''}`}>
      {icon && (
        <span class="card__icon" aria-hidden="true">
          {icon}
        </span>
      )}
      <Heading class="card__title">{href ? <a href={href}>{title}</a> : title}</Heading>
      {children && <div class="card__body">{children}</div>}
      {meta && <div class="card__meta">{meta}</div>}
    </div>
  );
}

/** Cards in a responsive grid (a list, so that screen readers announce how many). */
export function CardGrid({ children }: { children: ComponentChildren[] }) {
  return (
    <ul class="card-grid">
      {children.map((child, i) => (
        <li key={i}>{child}</li>
      ))}
    </ul>
  );
}

/** Extra help, hidden until asked for: native <details>, so it works with no script. */
export function Details({
  summary,
  children,
  open,
}: {
  summary: string;
  children: ComponentChildren;
  open?: boolean;
}) {
  return (
    <details class="details" open={open}>
      <summary class="details__summary">{summary}</summary>
      <div class="details__body">{children}</div>
    </details>
  );
}

/** The end of a journey: "Your request has been sent — your reference is …". */
export function Panel({
  title,
  reference,
  referenceLabel,
  children,
  headingLevel = 1,
}: {
  title: string;
  reference?: string;
  referenceLabel?: string;
  children?: ComponentChildren;
  /** It is usually the page's title; 2 or 3 where it is not. */
  headingLevel?: 1 | 2 | 3;
}) {
  const Heading = headingLevel === 1 ? 'h1' : headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="panel">
      <Heading class="panel__title">{title}</Heading>
      <div class="panel__body">
        {reference && (
          <p>
            {referenceLabel}
            <strong class="panel__reference">{reference}</strong>
          </p>
        )}
        {children}
      </div>
    </div>
  );
}
