import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../data-lock.js';

describe('PGlite data folder lock', () => {
  it('refuses a second holder with a clear message and frees the folder on release', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vo-lock-'));
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/already used by another Ville Ouverte process/);
    release();
    expect(existsSync(path.join(dir, 'ville-ouverte.lock'))).toBe(false);
    lockDataDir(dir)();
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vo-lock-'));
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(path.join(dir, 'ville-ouverte.lock'), dead);
    const release = lockDataDir(dir);
    release();
  });
});
