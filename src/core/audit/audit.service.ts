import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db/database.js';
import type { Permissions } from '../permissions/permissions.js';
import { type AuditFilter, type AuditRow, searchAudit } from './audit.store.js';

export type { AuditFilter, AuditRow };

export const AUDIT_PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Keeps only filters that make sense; a malformed date is ignored (the form says so). */
export function cleanAuditFilter(input: Record<string, unknown>): { filter: AuditFilter; invalid: string[] } {
  const text = (key: string) =>
    typeof input[key] === 'string' ? (input[key] as string).trim().slice(0, 200) : '';
  const filter: AuditFilter = {};
  const invalid: string[] = [];
  for (const key of ['action', 'actor', 'objectType', 'objectId'] as const) {
    const value = text(key);
    if (value) filter[key] = value;
  }
  for (const key of ['from', 'to'] as const) {
    const value = text(key);
    if (!value) continue;
    if (DAY.test(value) && !Number.isNaN(Date.parse(value))) filter[key] = value;
    else invalid.push(key);
  }
  return { filter, invalid };
}

export async function searchAuditLog(
  db: Db,
  permissions: Permissions,
  viewer: Viewer | null,
  filter: AuditFilter,
  page: number,
): Promise<{ rows: AuditRow[]; total: number; page: number; pages: number }> {
  permissions.assert(viewer, 'audit.read');
  const current = Math.max(1, Math.floor(page) || 1);
  const result = await searchAudit(db, filter, {
    offset: (current - 1) * AUDIT_PAGE_SIZE,
    limit: AUDIT_PAGE_SIZE,
  });
  return { ...result, page: current, pages: Math.max(1, Math.ceil(result.total / AUDIT_PAGE_SIZE)) };
}
