/** The city file's list of contractors (reports handed to a third party): read, checked, optional. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../core/config/config.js';

function cityFile(reports: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vo-city-')), 'city.json');
  writeFileSync(file, JSON.stringify({ name: 'Ville de Lyon', reports }));
  return file;
}

describe('reports.contractors in the city file', () => {
  it('is read with trimmed names, and absent means none', () => {
    const city = loadConfig({
      CITY_FILE: cityFile({ contractors: [{ id: 'ECLAIR-1', name: '  Éclair SARL ' }] }),
    }).city;
    expect(city.reports.contractors).toEqual([{ id: 'ECLAIR-1', name: 'Éclair SARL' }]);
    expect(loadConfig({ CITY_FILE: cityFile({ photoReview: false }) }).city.reports).toEqual({
      photoReview: false,
      contractors: [],
    });
  });

  it('ships three demo contractors for Paris', () => {
    expect(loadConfig({}).city.reports.contractors.map((c) => c.id)).toEqual([
      'NET-PROPRE',
      'LUMIVILLE',
      'CHAUSSEES-IDF',
    ]);
  });

  it.each([
    ['not a list', { a: 1 }],
    ['an id with a space', [{ id: 'A B', name: 'x' }]],
    ['no name', [{ id: 'A' }]],
    ['an empty name', [{ id: 'A', name: '  ' }]],
    [
      'twice the same id',
      [
        { id: 'A', name: 'x' },
        { id: 'A', name: 'y' },
      ],
    ],
    ['markup for an id', [{ id: '<script>', name: 'x' }]],
  ])('refuses %s with one line naming CITY_FILE', (_, contractors) => {
    let error: unknown;
    try {
      loadConfig({ CITY_FILE: cityFile({ contractors }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('CITY_FILE');
    expect((error as ConfigError).message).toContain('reports.contractors');
  });
});
