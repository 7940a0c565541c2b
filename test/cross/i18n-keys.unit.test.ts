/**
 * The message catalogues: French and English say the same things, every message is used,
 * and every key the code asks for exists.
 *
 * A key counts as used when it appears whole as a quoted literal ('key', "key" or `key`) in a
 * .ts/.tsx file under src/: keys built by concatenation must also appear whole somewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES, loadMessages } from '../../src/core/i18n/i18n.js';

const srcDir = path.resolve(import.meta.dirname, '../../src');

const allFiles = (readdirSync(srcDir, { recursive: true }) as string[]).map((f) => path.join(srcDir, f));
const localeDirs = [
  ...new Set(
    allFiles
      .filter((f) => path.basename(path.dirname(f)) === 'locales' && f.endsWith('.json'))
      .map((f) => path.dirname(f)),
  ),
].sort();
const sourceFiles = allFiles.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
const sources = new Map(sourceFiles.map((f) => [f, readFileSync(f, 'utf8')]));
const relative = (f: string) => path.relative(path.resolve(srcDir, '..'), f);

function readCatalogue(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`${relative(file)} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Every key of every catalogue, with the folder that defines it. */
function allKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const dir of localeDirs) {
    for (const locale of LOCALES) {
      for (const key of Object.keys(readCatalogue(path.join(dir, `${locale}.json`)))) {
        if (!keys.has(key)) keys.set(key, relative(dir));
      }
    }
  }
  return keys;
}

const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n catalogues', () => {
  it('found the catalogues and the sources', () => {
    expect(localeDirs.length).toBeGreaterThan(0);
    expect(sourceFiles.length).toBeGreaterThan(0);
  });

  it('every folder has both languages, with the same keys', () => {
    const problems: string[] = [];
    for (const dir of localeDirs) {
      const fr = readCatalogue(path.join(dir, 'fr.json'));
      const en = readCatalogue(path.join(dir, 'en.json'));
      for (const key of Object.keys(fr)) {
        if (!(key in en)) problems.push(`missing in ${relative(dir)}/en.json: ${key}`);
      }
      for (const key of Object.keys(en)) {
        if (!(key in fr)) problems.push(`missing in ${relative(dir)}/fr.json: ${key}`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('is flat, with no empty message, and the same {placeholders} in both languages', () => {
    const problems: string[] = [];
    for (const dir of localeDirs) {
      const fr = readCatalogue(path.join(dir, 'fr.json'));
      const en = readCatalogue(path.join(dir, 'en.json'));
      for (const [locale, catalogue] of [
        ['fr', fr],
        ['en', en],
      ] as const) {
        for (const [key, value] of Object.entries(catalogue)) {
          if (typeof value !== 'string')
            problems.push(`not a string in ${relative(dir)}/${locale}.json: ${key}`);
          else if (value.trim() === '') problems.push(`empty in ${relative(dir)}/${locale}.json: ${key}`);
        }
      }
      for (const key of Object.keys(fr)) {
        const a = fr[key];
        const b = en[key];
        if (
          typeof a === 'string' &&
          typeof b === 'string' &&
          placeholders(a).join() !== placeholders(b).join()
        ) {
          problems.push(
            `placeholders differ in ${relative(dir)}: ${key} (fr {${placeholders(a).join('},{')}} / en {${placeholders(b).join('},{')}})`,
          );
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('defines no key twice', () => {
    for (const locale of LOCALES) expect(() => loadMessages(locale)).not.toThrow();
  });

  it('every key is used in src/', () => {
    const text = [...sources.values()].join('\n');
    const unused = [...allKeys()]
      .filter(
        ([key]) => !text.includes(`'${key}'`) && !text.includes(`"${key}"`) && !text.includes(`\`${key}\``),
      )
      .map(([key, dir]) => `${key}  (${dir})`);
    expect(unused, `unused keys:\n${unused.join('\n')}`).toEqual([]);
  });

  it('every t("…") call, DomainError code and flash message names an existing key', () => {
    const keys = allKeys();
    const calls = [
      // t('key'), ctx.t('key'), request.t("key", …)
      /\bt\(\s*(['"`])([A-Za-z0-9_.-]+)\1/g,
      // new DomainError('code', …) and its subclasses built with a code
      /new\s+DomainError\(\s*(['"`])([A-Za-z0-9_.-]+)\1/g,
      // reply.redirectWithFlash(url, 'key')
      /redirectWithFlash\([^,()]+(?:\([^()]*\))?[^,()]*,\s*(['"`])([A-Za-z0-9_.-]+)\1/g,
    ];
    const missing: string[] = [];
    for (const [file, source] of sources) {
      for (const pattern of calls) {
        for (const match of source.matchAll(pattern)) {
          const key = match[2] as string;
          if (!keys.has(key)) {
            const line = source.slice(0, match.index).split('\n').length;
            missing.push(`${key}  (${relative(file)}:${line})`);
          }
        }
      }
    }
    expect(missing, `keys used but not defined:\n${missing.join('\n')}`).toEqual([]);
  });
});
