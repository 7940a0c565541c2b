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
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day, not in the future, not before 1900. */
export function validBirthDate(text: string, now: Date): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return false;
  return Number(match[1]) >= 1900 && date.getTime() <= now.getTime();
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
    if (input.birthDate.trim() === '') fields.birthDate = 'budget.vote.declaration.birth_date_required';
    else if (!validBirthDate(input.birthDate.trim(), now))
      fields.birthDate = 'budget.vote.declaration.birth_date_invalid';
    if (!input.sworn) fields.sworn = 'budget.vote.declaration.sworn_required';
    if (Object.keys(fields).length > 0) return { eligible: false, fields };
    return {
      eligible: true,
      declaration: {
        declaration: input.declaration as Declaration,
        lastName,
        firstName,
        birthDate: input.birthDate.trim(),
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
