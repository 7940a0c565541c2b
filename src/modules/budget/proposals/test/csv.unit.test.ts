/** The CSV of the back office: BOM, semicolons, CRLF, quoting, and no formula run by a spreadsheet. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../csv.js';

describe('csv', () => {
  it('neutralises what a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+33 1 00')).toBe("'+33 1 00");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('Un banc = une pause')).toBe('Un banc = une pause');
  });

  it('quotes separators, quotes and line breaks; leaves numbers and empty cells plain', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('dit "oui"')).toBe('"dit ""oui"""');
    expect(csvCell('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell('Élagage, arbres')).toBe('Élagage, arbres');
  });

  it('starts with a byte order mark and ends each row with CRLF', () => {
    expect(
      csvDocument(
        ['Numéro', 'Titre'],
        [
          ['BP-2026-0001', 'Des arbres'],
          ['BP-2026-0002', null],
        ],
      ),
    ).toBe('\uFEFFNuméro;Titre\r\nBP-2026-0001;Des arbres\r\nBP-2026-0002;\r\n');
  });
});
