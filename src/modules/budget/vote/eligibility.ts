/**
 * Who may vote: a pluggable check, chosen per campaign (`budget_campaign.eligibility`). The
 * default, `sworn_declaration`, is Paris's: a signed-in account whose address is confirmed,
 * and a sworn declaration of living, working or studying in the city, with the name, first
 * name and birth date that dedupe online and booth ballots. A stronger check (FranceConnect
 * identity, an electoral-roll lookup) is one more entry in the registry.
 */
import type { Viewer } from '../../../core/auth/viewer.js';
import type { Declaration } from './vote.tables.js';

export const DECLARATIONS: readonly Declaration[] = ['live', 'work', 'study'];

export interface DeclarationInput {
  declaration: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  /** The "I swear…" box. */
  sworn: boolean;
}

export interface CheckedDeclaration {
  declaration: Declaration;
  lastName: string;
  firstName: string;
  birthDate: string;
}

export type EligibilityResult =
  | { eligible: true; declaration: CheckedDeclaration }
  /** `account`: the account itself may not vote (message key); `fields`: the form is wrong. */
  | { eligible: false; account?: string; fields?: Record<string, string> };

export interface EligibilityCheck {
  readonly name: string;
  /** Can this account vote at all (before any form)? null when it can, else a message key. */
  accountProblem(viewer: Viewer): string | null;
  check(viewer: Viewer, input: DeclarationInput, now: Date): EligibilityResult;
}

export const MAX_NAME_LENGTH = 100;
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * A birth date as people type it, as YYYY-MM-DD (the form the dedupe hashes); null when it is
 * not a real day from 1900 to today. Day first (17/05/1990, 17.05.1990) or ISO; never month
 * first nor a two-digit year. The field is text with the format shown: a native date input
 * shows the browser's format (mm/dd/yyyy in an English Chrome), not the page's.
 */
export function parseBirthDate(text: string, now: Date): string | null {
  const value = text.replace(/\s+/g, '');
  if (value.length > 10) return null;
  const dayFirst = DAY_FIRST.exec(value);
  const iso = dayFirst ? null : ISO.exec(value);
  const [day, month, year] = dayFirst
    ? [dayFirst[1], dayFirst[2], dayFirst[3]].map(Number)
    : iso
      ? [iso[3], iso[2], iso[1]].map(Number)
      : [];
  if (!day || !month || !year || year < 1900) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  if (date.getTime() > now.getTime()) return null;
  return date.toISOString().slice(0, 10);
}

/** Letters, spaces, hyphens and apostrophes: a name, not markup. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

export const swornDeclaration: EligibilityCheck = {
  name: 'sworn_declaration',
  accountProblem(viewer) {
    if (!viewer.emailVerified) return 'budget.vote.eligibility.email_not_verified';
    return null;
  },
  check(viewer, input, now) {
    const problem = this.accountProblem(viewer);
    if (problem) return { eligible: false, account: problem };
    const fields: Record<string, string> = {};
    const lastName = input.lastName.trim().replace(/\s+/g, ' ');
    const firstName = input.firstName.trim().replace(/\s+/g, ' ');
    if (!(DECLARATIONS as readonly string[]).includes(input.declaration))
      fields.declaration = 'budget.vote.declaration.declaration_required';
    if (lastName === '') fields.lastName = 'budget.vote.declaration.last_name_required';
    else if (lastName.length > MAX_NAME_LENGTH || !NAME.test(lastName))
      fields.lastName = 'budget.vote.declaration.name_invalid';
    if (firstName === '') fields.firstName = 'budget.vote.declaration.first_name_required';
    else if (firstName.length > MAX_NAME_LENGTH || !NAME.test(firstName))
      fields.firstName = 'budget.vote.declaration.name_invalid';
    const birthDate = parseBirthDate(input.birthDate, now);
    if (input.birthDate.trim() === '') fields.birthDate = 'budget.vote.declaration.birth_date_required';
    else if (!birthDate) fields.birthDate = 'budget.vote.declaration.birth_date_invalid';
    if (!input.sworn) fields.sworn = 'budget.vote.declaration.sworn_required';
    if (Object.keys(fields).length > 0) return { eligible: false, fields };
    return {
      eligible: true,
      declaration: {
        declaration: input.declaration as Declaration,
        lastName,
        firstName,
        birthDate: birthDate!,
      },
    };
  },
};

const registry = new Map<string, EligibilityCheck>([[swornDeclaration.name, swornDeclaration]]);

/** Adds a check (a stronger one, or one for tests). */
export function registerEligibilityCheck(check: EligibilityCheck): void {
  registry.set(check.name, check);
}

/** The campaign's check; an unknown name refuses everyone rather than letting anyone in. */
export function eligibilityCheck(name: string): EligibilityCheck {
  return (
    registry.get(name) ?? {
      name,
      accountProblem: () => 'budget.vote.eligibility.unknown_check',
      check: () => ({ eligible: false, account: 'budget.vote.eligibility.unknown_check' }),
    }
  );
}
