/** Dates typed day first (jj/mm/aaaa) or ISO, the same whatever the browser's language. */
import { describe, expect, it } from 'vitest';
import { dayAt, parseDayText } from '../views/dates.js';

describe('parseDayText', () => {
  it.each([
    ['14/07/2026', { year: 2026, month: 7, day: 14 }],
    ['1/7/2026', { year: 2026, month: 7, day: 1 }],
    ['14.07.2026', { year: 2026, month: 7, day: 14 }],
    ['14-07-2026', { year: 2026, month: 7, day: 14 }],
    [' 14 / 07 / 2026 ', { year: 2026, month: 7, day: 14 }],
    ['2026-07-14', { year: 2026, month: 7, day: 14 }],
    ['29/02/2028', { year: 2028, month: 2, day: 29 }],
  ])('reads %s', (text, day) => {
    expect(parseDayText(text)).toEqual(day);
  });

  it.each([
    ['', 'empty'],
    ['07/14/2026', 'month first'],
    ['31/02/2026', 'no such day'],
    ['29/02/2027', 'not a leap year'],
    ['14/07/26', 'two-digit year'],
    ['2026/07/14', 'year first with slashes'],
    ['14 juillet 2026', 'words'],
    ['0/07/2026', 'day zero'],
    ['14/07/0999', 'before 1900'],
    ['<script>', 'markup'],
    ['1'.repeat(5000), 'huge'],
  ])('refuses %s (%s)', (text) => {
    expect(parseDayText(text)).toBeNull();
  });

  it('places a day at an hour in UTC', () => {
    const day = { year: 2026, month: 7, day: 14 };
    expect(dayAt(day).toISOString()).toBe('2026-07-14T00:00:00.000Z');
    expect(dayAt(day, 12).toISOString()).toBe('2026-07-14T12:00:00.000Z');
  });
});
