/**
 * Readable report references: `DMR-2026-000123` = prefix, year, sequence zero-padded to 6 digits
 * (a 7th digit appears past 999,999 rather than wrapping). The sequence restarts each year; the
 * store allocates it (one counter row per year, incremented just before the insert's transaction;
 * a failed insert leaves a gap).
 */
import { ReportRuleError } from './errors.js';

export const DEFAULT_REFERENCE_PREFIX = 'DMR';
/** 1–10 characters, an upper-case letter first, then upper-case letters or digits. */
const PREFIX_PATTERN = /^[A-Z][A-Z0-9]{0,9}$/;
const REFERENCE_PATTERN = /^([A-Z][A-Z0-9]{0,9})-(\d{4})-(\d{6,9})$/;

export interface ReportReference {
  prefix: string;
  year: number;
  sequence: number;
}

export function isValidReferencePrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

export function formatReference(reference: ReportReference): string {
  const { prefix, year, sequence } = reference;
  if (!isValidReferencePrefix(prefix)) throw new ReportRuleError('reports.reference.bad_prefix', { prefix });
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new ReportRuleError('reports.reference.bad_year', { year });
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 999_999_999) {
    throw new ReportRuleError('reports.reference.bad_sequence', { sequence });
  }
  return `${prefix}-${year}-${String(sequence).padStart(6, '0')}`;
}

/**
 * Parse what a person typed: surrounding spaces and case are forgiven ("dmr-2026-000123 ").
 * Returns null when it is not a reference, or when `expectedPrefix` is given and differs.
 */
export function parseReference(text: string, expectedPrefix?: string): ReportReference | null {
  const match = REFERENCE_PATTERN.exec(text.trim().toUpperCase());
  if (!match) return null;
  const [, prefix, year, digits] = match;
  const sequence = Number(digits);
  if (sequence < 1) return null;
  // A 7+ digit sequence must not carry leading zeros: one reference, one spelling.
  if (digits!.length > 6 && digits!.startsWith('0')) return null;
  if (expectedPrefix !== undefined && prefix !== expectedPrefix.toUpperCase()) return null;
  return { prefix: prefix!, year: Number(year), sequence };
}

export function isReference(text: string, expectedPrefix?: string): boolean {
  return parseReference(text, expectedPrefix) !== null;
}
