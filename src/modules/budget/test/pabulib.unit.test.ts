import { describe, expect, it } from 'vitest';
import { PabulibParseError, parsePabulib, writePabulib } from '../pabulib.js';
import { ASSEN, CZESTOCHOWA, fixtureText, loadInstance, WARSZAWA, WIELICZKA } from './fixtures.js';

const ALL = [ASSEN, WIELICZKA, WARSZAWA, CZESTOCHOWA];

describe('Pabulib parser', () => {
  it.each(ALL)('%s: counts match num_projects and num_votes', (name) => {
    const instance = loadInstance(name);
    expect(instance.projects).toHaveLength(Number(instance.meta.num_projects));
    expect(instance.votes).toHaveLength(Number(instance.meta.num_votes));
  });

  it('Assen 2024: approval, ids kept as strings, UUID-like voter ids', () => {
    const instance = loadInstance(ASSEN);
    expect(instance.voteType).toBe('approval');
    expect(instance.budget).toBe(100_000);
    expect(instance.meta.comment).toBe('#1: Young people between the ages of 12 and 27 could vote');
    expect(instance.projects[0]).toMatchObject({
      id: '3',
      cost: 7200,
      votes: 43,
      selected: 1,
      name: 'PopUp Podium',
    });
    expect(instance.votes[0]).toMatchObject({
      voterId: 'vote01006bcf-62b6-435d-a0de-2966c3e75249',
      projectIds: ['1', '2', '6', '9', '13'],
    });
  });

  it('Wieliczka 2023: mixed CRLF/LF, a quoted name with doubled quotes, extra columns kept', () => {
    const instance = loadInstance(WIELICZKA);
    expect(instance.meta.rule).toBe('equalshares/add1-comparison');
    const p81 = instance.projects.find((p) => p.id === '81')!;
    expect(p81.name).toContain('Parku "Stok pod Baranem"');
    expect(p81.extra.latitude).toMatch(/^\d+\.\d+$/);
    expect(instance.projects.every((p) => !/\r/.test(JSON.stringify(p)))).toBe(true);
  });

  it('Częstochowa 2024: cumulative ballots with points, voter metadata kept', () => {
    const instance = loadInstance(CZESTOCHOWA);
    expect(instance.voteType).toBe('cumulative');
    const v47 = instance.votes.find((v) => v.voterId === '47')!;
    expect(v47).toMatchObject({
      projectIds: ['611', '662'],
      points: [5, 5],
      extra: { sex: 'F', voting_method: 'internet' },
    });
  });

  it('accepts the quirks of real files: spaces, lowercase titles, empty lines, "none", decimal commas, BOM', () => {
    const text =
      '\ufeffmeta\r\nkey; value\r\nbudget; 1000,50\r\nvote_type; scoring\r\n\r\nprojects\nproject_id; cost; name; votes\n' +
      'a; 500,25; "Zielona obwodnica; ETAP II"; none\n"b"; 10; """Konikowo"" - plac"; 3\n\nvotes\nvoter_id;vote;points;age\n' +
      'v1;a,b;2,-1;none\nv2;none;none;40-59\n';
    const instance = parsePabulib(text);
    expect(instance.budget).toBe(1000.5);
    expect(instance.voteType).toBe('scoring');
    expect(instance.projects).toEqual([
      { id: 'a', cost: 500.25, name: 'Zielona obwodnica; ETAP II', extra: {} },
      { id: 'b', cost: 10, name: '"Konikowo" - plac', votes: 3, extra: {} },
    ]);
    expect(instance.votes[0]).toEqual({
      voterId: 'v1',
      projectIds: ['a', 'b'],
      points: [2, -1],
      extra: { age: 'none' },
    });
    expect(instance.votes[1]).toEqual({ voterId: 'v2', projectIds: [], points: [], extra: { age: '40-59' } });
  });

  it('ordinal ballots keep their order (most preferred first)', () => {
    const text =
      'META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n1;5\n2;5\n3;5\nVOTES\nvoter_id;vote\nx;3,1,2\n';
    expect(parsePabulib(text).votes[0]!.projectIds).toEqual(['3', '1', '2']);
  });

  it.each([
    ['PROJECTS\nproject_id;cost\n', 'budget.pabulib.missing_section'],
    [
      'META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;x\nVOTES\nvoter_id;vote\n',
      'budget.pabulib.not_a_number',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;weird\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n',
      'budget.pabulib.unknown_vote_type',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote\nv;2\n',
      'budget.pabulib.unknown_project',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\n1;2\nVOTES\nvoter_id;vote\n',
      'budget.pabulib.project_id',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote\nv;1\nv;1\n',
      'budget.pabulib.voter_id',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote;points\nv;1;\n',
      'budget.pabulib.points_mismatch',
    ],
    [
      'META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n"1;1\n',
      'budget.pabulib.unclosed_quote',
    ],
  ])('rejects a broken file with a stable code (%#)', (text, code) => {
    expect(() => parsePabulib(text)).toThrow(PabulibParseError);
    try {
      parsePabulib(text);
    } catch (error) {
      expect((error as PabulibParseError).code).toBe(code);
    }
  });
});

describe('Pabulib writer', () => {
  it.each(ALL)('%s: our parser reads back what our writer wrote, identically', (name) => {
    const instance = loadInstance(name);
    const written = writePabulib(instance);
    expect(parsePabulib(written)).toEqual(instance);
    // Also with Pabulib's CRLF line endings, and written twice gives the same text.
    expect(parsePabulib(writePabulib(instance, { lineEnding: '\r\n' }))).toEqual(instance);
    expect(writePabulib(parsePabulib(written))).toBe(written);
  });

  it('quotes fields holding separators, quotes or surrounding spaces', () => {
    const instance = parsePabulib(
      'META\nkey;value\nnum_projects;1\nnum_votes;1\nbudget;5\nvote_type;approval\ndescription;"a;b"\nPROJECTS\nproject_id;cost;name\n1;5;"say ""hi""; "\nVOTES\nvoter_id;vote\nv;1\n',
    );
    const text = writePabulib(instance);
    expect(text).toContain('description;"a;b"');
    expect(text).toContain('1;5;"say ""hi""; "');
    expect(parsePabulib(text)).toEqual(instance);
  });

  it('the Wieliczka file is written with the same META, PROJECTS and VOTES rows (up to line endings)', () => {
    const original = fixtureText(WIELICZKA).replace(/\r\n/g, '\n');
    expect(writePabulib(loadInstance(WIELICZKA))).toBe(original.endsWith('\n') ? original : `${original}\n`);
  });
});
