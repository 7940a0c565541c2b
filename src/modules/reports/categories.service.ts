/**
 * The category tree as stored: list, search, edit (rename keeps aliases), DansMaRue import and the
 * demo seed. Rules come from domain/categories.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Actor, recordAudit } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import { resourcesDir } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { DomainError, ValidationError } from '../../core/http/errors.js';
import type { CoreServices } from '../../core/services.js';
import {
  buildCategoryTree,
  type CategoryMatch,
  type CategoryTree,
  categoryPath,
  isSelectable,
  MAX_CATEGORY_DEPTH,
  PATH_SEPARATOR,
  parseCategoryTsv,
  renameCategory,
  searchCategories,
  treeOrder,
} from './domain/categories.js';
import { checkExtraQuestions, type ExtraQuestion } from './domain/open311.js';
import * as store from './reports.store.js';
import './reports.tables.js';

export interface StoredCategory {
  id: string;
  parentId: string | null;
  label: string;
  aliases: string[];
  /** The row's own service (null = inherited, see effectiveServiceId). */
  defaultServiceId: string | null;
  defaultServiceCode: string | null;
  defaultServiceName: string | null;
  /** Own service or the nearest ancestor's: where routing starts. */
  effectiveServiceId: string | null;
  targetDays: number | null;
  /** Own target or the nearest ancestor's. */
  effectiveTargetDays: number | null;
  extraQuestions: ExtraQuestion[];
  active: boolean;
  position: number;
  version: number;
  depth: number;
  childIds: string[];
  /** Labels from the top level down. */
  path: string[];
  /** "Propreté › Dépôt sauvage" */
  pathLabel: string;
  /** A citizen may choose it (active leaf, ancestors active). */
  selectable: boolean;
}

export interface CategoryTreeView {
  tree: CategoryTree;
  /** Every category, in tree order. */
  categories: StoredCategory[];
  byId: Map<string, StoredCategory>;
  /**
   * Every service with its areas, for routing: read with the tree, whose fingerprint covers
   * org_service too, instead of once per submission.
   */
  services: store.ServiceRecord[];
}

export interface SaveCategoryInput {
  /** Absent: create. */
  id?: string;
  label: string;
  parentId: string | null;
  defaultServiceId: string | null;
  targetDays: number | null;
  extraQuestions: ExtraQuestion[];
  active: boolean;
  position?: number;
}

export interface ImportSummary {
  created: number;
  updated: number;
  total: number;
  /** Codes of the mapping that name no existing service (left without a default service). */
  unknownServiceCodes: string[];
}

export const MAX_CATEGORY_LABEL = 200;
export const MAX_TARGET_DAYS = 365;

async function loadTree(db: Db): Promise<CategoryTreeView> {
  const rows = await store.selectCategories(db);
  const services = await store.selectServices(db);
  const tree = buildCategoryTree(
    rows.map((row) => ({
      id: row.id,
      label: row.label,
      parentId: row.parent_id,
      defaultServiceCode: row.service_code,
      order: row.position,
      active: row.active,
      aliases: row.aliases,
    })),
    rows.reduce((sum, row) => sum + row.version, 0),
  );
  const rowById = new Map(rows.map((row) => [row.id, row]));
  const categories: StoredCategory[] = [];
  for (const id of treeOrder(tree)) {
    const row = rowById.get(id)!;
    const node = tree.nodes.get(id)!;
    const pathRows = categoryPath(tree, id).map((n) => rowById.get(n.id)!);
    const nearest = <T>(pick: (r: store.CategoryRecord) => T | null): T | null => {
      for (let i = pathRows.length - 1; i >= 0; i--) {
        const value = pick(pathRows[i]!);
        if (value !== null) return value;
      }
      return null;
    };
    categories.push({
      id,
      parentId: row.parent_id,
      label: row.label,
      aliases: row.aliases,
      defaultServiceId: row.default_service_id,
      defaultServiceCode: row.service_code,
      defaultServiceName: row.service_name,
      effectiveServiceId: nearest((r) => r.default_service_id),
      targetDays: row.target_days,
      effectiveTargetDays: nearest((r) => r.target_days),
      extraQuestions: (row.extra_questions ?? []) as ExtraQuestion[],
      active: row.active,
      position: row.position,
      version: row.version,
      depth: node.depth,
      childIds: [...node.childIds],
      path: pathRows.map((r) => r.label),
      pathLabel: pathRows.map((r) => r.label).join(PATH_SEPARATOR),
      selectable: isSelectable(tree, id),
    });
  }
  return { tree, categories, byId: new Map(categories.map((c) => [c.id, c])), services };
}

/**
 * Every submission, duplicate check and page needs the tree: it is built once per process
 * and rebuilt when its fingerprint changes. The fingerprint is checked at most every
 * STAMP_CHECK_MS, so another instance's edit shows here within that delay; an edit made
 * in this process shows at once.
 */
const STAMP_CHECK_MS = 5_000;
interface CachedTree {
  view: CategoryTreeView;
  stamp: string;
  checkedAt: number;
}
const treeCache = new WeakMap<Db, CachedTree>();

async function cachedTree(db: Db): Promise<CategoryTreeView> {
  const cached = treeCache.get(db);
  const now = Date.now();
  if (cached && now - cached.checkedAt < STAMP_CHECK_MS) return cached.view;
  const stamp = await store.categoryTreeStamp(db);
  if (cached && cached.stamp === stamp) {
    cached.checkedAt = now;
    return cached.view;
  }
  const view = await loadTree(db);
  treeCache.set(db, { view, stamp, checkedAt: now });
  return view;
}

/** After a change made here, the next read rebuilds the tree. */
export function forgetCategoryTree(db: Db): void {
  treeCache.delete(db);
}

export async function listCategoryTree(core: CoreServices): Promise<CategoryTreeView> {
  return cachedTree(core.db);
}

export async function getCategory(core: CoreServices, id: string): Promise<StoredCategory | null> {
  return (await cachedTree(core.db)).byId.get(id) ?? null;
}

export async function searchCategoryTree(
  core: CoreServices,
  q: string,
  options: { includeInactive?: boolean; leavesOnly?: boolean; limit?: number } = {},
): Promise<(CategoryMatch & { category: StoredCategory })[]> {
  const view = await cachedTree(core.db);
  return searchCategories(view.tree, q.slice(0, 200), options).map((match) => ({
    ...match,
    category: view.byId.get(match.id)!,
  }));
}

/** Create or edit a category (admins). A new label keeps the former one as an alias. */
export async function saveCategory(
  core: CoreServices,
  viewer: Viewer | null,
  input: SaveCategoryInput,
  actor: Actor,
): Promise<StoredCategory> {
  core.permissions.assert(viewer, 'reports.categories.manage');
  return core.db
    .transaction()
    .execute(async (tx) => {
      const view = await loadTree(tx);
      const existing = input.id ? view.byId.get(input.id) : undefined;
      if (input.id && !existing) throw new DomainError('reports.categories.not_found', 404, { id: input.id });
      const errors: Record<string, string> = {};
      const label = input.label.trim().replace(/\s+/g, ' ');
      if (label === '') errors.label = 'reports.categories.label_required';
      else if (label.length > MAX_CATEGORY_LABEL) errors.label = 'reports.categories.label_too_long';
      if (input.parentId !== null) {
        const parent = view.byId.get(input.parentId);
        const ownDescendant =
          input.id !== undefined &&
          !!parent &&
          (parent.id === input.id || isBelow(view, parent.id, input.id));
        if (!parent || ownDescendant) errors.parentId = 'reports.categories.bad_parent';
        else if (parent.depth + 1 + subtreeHeight(view, input.id) - 1 > MAX_CATEGORY_DEPTH) {
          errors.parentId = 'reports.categories.too_deep';
        }
      }
      if (input.defaultServiceId !== null) {
        const services = await store.selectServices(tx);
        if (!services.some((s) => s.id === input.defaultServiceId)) {
          errors.defaultServiceId = 'reports.categories.bad_service';
        }
      }
      if (
        input.targetDays !== null &&
        (!Number.isInteger(input.targetDays) || input.targetDays < 1 || input.targetDays > MAX_TARGET_DAYS)
      ) {
        errors.targetDays = 'reports.categories.bad_target_days';
      }
      const problems = checkExtraQuestions(input.extraQuestions);
      if (problems.length > 0) errors.extraQuestions = problems[0]!.key;
      if (Object.keys(errors).length > 0) throw new ValidationError(errors);

      let aliases = existing?.aliases ?? [];
      if (existing && existing.label !== label) {
        aliases = [...renameCategory(view.tree, existing.id, label).nodes.get(existing.id)!.aliases];
      }
      const row: store.CategoryWrite = {
        id: existing?.id ?? (await store.nextNumericCategoryId(tx)),
        parent_id: input.parentId,
        label,
        aliases,
        default_service_id: input.defaultServiceId,
        target_days: input.targetDays,
        extra_questions: input.extraQuestions,
        active: input.active,
        position: input.position ?? existing?.position ?? 0,
      };
      if (existing) await store.updateCategory(tx, row);
      else await store.insertCategory(tx, row);
      await recordAudit(tx, actor, {
        action: existing ? 'reports.category.updated' : 'reports.category.created',
        objectType: 'report_category',
        objectId: row.id,
        details: {
          label,
          ...(existing && existing.label !== label ? { previousLabel: existing.label } : {}),
          parentId: row.parent_id,
          defaultServiceId: row.default_service_id,
          targetDays: row.target_days,
          active: row.active,
          questions: input.extraQuestions.map((q) => q.code),
        },
      });
      const saved = (await loadTree(tx)).byId.get(row.id);
      if (!saved) throw new Error(`category ${row.id} vanished`);
      return saved;
    })
    .finally(() => forgetCategoryTree(core.db));
}

function isBelow(view: CategoryTreeView, id: string, ancestorId: string): boolean {
  let current = view.byId.get(id);
  while (current?.parentId) {
    if (current.parentId === ancestorId) return true;
    current = view.byId.get(current.parentId);
  }
  return false;
}

/** 1 for a leaf (or a new node), 2 for a node with children… */
function subtreeHeight(view: CategoryTreeView, id: string | undefined): number {
  const node = id ? view.byId.get(id) : undefined;
  if (!node || node.childIds.length === 0) return 1;
  return 1 + Math.max(...node.childIds.map((child) => subtreeHeight(view, child)));
}

export interface ImportOptions {
  targetDaysByTopLevel?: Record<string, number>;
  /** Questions put on every leaf under the named node (or on the node if it is a leaf). */
  extraQuestionsByCategory?: Record<string, ExtraQuestion[]>;
}

/**
 * Import the DansMaRue TSV. Top-level nodes get the default service of the mapping (the TSV's
 * `fk_id_unit` are DansMaRue unit numbers, not our service codes: children inherit from the top
 * level instead). New rows are created; existing rows get the file's label (the old one kept as an
 * alias), active flag, parent and order; services, targets and questions edited in the back office
 * are kept. Running it twice changes nothing the second time.
 */
export async function importDansMaRueCategories(
  core: CoreServices,
  tsvText: string,
  serviceCodeByTopLevel: Record<string, string>,
  actor: Actor,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const parsed = parseCategoryTsv(tsvText);
  return core.db
    .transaction()
    .execute(async (tx) => {
      const services = await store.selectServices(tx);
      const serviceIdByCode = new Map(services.map((s) => [s.code, s.id]));
      const unknownServiceCodes = [
        ...new Set(Object.values(serviceCodeByTopLevel).filter((code) => !serviceIdByCode.has(code))),
      ].sort();
      const existing = new Map((await store.selectCategories(tx)).map((row) => [row.id, row]));
      const questionsFor = (id: string): ExtraQuestion[] => {
        const node = parsed.nodes.get(id)!;
        if (node.childIds.length > 0) return [];
        for (const ancestor of categoryPath(parsed, id).reverse()) {
          const questions = options.extraQuestionsByCategory?.[ancestor.id];
          if (questions) return questions;
        }
        return [];
      };
      let created = 0;
      let updated = 0;
      for (const id of treeOrder(parsed)) {
        const node = parsed.nodes.get(id)!;
        const current = existing.get(id);
        if (!current) {
          const code = node.parentId === null ? serviceCodeByTopLevel[id] : undefined;
          await store.insertCategory(tx, {
            id,
            parent_id: node.parentId,
            label: node.label,
            aliases: [],
            default_service_id: code ? (serviceIdByCode.get(code) ?? null) : null,
            target_days: node.parentId === null ? (options.targetDaysByTopLevel?.[id] ?? null) : null,
            extra_questions: questionsFor(id),
            active: node.active,
            position: node.order,
          });
          created++;
          continue;
        }
        const sameLabel = current.label === node.label;
        if (
          sameLabel &&
          current.active === node.active &&
          current.parent_id === node.parentId &&
          current.position === node.order
        ) {
          continue;
        }
        const aliases = sameLabel
          ? current.aliases
          : [
              ...renameCategory(
                buildCategoryTree([
                  {
                    id,
                    label: current.label,
                    parentId: null,
                    defaultServiceCode: null,
                    order: 0,
                    active: true,
                    aliases: current.aliases,
                  },
                ]),
                id,
                node.label,
              ).nodes.get(id)!.aliases,
            ];
        await store.updateCategory(tx, {
          id,
          parent_id: node.parentId,
          label: node.label,
          aliases,
          default_service_id: current.default_service_id,
          target_days: current.target_days,
          extra_questions: current.extra_questions,
          active: node.active,
          position: node.order,
        });
        updated++;
      }
      // The file's tree is checked; the stored one (with rows the file does not name) must be too.
      await loadTree(tx);
      const summary = { created, updated, total: parsed.nodes.size, unknownServiceCodes };
      if (created + updated > 0) {
        await recordAudit(tx, actor, {
          action: 'reports.categories.imported',
          objectType: 'report_category',
          details: summary,
        });
      }
      return summary;
    })
    .finally(() => forgetCategoryTree(core.db));
}

interface DemoRouting {
  serviceCodeByTopLevel: Record<string, string>;
  targetDaysByTopLevel: Record<string, number>;
  extraQuestionsByCategory: Record<string, ExtraQuestion[]>;
}

/** Demo/first start: imports the shipped DansMaRue tree with resources/reports/demo-routing.json. Idempotent. */
export async function seedReportCategories(core: CoreServices, actor: Actor): Promise<ImportSummary> {
  const dir = path.join(resourcesDir, 'reports');
  const [tsv, routingText] = await Promise.all([
    readFile(path.join(dir, 'dansmarue_type_signalement.tsv'), 'utf8'),
    readFile(path.join(dir, 'demo-routing.json'), 'utf8'),
  ]);
  const routing = JSON.parse(routingText) as DemoRouting;
  return importDansMaRueCategories(core, tsv, routing.serviceCodeByTopLevel, actor, {
    targetDaysByTopLevel: routing.targetDaysByTopLevel,
    extraQuestionsByCategory: routing.extraQuestionsByCategory,
  });
}
