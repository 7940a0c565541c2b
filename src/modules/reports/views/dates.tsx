/**
 * Dates typed by people, the same on every browser.
 *
 * A native `<input type="date">` shows the format of the browser's own language, not the page's:
 * an English Chrome shows mm/dd/yyyy on a French page, where "03/04" then means 4 March to the
 * browser and 3 April to the reader. So date fields are plain text with a visible hint
 * "jj/mm/aaaa", and the server reads day first (14/07/2026, 14.07.2026, 14-07-2026, 1/7/2026)
 * or ISO (2026-07-14, what links and old bookmarks carry). Never month first, never a two-digit
 * year: both are ambiguous.
 */
import { Field, type FieldErrors } from '../../../core/views/components/form.js';
import type { PageContext } from '../../../core/views/context.js';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** The calendar day typed, or null when it is not one (31/02/2026, 2026-13-01, 07/14/2026…). */
export function parseDayText(text: string): CalendarDay | null {
  const value = text.replace(/\s+/g, '');
  if (value.length > 10) return null;
  const dayFirst = DAY_FIRST.exec(value);
  const iso = dayFirst ? null : ISO.exec(value);
  const [day, month, year] = dayFirst
    ? [dayFirst[1], dayFirst[2], dayFirst[3]].map(Number)
    : iso
      ? [iso[3], iso[2], iso[1]].map(Number)
      : [];
  if (!day || !month || !year || year < 1900 || year > 2999) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

/** That day at `hour`:00 UTC (0 for the start of a filter, 12 for a date that no time zone may move). */
export function dayAt(day: CalendarDay, hour = 0): Date {
  return new Date(Date.UTC(day.year, day.month - 1, day.day, hour));
}

/** A date field: text, with the format always shown; what was typed comes back as typed. */
export function DayField(props: {
  ctx: PageContext;
  name: string;
  label: string;
  value?: string;
  errors?: FieldErrors;
  required?: boolean;
}) {
  return (
    <Field
      ctx={props.ctx}
      name={props.name}
      label={props.label}
      hint={props.ctx.t('reports.date.hint')}
      value={props.value}
      errors={props.errors}
      required={props.required}
      autocomplete="off"
      maxLength={10}
      width="short"
    />
  );
}
