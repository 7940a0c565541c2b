/**
 * Rules of the implementation tracking, without I/O: the status a winner may move to, the
 * progress that goes with it, what a milestone must say, and when a planned one is late.
 *
 * Statuses: studies → works → delivered, one step at a time; abandoned (with a public reason)
 * from any status but delivered. Delivered and abandoned are final. A winner with no status
 * yet (results just published) counts as in studies.
 */
import type { ImplementationStatus } from '../budget.tables.js';

export const STATUSES: readonly ImplementationStatus[] = ['studies', 'works', 'delivered', 'abandoned'];
/** What a milestone may move the project to (an abandon has its own form, with its reason). */
export const MILESTONE_STATUSES: readonly ImplementationStatus[] = ['works', 'delivered'];
export const FINAL_STATUSES: readonly ImplementationStatus[] = ['delivered', 'abandoned'];

export const MAX_TITLE = 150;
export const MAX_DESCRIPTION = 5000;
export const MAX_REASON = 1000;
export const MAX_PHOTOS = 3;

const NEXT: Record<ImplementationStatus, ImplementationStatus | null> = {
  studies: 'works',
  works: 'delivered',
  delivered: null,
  abandoned: null,
};

export function isImplementationStatus(value: unknown): value is ImplementationStatus {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** The status shown and checked: a winner not started yet is in studies. */
export function effectiveStatus(status: ImplementationStatus | null | undefined): ImplementationStatus {
  return status ?? 'studies';
}

export function isFinal(status: ImplementationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Statuses a project in `from` may be given (itself included, for a progress update). */
export function allowedTargets(from: ImplementationStatus): ImplementationStatus[] {
  if (isFinal(from)) return [];
  const next = NEXT[from];
  return [from, ...(next ? [next] : []), 'abandoned'];
}

export function canMove(from: ImplementationStatus, to: ImplementationStatus): boolean {
  return allowedTargets(from).includes(to);
}

/** Line breaks normalised, control characters dropped (tabs and newlines kept), trimmed. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
      .trim()
  );
}

/** One line: every run of white space (newlines too) becomes one space. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ');
}

const length = (text: string) => [...text].length;

/** "0" to "100", digits only (a percent sign is forgiven). */
export function parseProgress(text: string): number | null {
  const value = text.trim().replace(/\s*%$/, '');
  if (!/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n <= 100 ? n : null;
}

export interface StatusUpdateInput {
  from: ImplementationStatus | null;
  fromProgress: number;
  to: string;
  /** As typed; empty keeps the current progress. */
  progress: string;
  reason?: string;
}

export interface StatusUpdate {
  from: ImplementationStatus;
  to: ImplementationStatus;
  progress: number;
  reason: string;
  /** false when the form changes nothing. */
  changed: boolean;
}

export type FieldErrors = Record<string, string>;

/**
 * Checks a change of status and progress. Errors are i18n keys by field (status, progress,
 * reason). Delivered sets the progress to 100; abandoned keeps it and needs a reason.
 */
export function checkStatusUpdate(input: StatusUpdateInput): { update?: StatusUpdate; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const from = effectiveStatus(input.from);
  if (!isImplementationStatus(input.to)) {
    errors.status = 'budget.tracking.errors.status_unknown';
    return { errors };
  }
  const to = input.to;
  if (isFinal(from)) {
    errors.status = 'budget.tracking.errors.final';
    return { errors };
  }
  if (!canMove(from, to)) errors.status = 'budget.tracking.errors.transition';

  let progress = input.fromProgress;
  if (input.progress.trim() !== '') {
    const parsed = parseProgress(input.progress);
    if (parsed === null) errors.progress = 'budget.tracking.errors.progress_range';
    else progress = parsed;
  }
  if (to === 'delivered') progress = 100;

  let reason = '';
  if (to === 'abandoned') {
    reason = cleanText(input.reason ?? '');
    if (reason === '') errors.reason = 'budget.tracking.errors.reason_required';
    else if (length(reason) > MAX_REASON) errors.reason = 'budget.tracking.errors.reason_too_long';
    // Abandoning keeps what was done: the progress is not what the form is about.
    progress = input.fromProgress;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    update: {
      from,
      to,
      progress,
      reason,
      changed: to !== from || progress !== input.fromProgress || (input.from === null && to === 'studies'),
    },
    errors,
  };
}

const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * A calendar day as people type it, as YYYY-MM-DD; null when it is not one. Day first
 * (14/07/2026, 14.07.2026, 1/7/2026) or ISO (2026-07-14); never month first nor a two-digit
 * year, both ambiguous. The form shows a text field with the format, not a native date input,
 * whose format follows the browser's language rather than the page's. Years 2000–2100.
 */
export function parseDay(text: string): string | null {
  const value = text.replace(/\s+/g, '');
  if (value.length > 10) return null;
  const dayFirst = DAY_FIRST.exec(value);
  const iso = dayFirst ? null : ISO.exec(value);
  const [day, month, year] = dayFirst
    ? [dayFirst[1], dayFirst[2], dayFirst[3]].map(Number)
    : iso
      ? [iso[3], iso[2], iso[1]].map(Number)
      : [];
  if (!day || !month || !year || year < 2000 || year > 2100) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return date.toISOString().slice(0, 10);
}

/** YYYY-MM-DD as the form shows it: dd/mm/yyyy. */
export function dayInput(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/** Today in the city's time zone, as YYYY-MM-DD. */
export function cityToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
}

/** A planned milestone whose day has passed. */
export function isLate(milestone: { reached: boolean; occurredOn: string }, today: string): boolean {
  return !milestone.reached && milestone.occurredOn < today;
}

export interface MilestoneInput {
  date: string;
  /** 'reached' or 'planned'. */
  kind: string;
  title: string;
  description: string;
  /** '' for no change. */
  status: string;
  /** '' for no change. */
  progress: string;
  photoCount: number;
}

export interface CheckedMilestone {
  occurredOn: string;
  reached: boolean;
  title: string;
  description: string;
  statusTo: ImplementationStatus | null;
  progress: number | null;
}

/**
 * Checks a milestone as typed. A reached one happened today or before and may move the
 * project on (works, delivered) and set its progress; a planned one is for today or later and
 * changes nothing yet. Errors by field: date, kind, title, description, status, progress, photos.
 */
export function checkMilestone(
  input: MilestoneInput,
  project: { status: ImplementationStatus | null; progress: number },
  today: string,
): { milestone?: CheckedMilestone; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const current = effectiveStatus(project.status);
  const kind = input.kind === 'planned' ? 'planned' : input.kind === 'reached' ? 'reached' : null;
  if (!kind) errors.kind = 'budget.tracking.errors.kind_required';

  const occurredOn = parseDay(input.date);
  if (!input.date.trim()) errors.date = 'budget.tracking.errors.date_required';
  else if (!occurredOn) errors.date = 'budget.tracking.errors.date_invalid';
  else if (kind === 'reached' && occurredOn > today) errors.date = 'budget.tracking.errors.reached_in_future';
  else if (kind === 'planned' && occurredOn < today) errors.date = 'budget.tracking.errors.planned_in_past';

  const title = cleanLine(input.title);
  if (title === '') errors.title = 'budget.tracking.errors.title_required';
  else if (length(title) > MAX_TITLE) errors.title = 'budget.tracking.errors.title_too_long';
  const description = cleanText(input.description);
  if (length(description) > MAX_DESCRIPTION)
    errors.description = 'budget.tracking.errors.description_too_long';

  let statusTo: ImplementationStatus | null = null;
  let progress: number | null = null;
  if (input.status !== '' || input.progress.trim() !== '') {
    if (kind === 'planned') {
      errors[input.status !== '' ? 'status' : 'progress'] = 'budget.tracking.errors.planned_changes_nothing';
    } else if (isFinal(current)) {
      errors[input.status !== '' ? 'status' : 'progress'] = 'budget.tracking.errors.final';
    } else {
      if (input.status !== '') {
        if (!isImplementationStatus(input.status) || !MILESTONE_STATUSES.includes(input.status)) {
          errors.status = 'budget.tracking.errors.status_unknown';
        } else if (input.status !== current && !canMove(current, input.status)) {
          errors.status = 'budget.tracking.errors.transition';
        } else if (input.status !== current) {
          statusTo = input.status;
        }
      }
      if (input.progress.trim() !== '') {
        progress = parseProgress(input.progress);
        if (progress === null) errors.progress = 'budget.tracking.errors.progress_range';
      }
    }
  }
  if (statusTo === 'delivered') progress = 100;
  if (kind === 'reached' && progress === null && !isFinal(current)) progress = project.progress;
  if (kind === 'reached' && isFinal(current)) progress = project.progress;

  if (input.photoCount > MAX_PHOTOS) errors.photos = 'budget.tracking.errors.too_many_photos';

  if (Object.keys(errors).length > 0) return { errors };
  return {
    milestone: {
      occurredOn: occurredOn as string,
      reached: kind === 'reached',
      title,
      description,
      statusTo,
      progress: kind === 'reached' ? progress : null,
    },
    errors,
  };
}

export interface MilestoneEditInput {
  date: string;
  title: string;
  description: string;
  /** Photos the milestone keeps once the ticked ones are removed, plus the new uploads. */
  photoCount: number;
}

export interface CheckedMilestoneEdit {
  occurredOn: string;
  title: string;
  description: string;
}

/**
 * Checks an edited milestone (date, title, description, photos). Its kind, and the status and
 * progress a reached one set, do not change: they are part of the project's history. A reached
 * one stays today or before; a planned one moves to today or later, but a late one whose day
 * is left as it was may still have its text corrected. Errors by field: date, title,
 * description, photos.
 */
export function checkMilestoneEdit(
  input: MilestoneEditInput,
  milestone: { reached: boolean; occurredOn: string },
  today: string,
): { milestone?: CheckedMilestoneEdit; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const occurredOn = parseDay(input.date);
  if (!input.date.trim()) errors.date = 'budget.tracking.errors.date_required';
  else if (!occurredOn) errors.date = 'budget.tracking.errors.date_invalid';
  else if (milestone.reached && occurredOn > today) errors.date = 'budget.tracking.errors.reached_in_future';
  else if (!milestone.reached && occurredOn < today && occurredOn !== milestone.occurredOn)
    errors.date = 'budget.tracking.errors.planned_in_past';

  const title = cleanLine(input.title);
  if (title === '') errors.title = 'budget.tracking.errors.title_required';
  else if (length(title) > MAX_TITLE) errors.title = 'budget.tracking.errors.title_too_long';
  const description = cleanText(input.description);
  if (length(description) > MAX_DESCRIPTION)
    errors.description = 'budget.tracking.errors.description_too_long';
  if (input.photoCount > MAX_PHOTOS) errors.photos = 'budget.tracking.errors.too_many_photos';

  if (Object.keys(errors).length > 0) return { errors };
  return { milestone: { occurredOn: occurredOn as string, title, description }, errors };
}
