/**
 * The category tree ("types de signalement"): parsing the DansMaRue TSV, aliases on rename,
 * accent-insensitive search, path labels and the data of the routing explanation.
 * Trees are immutable values: every change returns a new tree.
 */
import { ReportRuleError } from './errors.js';

export const MAX_CATEGORY_DEPTH = 3;

export interface CategoryNode {
  id: string;
  label: string;
  parentId: string | null;
  /** Service (DansMaRue `fk_id_unit`) reports of this node go to; null = inherited from the parent. */
  defaultServiceCode: string | null;
  order: number;
  /** The row's own flag. A node under an inactive parent is also unusable: see isUsable. */
  active: boolean;
  /** Former labels (renames, open-data spellings), kept so searches and imports still find the node. */
  aliases: readonly string[];
  /** 1 for a top-level category. */
  depth: number;
  /** Children sorted by order, then label. */
  childIds: readonly string[];
}

export interface CategoryTree {
  /** Bumped on every change, so caches (and the Open311 discovery changeset) can be refreshed. */
  version: number;
  nodes: ReadonlyMap<string, CategoryNode>;
  /** Top-level ids sorted by order, then label. */
  rootIds: readonly string[];
}

export interface CategoryRow {
  id: string;
  label: string;
  parentId: string | null;
  defaultServiceCode: string | null;
  order: number;
  active: boolean;
  aliases?: readonly string[];
}

const TSV_COLUMNS = ['id_type_signalement', 'libelle', 'actif', 'parent_id', 'fk_id_unit', 'ordre'] as const;

/**
 * Parse the DansMaRue export (`id_type_signalement, libelle, actif, parent_id, fk_id_unit, ordre`,
 * tab-separated, header first). Parents may come after their children. Empty or `0` unit = none.
 */
export function parseCategoryTsv(text: string): CategoryTree {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split('\t').map((cell) => cell.trim());
  const index = TSV_COLUMNS.map((name) => header.indexOf(name));
  const missing = TSV_COLUMNS.filter((_, i) => index[i] === -1);
  if (missing.length > 0) {
    throw new ReportRuleError('reports.categories.bad_header', { missing: missing.join(', ') });
  }
  const rows = lines.map((line, n): CategoryRow => {
    const cells = line.split('\t');
    const cell = (i: number) => (cells[index[i]!] ?? '').trim();
    const id = cell(0);
    const label = cell(1);
    const order = Number.parseInt(cell(5), 10);
    if (!/^\d+$/.test(id) || label === '') {
      throw new ReportRuleError('reports.categories.bad_row', { line: n + 2 });
    }
    const parent = cell(3);
    const unit = cell(4);
    return {
      id,
      label,
      parentId: parent === '' || parent === '0' ? null : parent,
      defaultServiceCode: unit === '' || unit === '0' ? null : unit,
      order: Number.isFinite(order) ? order : 0,
      active: cell(2) === '1',
    };
  });
  return buildCategoryTree(rows);
}

/** Build (and check) a tree from flat rows: unique ids, known parents, no cycle, depth ≤ 3. */
export function buildCategoryTree(rows: readonly CategoryRow[], version = 1): CategoryTree {
  const byId = new Map<string, CategoryRow>();
  for (const row of rows) {
    if (byId.has(row.id)) throw new ReportRuleError('reports.categories.duplicate_id', { id: row.id });
    byId.set(row.id, row);
  }
  const depthOf = (id: string): number => {
    let depth = 1;
    let current = byId.get(id);
    while (current?.parentId) {
      const parent = byId.get(current.parentId);
      if (!parent) throw new ReportRuleError('reports.categories.unknown_parent', { id: current.id });
      depth++;
      if (depth > MAX_CATEGORY_DEPTH) throw new ReportRuleError('reports.categories.too_deep', { id });
      current = parent;
    }
    return depth;
  };
  const compare = (a: CategoryRow, b: CategoryRow) =>
    a.order - b.order || a.label.localeCompare(b.label, 'fr') || a.id.localeCompare(b.id);
  const children = new Map<string, CategoryRow[]>();
  const roots: CategoryRow[] = [];
  for (const row of byId.values()) {
    if (row.parentId === null) roots.push(row);
    else {
      const list = children.get(row.parentId) ?? [];
      list.push(row);
      children.set(row.parentId, list);
    }
  }
  const nodes = new Map<string, CategoryNode>();
  for (const row of byId.values()) {
    nodes.set(row.id, {
      id: row.id,
      label: row.label,
      parentId: row.parentId,
      defaultServiceCode: row.defaultServiceCode,
      order: row.order,
      active: row.active,
      aliases: [...(row.aliases ?? [])],
      depth: depthOf(row.id),
      childIds: (children.get(row.id) ?? []).sort(compare).map((child) => child.id),
    });
  }
  return { version, nodes, rootIds: roots.sort(compare).map((row) => row.id) };
}

function requireNode(tree: CategoryTree, id: string): CategoryNode {
  const node = tree.nodes.get(id);
  if (!node) throw new ReportRuleError('reports.categories.not_found', { id }, 404);
  return node;
}

/** Nodes from the top level down to `id`. */
export function categoryPath(tree: CategoryTree, id: string): CategoryNode[] {
  const path: CategoryNode[] = [];
  let node: CategoryNode | undefined = requireNode(tree, id);
  while (node) {
    path.unshift(node);
    node = node.parentId ? tree.nodes.get(node.parentId) : undefined;
  }
  return path;
}

export const PATH_SEPARATOR = ' › ';

/** "Propreté › Malpropreté du sol › Mégots". */
export function pathLabel(tree: CategoryTree, id: string, separator = PATH_SEPARATOR): string {
  return categoryPath(tree, id)
    .map((node) => node.label)
    .join(separator);
}

/** Active itself and every ancestor active. */
export function isUsable(tree: CategoryTree, id: string): boolean {
  return categoryPath(tree, id).every((node) => node.active);
}

/** A citizen picks a leaf: a usable node with no usable child. */
export function isSelectable(tree: CategoryTree, id: string): boolean {
  const node = requireNode(tree, id);
  return isUsable(tree, id) && !node.childIds.some((child) => tree.nodes.get(child)?.active);
}

/** The node's service, or the nearest ancestor's (intermediate DansMaRue nodes often have none). */
export function defaultServiceFor(tree: CategoryTree, id: string): string | null {
  const path = categoryPath(tree, id);
  for (let i = path.length - 1; i >= 0; i--) {
    const code = path[i]!.defaultServiceCode;
    if (code) return code;
  }
  return null;
}

/**
 * Rename a node, keeping the former label as an alias (the taxonomy is versioned: old exports,
 * open-data spellings and people's habits keep finding it). Renaming back drops the alias.
 */
export function renameCategory(tree: CategoryTree, id: string, newLabel: string): CategoryTree {
  const node = requireNode(tree, id);
  const label = newLabel.trim().replace(/\s+/g, ' ');
  if (label === '') throw new ReportRuleError('reports.categories.label_required');
  if (label === node.label) return tree;
  const key = normaliseForSearch(label);
  const aliases = [...node.aliases.filter((alias) => normaliseForSearch(alias) !== key)];
  if (!aliases.some((alias) => normaliseForSearch(alias) === normaliseForSearch(node.label))) {
    aliases.push(node.label);
  }
  const nodes = new Map(tree.nodes);
  nodes.set(id, { ...node, label, aliases });
  return { version: tree.version + 1, nodes, rootIds: tree.rootIds };
}

/** Add an alias (e.g. the open-data "Sous-type : précision" spelling) without renaming. */
export function addCategoryAlias(tree: CategoryTree, id: string, alias: string): CategoryTree {
  const node = requireNode(tree, id);
  const clean = alias.trim().replace(/\s+/g, ' ');
  const key = normaliseForSearch(clean);
  if (clean === '' || key === normaliseForSearch(node.label)) return tree;
  if (node.aliases.some((existing) => normaliseForSearch(existing) === key)) return tree;
  const nodes = new Map(tree.nodes);
  nodes.set(id, { ...node, aliases: [...node.aliases, clean] });
  return { version: tree.version + 1, nodes, rootIds: tree.rootIds };
}

/**
 * Lower case, no accents, ligatures spelled out (œ → oe), typographic apostrophes and
 * punctuation turned into spaces, spaces collapsed.
 */
export function normaliseForSearch(text: string): string {
  return text
    .toLocaleLowerCase('fr')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface CategoryMatch {
  id: string;
  /** The alias that matched, when the label itself did not. */
  matchedAlias: string | null;
  score: number;
}

export interface CategorySearchOptions {
  /** Include inactive nodes (back office); default false. */
  includeInactive?: boolean;
  /** Only selectable leaves (citizen form); default false. */
  leavesOnly?: boolean;
  limit?: number;
}

/**
 * Search by label or alias, accent- and case-insensitive. Every word of the query must start a
 * word of the text ("depot sauv" finds "Dépôt sauvage"). Ranking: whole text equal, then text
 * starting with the query, then other matches; a label beats an alias; then tree order.
 */
export function searchCategories(
  tree: CategoryTree,
  query: string,
  options: CategorySearchOptions = {},
): CategoryMatch[] {
  const q = normaliseForSearch(query);
  if (q === '') return [];
  const words = q.split(' ');
  const scoreText = (text: string): number => {
    const t = normaliseForSearch(text);
    const tWords = t.split(' ');
    if (!words.every((word) => tWords.some((tw) => tw.startsWith(word)))) return 0;
    if (t === q) return 3;
    if (t.startsWith(q)) return 2;
    return 1;
  };
  const matches: CategoryMatch[] = [];
  for (const id of treeOrder(tree)) {
    const node = tree.nodes.get(id)!;
    if (!options.includeInactive && !isUsable(tree, id)) continue;
    if (options.leavesOnly && !isSelectable(tree, id)) continue;
    const labelScore = scoreText(node.label);
    if (labelScore > 0) {
      matches.push({ id, matchedAlias: null, score: labelScore * 2 });
      continue;
    }
    for (const alias of node.aliases) {
      const aliasScore = scoreText(alias);
      if (aliasScore > 0) {
        matches.push({ id, matchedAlias: alias, score: aliasScore * 2 - 1 });
        break;
      }
    }
  }
  // Array.prototype.sort is stable: equal scores keep tree order.
  matches.sort((a, b) => b.score - a.score);
  return options.limit ? matches.slice(0, options.limit) : matches;
}

/** Depth-first ids in display order. */
export function treeOrder(tree: CategoryTree): string[] {
  const out: string[] = [];
  const visit = (id: string) => {
    out.push(id);
    for (const child of tree.nodes.get(id)?.childIds ?? []) visit(child);
  };
  for (const root of tree.rootIds) visit(root);
  return out;
}

export interface RoutingExplanation {
  /** i18n key of the sentence; the page fills it with the parts below. */
  key: 'reports.routing.explanation' | 'reports.routing.explanation_no_area';
  /** Category labels from the top level down. */
  categoryPath: string[];
  /** The labels joined with " › ", ready for the sentence. */
  category: string;
  area: string | null;
  service: string;
}

/**
 * Data for "Propreté › Dépôt sauvage in the 5e → Division propreté du 5e". The sentence itself is
 * i18n: `reports.routing.explanation` takes {category, area, service};
 * `reports.routing.explanation_no_area` takes {category, service}.
 */
export function explainRouting(input: {
  categoryPath: readonly string[];
  areaName?: string | null;
  serviceName: string;
}): RoutingExplanation {
  const categoryPath = input.categoryPath.map((label) => label.trim()).filter((label) => label !== '');
  const area = input.areaName?.trim() || null;
  return {
    key: area ? 'reports.routing.explanation' : 'reports.routing.explanation_no_area',
    categoryPath,
    category: categoryPath.join(PATH_SEPARATOR),
    area,
    service: input.serviceName.trim(),
  };
}

export const CATEGORY_ERROR_CODES = [
  'reports.categories.bad_header',
  'reports.categories.bad_row',
  'reports.categories.duplicate_id',
  'reports.categories.unknown_parent',
  'reports.categories.too_deep',
  'reports.categories.not_found',
  'reports.categories.label_required',
] as const;
