/**
 * CSV for the back office, made to open right in a spreadsheet: UTF-8 with a byte order mark
 * (without it Excel reads the file as Windows-1252 and breaks every accent), CRLF line ends
 * (RFC 4180), and the semicolon as separator: the agents who open it use Excel in French,
 * whose list separator is the semicolon (the comma is the decimal mark there), so a
 * comma-separated file would open as one column and amounts like "1500,50" would be split.
 * No I/O.
 */

export const CSV_SEPARATOR = ';';
const BOM = '\uFEFF';

/**
 * One cell: a text a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that some read past) gets a leading apostrophe, so it shows as typed (CSV
 * injection); then quoted when it holds the separator, a quote or a line break.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return text.includes(CSV_SEPARATOR) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole document: the header row, then the rows. */
export function csvDocument(header: string[], rows: (string | number | null)[][]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(CSV_SEPARATOR));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
