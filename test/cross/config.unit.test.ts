/**
 * Configuration: every bad variable stops the server with one line that names it; the
 * defaults give a working laptop setup; production refuses the demo shortcuts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_SESSION_SECRET,
  KNOWN_MODULES,
  loadConfig,
} from '../../src/core/config/config.js';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const goodSecret = 'a-secret-of-our-own-that-is-long-enough-1234';

/** The ConfigError thrown by loadConfig(env), or a failure if none is thrown. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('gives a laptop setup with nothing set', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.join(projectRoot, 'data'));
    expect(config.sessionSecret).toBe(DEFAULT_SESSION_SECRET);
    expect(config.smtpUrl).toBeUndefined();
    expect(config.mailFrom).toContain('@');
    expect(config.demo).toBe(true);
    expect(config.trustProxy).toBe(false);
    expect(config.jobsIn).toBe('process');
    expect(config.logLevel).toBe('info');
    expect(config.modules).toEqual([...KNOWN_MODULES]);
    expect(config.city.name).toBe('Ville de Paris');
    expect(config.city.colours.primary).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('follows PUBLIC_URL (without its trailing slash), PORT and the other variables', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://ville.example/',
      DATABASE_URL: 'postgres://ville@db.example:5432/ville',
      DATA_DIR: '/tmp/ville-data',
      SMTP_URL: 'smtp://mail.example:25',
      MAIL_FROM: 'Ville <ne-pas-repondre@ville.example>',
      DEMO: 'false',
      TRUST_PROXY: 'true',
      JOBS_IN: 'none',
      LOG_LEVEL: 'warn',
      MODULES: 'reports, budget',
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('https://ville.example');
    expect(config.databaseUrl).toBe('postgres://ville@db.example:5432/ville');
    expect(config.dataDir).toBe('/tmp/ville-data');
    expect(config.smtpUrl).toBe('smtp://mail.example:25');
    expect(config.mailFrom).toBe('Ville <ne-pas-repondre@ville.example>');
    expect(config.demo).toBe(false);
    expect(config.trustProxy).toBe(true);
    expect(config.jobsIn).toBe('none');
    expect(config.logLevel).toBe('warn');
    expect(config.modules).toEqual(['reports', 'budget']);
  });

  it('is silent in tests and listens on every interface in production', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    const production = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: goodSecret,
      DATABASE_URL: 'postgres://ville@db.example/ville',
    });
    expect(production.host).toBe('0.0.0.0');
    expect(production.demo).toBe(false);
  });
});

describe('bad values name their variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://ville.example'],
    ['DATABASE_URL', 'mysql://ville@db.example/ville'],
    ['DATABASE_URL', 'nonsense'],
    ['SESSION_SECRET', 'too-short'],
    ['SMTP_URL', 'http://mail.example'],
    ['DEMO', 'maybe'],
    ['TRUST_PROXY', 'sometimes'],
    ['JOBS_IN', 'thread'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['MODULES', 'reports,weather'],
    ['CITY_FILE', '/nonexistent/city.json'],
  ])('%s=%s', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('never repeats a database password in the message', () => {
    const error = configError({ DATABASE_URL: 'mysql://ville:s3cr3t-pass@db.example/ville' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).not.toContain('s3cr3t-pass');
  });

  it('checks the city file: a name and #rrggbb colours', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vo-city-'));
    const noName = path.join(dir, 'no-name.json');
    writeFileSync(noName, JSON.stringify({ colours: { primary: '#123456' } }));
    expect(configError({ CITY_FILE: noName }).variable).toBe('CITY_FILE');
    const badColour = path.join(dir, 'bad-colour.json');
    writeFileSync(badColour, JSON.stringify({ name: 'Lyon', colours: { primary: 'blue' } }));
    expect(configError({ CITY_FILE: badColour }).message).toContain('colours.primary');
    const notJson = path.join(dir, 'not-json.json');
    writeFileSync(notJson, '{ name: ');
    expect(configError({ CITY_FILE: notJson }).variable).toBe('CITY_FILE');
    const good = path.join(dir, 'lyon.json');
    writeFileSync(good, JSON.stringify({ name: 'Ville de Lyon', colours: { primary: '#aa0000' } }));
    const city = loadConfig({ CITY_FILE: good }).city;
    expect(city.name).toBe('Ville de Lyon');
    expect(city.shortName).toBe('Ville de Lyon');
    expect(city.colours.primary).toBe('#aa0000');
  });
});

describe('production refuses the demo shortcuts', () => {
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: goodSecret,
    DATABASE_URL: 'postgres://v@db/v',
  };

  it('refuses the default session secret', () => {
    const { SESSION_SECRET: _, ...rest } = production;
    expect(configError(rest).variable).toBe('SESSION_SECRET');
  });

  it('refuses the demo', () => {
    expect(configError({ ...production, DEMO: 'true' }).variable).toBe('DEMO');
  });

  it('refuses the embedded database', () => {
    const { DATABASE_URL: _, ...rest } = production;
    expect(configError(rest).variable).toBe('DATABASE_URL');
  });

  it('accepts a complete production setup', () => {
    expect(loadConfig(production).env).toBe('production');
  });

  it('lets ALLOW_UNSAFE_PRODUCTION=true through, for a public demo', () => {
    const config = loadConfig({ NODE_ENV: 'production', DEMO: 'true', ALLOW_UNSAFE_PRODUCTION: 'true' });
    expect(config.demo).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });
});

describe('the server with a bad variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['SESSION_SECRET', 'short'],
  ])('prints one line naming %s and exits non-zero', (variable, value) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-config-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' };
    for (const name of ['PORT', 'DATABASE_URL', 'SESSION_SECRET', 'DEMO', 'LOG_LEVEL']) delete env[name];
    env[variable] = value;
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });
});
