import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { loadCity } from '../../config/config.js';
import { translator } from '../../i18n/i18n.js';
import { safeReturnPath } from '../../pages/language.js';
import { Checkboxes, ErrorSummary, Field, Radios, Select } from '../components/form.js';
import { MapView } from '../components/map.js';
import { Pagination, pageHref, pageWindow, Table } from '../components/ui.js';
import type { PageContext } from '../context.js';
import { Layout } from '../layout.js';
import { contrastRatio, themeStylesheet } from '../theme.js';

function fakeCtx(overrides: Partial<PageContext> = {}): PageContext {
  return {
    locale: 'fr',
    t: translator('fr'),
    viewer: null,
    city: loadCity(undefined),
    csrfToken: 'token',
    path: '/',
    asset: (name) => `/assets/${name}`,
    nav: [],
    demo: false,
    can: () => false,
    flash: null,
    ...overrides,
  };
}

const ctx = fakeCtx();
const options = [
  { value: 'a', label: 'Option A' },
  { value: 'b', label: 'Option B', hint: 'Aide B' },
];

describe('form components', () => {
  it('Field escapes what the user typed and links its error', () => {
    const html = renderToString(
      h(Field, {
        ctx,
        name: 'title',
        label: 'Titre',
        value: '"><script>x</script>',
        errors: { title: 'core.form.optional' },
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;>&lt;script>x&lt;/script>"');
    expect(html).toContain('aria-describedby="field-title-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('id="field-title-error"');
  });

  it('Field with a maximum length gets a character count, described by the textarea', () => {
    const html = renderToString(
      h(Field, { ctx, name: 'body', label: 'Texte', multiline: true, maxLength: 50 }),
    );
    expect(html).toContain('aria-describedby="field-body-count"');
    expect(html).toContain('data-char-count="field-body-count"');
    expect(html).toContain('Jusqu’à 50 caractères.');
    expect(html).toContain('data-remaining="Il vous reste {count} caractères."');
  });

  it('Radios are a fieldset with a legend; the first radio carries the id the error summary links to', () => {
    const html = renderToString(
      h(Radios, {
        ctx,
        name: 'kind',
        legend: 'Quel type ?',
        options,
        value: 'b',
        errors: { kind: 'core.form.optional' },
      }),
    );
    expect(html).toMatch(/<fieldset class="fieldset" aria-describedby="field-kind-error"><legend/);
    expect(html).toContain('id="field-kind"');
    expect(html).toContain('id="field-kind-2"');
    expect(html).toMatch(/value="b" checked/);
    expect(html).toContain('aria-describedby="field-kind-2-hint"');
    const summary = renderToString(h(ErrorSummary, { ctx, errors: { kind: 'core.form.optional' } }));
    expect(summary).toContain('href="#field-kind"');
    expect(summary).toContain('data-autofocus');
  });

  it('Checkboxes tick every given value', () => {
    const html = renderToString(
      h(Checkboxes, { ctx, name: 'tags', legend: 'Sujets', options, values: ['a', 'b'] }),
    );
    expect(html.match(/ checked/g)).toHaveLength(2);
    expect(html).toContain('type="checkbox"');
    expect(html).toContain('<legend');
  });

  it('Select marks the chosen option', () => {
    const html = renderToString(
      h(Select, { ctx, name: 'area', label: 'Zone', options, value: 'b', placeholder: '…' }),
    );
    expect(html).toContain('<label class="field__label" for="field-area">');
    expect(html).toMatch(/<option value="b" selected>/);
  });
});

describe('pagination', () => {
  it('keeps other query parameters and drops page=1', () => {
    expect(pageHref('/liste?q=trou&page=3', 4)).toBe('/liste?q=trou&page=4');
    expect(pageHref('/liste?q=trou&page=3', 1)).toBe('/liste?q=trou');
    expect(pageHref('/liste', 2, 'p')).toBe('/liste?p=2');
  });

  it('shows the first, the last and the neighbours of the current page', () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(5, 10)).toEqual([1, null, 4, 5, 6, null, 10]);
    expect(pageWindow(3, 10)).toEqual([1, 2, 3, 4, null, 10]);
  });

  it('marks the current page and links the previous and next ones', () => {
    const html = renderToString(h(Pagination, { ctx, url: '/liste?q=a', page: 2, pageCount: 3 }));
    expect(html).toContain('<nav class="pagination" aria-label="Pagination">');
    expect(html).toMatch(/href="\/liste\?q=a&amp;page=2" aria-current="page"/);
    expect(html).toContain('rel="prev"');
    expect(html).toContain('rel="next"');
    expect(renderToString(h(Pagination, { ctx, url: '/', page: 1, pageCount: 1 }))).toBe('');
  });
});

describe('table and map', () => {
  it('Table has a caption and header scopes', () => {
    const html = renderToString(
      h(Table, {
        caption: 'Légende',
        columns: [{ label: 'Nom' }, { label: 'Nb', numeric: true }],
        rows: [['x', '1']],
        rowHeaders: true,
      }),
    );
    expect(html).toContain('<caption>Légende</caption>');
    expect(html).toContain('<th scope="col">Nom</th>');
    expect(html).toContain('<th scope="row">x</th>');
  });

  it('MapView renders its fallback and the data the script needs', () => {
    const html = renderToString(
      h(MapView, {
        ctx,
        label: 'Carte',
        markers: [{ id: '1', lat: 1, lng: 2, label: '<b>' }],
        children: h('p', null, 'Liste'),
      }),
    );
    expect(html).toContain('<p>Liste</p>');
    expect(html).toContain('data-lat="48.8566"');
    expect(html).toContain('data-markers="[{&quot;id&quot;:&quot;1&quot;');
    expect(html).not.toContain('<b>');
  });
});

describe('layout', () => {
  it('back-office navigation lists only what the viewer may see', () => {
    const allowed = new Set(['backoffice.access', 'audit.read']);
    const html = renderToString(
      h(Layout, {
        ctx: fakeCtx({ path: '/admin/audit?page=2', can: (p) => allowed.has(p) }),
        title: 'Journal',
        area: 'backoffice',
        children: h('h1', null, 'Journal'),
      }),
    );
    expect(html).toContain('href="/admin/audit" aria-current="page"');
    expect(html).toContain('href="/admin"');
    expect(html).not.toContain('href="/admin/directions"');
    expect(html).not.toContain('href="/admin/courriels"');
    expect(html).toContain('<a href="/admin" aria-current="page">Back office</a>');
  });

  it('shows module navigation items, translated', () => {
    const html = renderToString(
      h(Layout, {
        ctx: fakeCtx({ nav: [{ href: '/design', labelKey: 'core.layout.design_system' }], path: '/design' }),
        title: 'x',
        children: null,
      }),
    );
    expect(html).toContain('<a href="/design" aria-current="page">Système de design</a>');
  });

  it('shows a city logo from public/ through its hashed URL', () => {
    const city = { ...loadCity(undefined), logo: '/logo.svg' };
    const html = renderToString(h(Layout, { ctx: fakeCtx({ city }), title: 'x', children: null }));
    expect(html).toMatch(/<img class="brand__logo" src="\/assets\/logo.svg" alt(="")?\/>/);
  });
});

describe('theme', () => {
  it('keeps the city colours when readable, darkens them when not', () => {
    const city = loadCity(undefined);
    expect(themeStylesheet(city)).toContain(`--vo-primary:${city.colours.primary}`);
    const pale = { ...city, colours: { primary: '#ffcc00', primaryDark: '#ffaa00', accent: '#00ff00' } };
    const css = themeStylesheet(pale);
    const primary = /--vo-primary:(#[0-9a-f]{6})/.exec(css)?.[1] ?? '';
    expect(primary).not.toBe('#ffcc00');
    expect(contrastRatio(primary, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 0);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 1);
  });
});

describe('return path', () => {
  it('accepts only local paths', () => {
    expect(safeReturnPath('/compte?x=1')).toBe('/compte?x=1');
    expect(safeReturnPath('//evil.example')).toBe('/');
    expect(safeReturnPath('/\\evil.example')).toBe('/');
    expect(safeReturnPath('https://evil.example')).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
    expect(safeReturnPath('/a\nb')).toBe('/');
  });
});
