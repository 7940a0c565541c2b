/**
 * The category tree as stored: list, search, edit (rename keeps aliases), DansMaRue import and the
 * demo seed. Rules come from domain/categories.ts.
 */
import type { Actor } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import type { CoreServices } from '../../core/services.js';
import type { CategoryMatch, CategoryTree } from './domain/categories.js';
import type { ExtraQuestion } from './domain/open311.js';
import './reports.tables.js';

export interface StoredCategory {
  id: string;
  parentId: string | null;
  label: string;
  aliases: string[];
  defaultServiceId: string | null;
  defaultServiceCode: string | null;
  defaultServiceName: string | null;
  targetDays: number | null;
  extraQuestions: ExtraQuestion[];
  active: boolean;
  position: number;
  version: number;
  depth: number;
  childIds: string[];
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
}

export async function listCategoryTree(_core: CoreServices): Promise<CategoryTreeView> {
  throw new Error('not implemented');
}

export async function getCategory(_core: CoreServices, _id: string): Promise<StoredCategory | null> {
  throw new Error('not implemented');
}

export async function searchCategoryTree(
  _core: CoreServices,
  _q: string,
  _options: { includeInactive?: boolean; leavesOnly?: boolean; limit?: number } = {},
): Promise<(CategoryMatch & { category: StoredCategory })[]> {
  throw new Error('not implemented');
}

export async function saveCategory(
  _core: CoreServices,
  _viewer: Viewer | null,
  _input: SaveCategoryInput,
  _actor: Actor,
): Promise<StoredCategory> {
  throw new Error('not implemented');
}

export async function importDansMaRueCategories(
  _core: CoreServices,
  _tsvText: string,
  _serviceCodeByTopLevel: Record<string, string>,
  _actor: Actor,
): Promise<ImportSummary> {
  throw new Error('not implemented');
}

/** Demo/first start: imports the shipped DansMaRue tree with resources/reports/demo-routing.json. Idempotent. */
export async function seedReportCategories(_core: CoreServices, _actor: Actor): Promise<ImportSummary> {
  throw new Error('not implemented');
}
