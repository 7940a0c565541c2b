import { describe, expect, it } from 'vitest';
import {
  emailProblem,
  looksLikeToken,
  nameProblem,
  normaliseEmail,
  normaliseName,
  passwordProblem,
  safeReturnPath,
} from '../accounts.domain.js';
import { hashPassword, verifyPassword } from '../passwords.js';

describe('passwords', () => {
  it('hashes with scrypt, its parameters and a random salt in the string', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('refuses missing, malformed and tampered hashes without throwing', async () => {
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999999$8$1$c2FsdA$aGFzaA')).toBe(false);
    const hash = await hashPassword('correct horse battery');
    const parts = hash.split('$');
    parts[5] = parts[5]!.slice(0, 10);
    expect(await verifyPassword('correct horse battery', parts.join('$'))).toBe(false);
  });

  it('honours the parameters stored in the hash (older, cheaper ones still verify)', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old password 123', salt, 32, { N: 1024, r: 8, p: 1 });
    const old = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('old password 123', old)).toBe(true);
  });

  it('accepts 10 to 200 characters', () => {
    expect(passwordProblem('')).toBe('core.account.errors.password_required');
    expect(passwordProblem('123456789')).toBe('core.account.errors.password_too_short');
    expect(passwordProblem('1234567890')).toBeNull();
    expect(passwordProblem('x'.repeat(200))).toBeNull();
    expect(passwordProblem('x'.repeat(201))).toBe('core.account.errors.password_too_long');
  });
});

describe('account rules', () => {
  it('normalises and validates addresses', () => {
    expect(normaliseEmail('  Alice@Example.ORG ')).toBe('alice@example.org');
    expect(emailProblem('alice@example.org')).toBeNull();
    expect(emailProblem('')).toBe('core.account.errors.email_required');
    for (const bad of ['alice', 'alice@', '@example.org', 'a b@example.org', 'a@example', '<a>@x.org']) {
      expect(emailProblem(bad), bad).toBe('core.account.errors.email_invalid');
    }
    expect(emailProblem(`${'a'.repeat(250)}@example.org`)).toBe('core.account.errors.email_invalid');
  });

  it('trims names, removes control characters and caps them at 100', () => {
    expect(normaliseName('  Ana\u0000 Lyse \n')).toBe('Ana  Lyse');
    expect(nameProblem('')).toBe('core.account.errors.name_required');
    expect(nameProblem('x'.repeat(100))).toBeNull();
    expect(nameProblem('x'.repeat(10_000))).toBe('core.account.errors.name_too_long');
  });

  it('only returns to local paths', () => {
    expect(safeReturnPath('/compte')).toBe('/compte');
    expect(safeReturnPath('/signalements?page=2')).toBe('/signalements?page=2');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
    ]) {
      expect(safeReturnPath(bad), bad).toBe('/compte');
    }
  });

  it('recognises the shape of a token', () => {
    expect(looksLikeToken('a'.repeat(43))).toBe(true);
    expect(looksLikeToken('short')).toBe(false);
    expect(looksLikeToken(`${'a'.repeat(40)}/..`)).toBe(false);
  });
});
