import { describe, expect, it } from 'vitest';
import type { ReportRuleError } from '../domain/errors.js';
import { formatReference, isReference, isValidReferencePrefix, parseReference } from '../domain/reference.js';

describe('report references', () => {
  it('formats prefix, year and a zero-padded sequence', () => {
    expect(formatReference({ prefix: 'DMR', year: 2026, sequence: 123 })).toBe('DMR-2026-000123');
    expect(formatReference({ prefix: 'LYON69', year: 2027, sequence: 1 })).toBe('LYON69-2027-000001');
    expect(formatReference({ prefix: 'DMR', year: 2026, sequence: 1_234_567 })).toBe('DMR-2026-1234567');
  });

  it('refuses bad parts with stable codes', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as ReportRuleError).code;
      }
      return 'none';
    };
    expect(code(() => formatReference({ prefix: 'dmr', year: 2026, sequence: 1 }))).toBe(
      'reports.reference.bad_prefix',
    );
    expect(code(() => formatReference({ prefix: 'D-M', year: 2026, sequence: 1 }))).toBe(
      'reports.reference.bad_prefix',
    );
    expect(code(() => formatReference({ prefix: 'DMR', year: 26, sequence: 1 }))).toBe(
      'reports.reference.bad_year',
    );
    expect(code(() => formatReference({ prefix: 'DMR', year: 2026, sequence: 0 }))).toBe(
      'reports.reference.bad_sequence',
    );
    expect(code(() => formatReference({ prefix: 'DMR', year: 2026, sequence: 1.5 }))).toBe(
      'reports.reference.bad_sequence',
    );
    expect(isValidReferencePrefix('ABCDEFGHIJK')).toBe(false);
  });

  it('parses and round-trips, forgiving case and spaces', () => {
    expect(parseReference(' dmr-2026-000123 ')).toEqual({ prefix: 'DMR', year: 2026, sequence: 123 });
    for (const sequence of [1, 999_999, 1_000_000]) {
      const text = formatReference({ prefix: 'DMR', year: 2026, sequence });
      expect(parseReference(text)).toEqual({ prefix: 'DMR', year: 2026, sequence });
    }
  });

  it('rejects what is not a reference', () => {
    for (const text of [
      '',
      'DMR-2026-123',
      'DMR-26-000123',
      'DMR-2026-000000',
      'DMR-2026-0001234',
      'DMR2026000123',
      'DMR-2026-000123-1',
      '1DMR-2026-000123',
      'DMR-2026-00012a',
      "DMR-2026-000123' OR 1=1",
    ]) {
      expect(parseReference(text), text).toBeNull();
    }
    expect(isReference('DMR-2026-000123', 'dmr')).toBe(true);
    expect(isReference('DMR-2026-000123', 'LYON')).toBe(false);
  });
});
