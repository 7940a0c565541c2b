/**
 * A server on PostgreSQL never loads PGlite (about 40 MB of memory): the module is imported only
 * when an embedded database is opened.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('database module', () => {
  it('imports PGlite only inside openPGlite, never at the top', () => {
    const source = readFileSync(path.join(import.meta.dirname, '..', 'database.ts'), 'utf8');
    const topLevel = source
      .split('\n')
      .filter((line) => /^import\b/.test(line) && line.includes('@electric-sql/pglite'));
    expect(topLevel.every((line) => line.startsWith('import type'))).toBe(true);
    expect(source).toContain("await import('@electric-sql/pglite')");
  });
});
