import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addCategoryAlias,
  buildCategoryTree,
  type CategoryRow,
  defaultServiceFor,
  explainRouting,
  isSelectable,
  isUsable,
  normaliseForSearch,
  parseCategoryTsv,
  pathLabel,
  renameCategory,
  searchCategories,
  treeOrder,
} from '../domain/categories.js';
import { ReportRuleError } from '../domain/errors.js';

const tsv = readFileSync(
  new URL('../../../../resources/reports/dansmarue_type_signalement.tsv', import.meta.url),
  'utf8',
);
const tree = parseCategoryTsv(tsv);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportRuleError);
    return (error as ReportRuleError).code;
  }
  throw new Error('expected a ReportRuleError');
}

describe('parseCategoryTsv on the DansMaRue tree', () => {
  it('reads all 200 rows, keeping inactive ones', () => {
    expect(tree.nodes.size).toBe(200);
    expect(tree.nodes.get('5000')).toMatchObject({
      label: 'Dégradation du sol',
      active: false,
      parentId: null,
    });
    expect([...tree.nodes.values()].filter((n) => !n.active)).toHaveLength(31);
  });

  it('has the eleven top-level types in DansMaRue order', () => {
    expect(tree.rootIds).toEqual([
      '10611',
      '3600',
      '1000',
      '3000',
      '4000',
      '6000',
      '11000',
      '7000',
      '9000',
      '5000',
      '2000',
    ]);
    expect(tree.rootIds.filter((id) => tree.nodes.get(id)!.active)).toHaveLength(9);
  });

  it('reads a leaf with its service and order, and depth ≤ 3', () => {
    expect(tree.nodes.get('3405')).toMatchObject({
      id: '3405',
      label: 'Mégots',
      parentId: '3400',
      defaultServiceCode: '108',
      order: 18,
      active: true,
      depth: 3,
      childIds: [],
    });
    expect(Math.max(...[...tree.nodes.values()].map((n) => n.depth))).toBe(3);
    // parent 11010 is listed after its child 3604 in the file
    expect(tree.nodes.get('3604')).toMatchObject({ parentId: '11010', depth: 3 });
    expect(tree.nodes.get('11010')!.childIds).toContain('3604');
  });

  it('treats an empty or 0 unit as none and inherits it from the parent only when asked', () => {
    expect(tree.nodes.get('3400')!.defaultServiceCode).toBeNull();
    expect(tree.nodes.get('7300')!.defaultServiceCode).toBeNull();
    expect(defaultServiceFor(tree, '3405')).toBe('108');
    expect(defaultServiceFor(tree, '3000')).toBeNull();
  });

  it('sorts children by order', () => {
    expect(tree.nodes.get('6000')!.childIds).toEqual(['6020', '6010', '6030', '6040']);
  });

  it('marks nodes under an inactive parent unusable, and only leaves selectable', () => {
    const small = buildCategoryTree([
      { id: '1', label: 'Old', parentId: null, defaultServiceCode: null, order: 1, active: false },
      { id: '2', label: 'Child', parentId: '1', defaultServiceCode: 'S', order: 1, active: true },
    ]);
    expect(isUsable(small, '2')).toBe(false);
    expect(isSelectable(small, '2')).toBe(false);
    expect(isUsable(tree, '5400')).toBe(false);
    expect(isSelectable(tree, '3405')).toBe(true);
    expect(isSelectable(tree, '3400')).toBe(false);
    expect(isSelectable(tree, '3401')).toBe(false);
  });

  it('lists every node once in tree order', () => {
    const order = treeOrder(tree);
    expect(order).toHaveLength(200);
    expect(new Set(order).size).toBe(200);
    expect(order.indexOf('3400')).toBeLessThan(order.indexOf('3405'));
  });
});

describe('tree checks', () => {
  const row = (id: string, parentId: string | null): CategoryRow => ({
    id,
    label: `L${id}`,
    parentId,
    defaultServiceCode: null,
    order: 1,
    active: true,
  });
  it('refuses depth 4, unknown parents, duplicate ids, cycles and a bad header', () => {
    expect(
      codeOf(() => buildCategoryTree([row('1', null), row('2', '1'), row('3', '2'), row('4', '3')])),
    ).toBe('reports.categories.too_deep');
    expect(codeOf(() => buildCategoryTree([row('2', '1')]))).toBe('reports.categories.unknown_parent');
    expect(codeOf(() => buildCategoryTree([row('1', null), row('1', null)]))).toBe(
      'reports.categories.duplicate_id',
    );
    expect(codeOf(() => buildCategoryTree([row('1', '2'), row('2', '1')]))).toBe(
      'reports.categories.too_deep',
    );
    expect(codeOf(() => parseCategoryTsv('id\tlabel\n1\tx'))).toBe('reports.categories.bad_header');
    expect(
      codeOf(() =>
        parseCategoryTsv(
          'id_type_signalement\tlibelle\tactif\tparent_id\tfk_id_unit\tordre\nabc\tX\t1\t\t\t1',
        ),
      ),
    ).toBe('reports.categories.bad_row');
  });
});

describe('labels, renames and search', () => {
  it('builds a path label', () => {
    expect(pathLabel(tree, '3405')).toBe('Propreté › Malpropreté du sol › Mégots');
    expect(pathLabel(tree, '1006', ' / ')).toBe('Objets abandonnés / Épave de vélo');
  });

  it('keeps the old label as an alias on rename, and the search still finds it', () => {
    const renamed = renameCategory(tree, '3405', '  Mégots de  cigarette ');
    expect(renamed.version).toBe(tree.version + 1);
    expect(renamed.nodes.get('3405')).toMatchObject({ label: 'Mégots de cigarette', aliases: ['Mégots'] });
    expect(tree.nodes.get('3405')!.label).toBe('Mégots'); // original untouched
    const again = renameCategory(renamed, '3405', 'Mégots et cendres');
    expect(again.nodes.get('3405')!.aliases).toEqual(['Mégots', 'Mégots de cigarette']);
    // renaming back to an alias drops that alias
    const back = renameCategory(again, '3405', 'Mégots');
    expect(back.nodes.get('3405')!.aliases).toEqual(['Mégots de cigarette', 'Mégots et cendres']);
    expect(renameCategory(tree, '3405', 'Mégots')).toBe(tree);
    expect(codeOf(() => renameCategory(tree, '3405', '  '))).toBe('reports.categories.label_required');
    expect(codeOf(() => renameCategory(tree, '999999', 'x'))).toBe('reports.categories.not_found');

    const hits = searchCategories(again, 'megots');
    expect(hits[0]).toEqual({ id: '3405', matchedAlias: null, score: 4 });
    const byAlias = searchCategories(renameCategory(tree, '1006', 'Vélo abandonné'), 'epave de velo');
    expect(byAlias[0]).toMatchObject({ id: '1006', matchedAlias: 'Épave de vélo' });
  });

  it('adds aliases without duplicates', () => {
    const withAlias = addCategoryAlias(tree, '1006', 'Autos, motos, vélos : épave de vélo');
    expect(withAlias.nodes.get('1006')!.aliases).toEqual(['Autos, motos, vélos : épave de vélo']);
    expect(addCategoryAlias(withAlias, '1006', 'AUTOS MOTOS VELOS EPAVE DE VELO')).toBe(withAlias);
    expect(searchCategories(withAlias, 'autos motos')[0]).toMatchObject({ id: '1006' });
  });

  it('normalises French text', () => {
    expect(normaliseForSearch('  Œuvre d’art, ÉCLAIRAGE   éteint ')).toBe('oeuvre d art eclairage eteint');
  });

  it('searches accent-insensitively by word prefixes, best matches first, active only by default', () => {
    const hits = searchCategories(tree, 'eclairage');
    expect(hits.map((h) => h.id).slice(0, 3)).toEqual(['6000', '6020', '6010']);
    expect(searchCategories(tree, 'graffitis arbre').map((h) => h.id)).toEqual(['3605']);
    expect(searchCategories(tree, 'oeuvre').map((h) => h.id)).toEqual(['3601', '3701']);
    expect(searchCategories(tree, 'aire de jeux ou de sports')).toEqual([]);
    expect(searchCategories(tree, 'aire de jeux ou de sports', { includeInactive: true })[0]).toMatchObject({
      id: '5400',
      score: 6,
    });
    expect(searchCategories(tree, 'proprete', { leavesOnly: true }).map((h) => h.id)).toEqual(['3502']);
    expect(searchCategories(tree, '  ')).toEqual([]);
    expect(searchCategories(tree, 'graffitis', { limit: 2 })).toHaveLength(2);
  });
});

describe('explainRouting', () => {
  it('returns the parts of the sentence', () => {
    expect(
      explainRouting({
        categoryPath: ['Propreté', 'Dépôt sauvage'],
        areaName: '5e arrondissement',
        serviceName: 'Division propreté du 5e',
      }),
    ).toEqual({
      key: 'reports.routing.explanation',
      categoryPath: ['Propreté', 'Dépôt sauvage'],
      category: 'Propreté › Dépôt sauvage',
      area: '5e arrondissement',
      service: 'Division propreté du 5e',
    });
    expect(
      explainRouting({ categoryPath: ['Éclairage'], areaName: ' ', serviceName: 'Section éclairage' }),
    ).toMatchObject({
      key: 'reports.routing.explanation_no_area',
      area: null,
    });
  });
});
