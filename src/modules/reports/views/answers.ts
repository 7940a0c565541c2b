/**
 * Answers to a category's extra questions, as rows "question → answer" for a page.
 *
 * Agents see every answer. The public sees only answers picked from a list or numbers: free text
 * (and dates typed by hand) is never moderated, so it could carry a name, a phone number or
 * worse; it stays in the back office, like the reporter's contact.
 */
import { formatDateTime, formatNumber, type Locale } from '../../../core/i18n/i18n.js';
import type { AttributeDatatype, ExtraQuestion } from '../domain/open311.js';

export interface AnswerRow {
  code: string;
  /** The question as the category asks it (or its code when the question was removed since). */
  question: string;
  answer: string;
}

const PUBLIC_DATATYPES: ReadonlySet<AttributeDatatype> = new Set([
  'singlevaluelist',
  'multivaluelist',
  'number',
]);

function asList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v) => typeof v === 'string' || typeof v === 'number')
    .map(String)
    .filter((v) => v !== '');
}

function answerText(question: ExtraQuestion, value: unknown, locale: Locale): string {
  const names = new Map((question.values ?? []).map((v) => [v.key, v.name]));
  switch (question.datatype) {
    case 'singlevaluelist':
    case 'multivaluelist':
      return asList(value)
        .map((key) => names.get(key) ?? key)
        .join(', ');
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? formatNumber(locale, n) : asList(value).join(', ');
    }
    case 'datetime': {
      const date = typeof value === 'string' ? new Date(value) : null;
      return date && !Number.isNaN(date.getTime()) ? formatDateTime(locale, date) : asList(value).join(', ');
    }
    default:
      return asList(value).join(', ');
  }
}

/** The rows to show, in the questions' order; `public` leaves out anything typed freely. */
export function answerRows(
  questions: readonly ExtraQuestion[],
  attributes: Record<string, unknown> | null | undefined,
  audience: 'public' | 'agent',
  locale: Locale,
): AnswerRow[] {
  const given = attributes ?? {};
  const rows: AnswerRow[] = [];
  const known = new Set<string>();
  for (const question of [...questions].sort((a, b) => a.order - b.order)) {
    known.add(question.code);
    if (question.variable === false || !(question.code in given)) continue;
    if (audience === 'public' && !PUBLIC_DATATYPES.has(question.datatype)) continue;
    const answer = answerText(question, given[question.code], locale);
    if (answer) rows.push({ code: question.code, question: question.description, answer });
  }
  // Answers to questions the category no longer asks: agents still see them, by code.
  if (audience === 'agent') {
    for (const [code, value] of Object.entries(given)) {
      if (known.has(code)) continue;
      const answer = asList(value).join(', ');
      if (answer) rows.push({ code, question: code, answer });
    }
  }
  return rows;
}
