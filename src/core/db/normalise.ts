/**
 * The one place where both engines are made to return the same JavaScript values.
 * `pg` returns int8 and numeric as strings, PGlite returns int8 as numbers: we turn
 * int8 (counts, identity ids) into numbers on both. Values beyond 2^53 do not occur in
 * our schema (ids and counts), so the conversion is exact.
 */
import pg from 'pg';

const INT8_OID = 20;
const POINT_OID = 600;

/** `(x,y)` → {x, y}, as `pg` already returns points. */
function parsePoint(value: string): { x: number; y: number } {
  const [x = Number.NaN, y = Number.NaN] = value
    .replace(/[()\s]/g, '')
    .split(',')
    .map(Number);
  return { x, y };
}

/** PGlite's own parsers for the types where it differs from `pg`. */
export const pgliteParsers = { [POINT_OID]: parsePoint };

export function pgTypes() {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
  return types as unknown as typeof pg.types;
}

export function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    if (typeof row[key] === 'bigint') row[key] = Number(row[key]);
  }
  return row;
}
