import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A configuration problem: the server stops with this one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    got?: string,
  ) {
    super(`${variable}: expected ${expected}${got === undefined ? '' : `, got "${got}"`}`);
    this.name = 'ConfigError';
  }
}

export interface CityTheme {
  /** Shown in the header and in mails. */
  name: string;
  /** Short name used in references and titles. */
  shortName: string;
  /** Path under /public or an absolute URL; empty for the text logo. */
  logo: string;
  colours: { primary: string; primaryDark: string; accent: string };
  map: { center: [number, number]; zoom: number; tileUrl: string; tileAttribution: string };
  /** Layer id of the areas that name the city's districts (e.g. arrondissements). */
  districtLayer: string;
  contactEmail: string;
  /**
   * Reports module: photos wait for an agent's review before being public (default true);
   * the city's contractors, offered when a report is handed to a third party (default none).
   */
  reports: { photoReview: boolean; contractors: { id: string; name: string }[] };
}

export type Environment = 'development' | 'production' | 'test';

export interface Config {
  env: Environment;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  demo: boolean;
  trustProxy: boolean;
  /** 'process' runs jobs inside the web process; 'none' leaves them to `ville worker`. */
  jobsIn: 'process' | 'none';
  logLevel: string;
  modules: string[];
  city: CityTheme;
}

export const DEFAULT_SESSION_SECRET = 'ville-ouverte-development-secret-change-me-please';
export const KNOWN_MODULES = ['reports', 'budget', 'consultations', 'procedures', 'opendata'] as const;

const projectRoot = path.resolve(import.meta.dirname, '../../..');
export const resourcesDir = path.join(projectRoot, 'resources');

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `an integer between ${min} and ${max}`, raw);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `an integer between ${min} and ${max}`, raw);
  return value;
}

function readBool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function readUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redact(raw));
  }
  if (!protocols.includes(url.protocol))
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redact(raw));
  return raw;
}

/** Never echo a password back into a log line. */
function redact(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

const hexColour = /^#[0-9a-fA-F]{6}$/;

export function loadCity(file: string | undefined): CityTheme {
  const source = file ?? path.join(resourcesDir, 'city', 'paris.json');
  if (!existsSync(source)) throw new ConfigError('CITY_FILE', 'a path to a city JSON file', file);
  let data: Partial<CityTheme> & {
    colours?: Partial<CityTheme['colours']>;
    map?: Partial<CityTheme['map']>;
    reports?: Partial<CityTheme['reports']>;
  };
  try {
    data = JSON.parse(readFileSync(source, 'utf8'));
  } catch {
    throw new ConfigError('CITY_FILE', 'a readable JSON file', file);
  }
  const fail = (what: string): never => {
    throw new ConfigError('CITY_FILE', `${what} in ${source}`);
  };
  if (typeof data.name !== 'string' || data.name.trim() === '') fail('a "name"');
  const colours = { primary: '#1f4e9c', primaryDark: '#163a75', accent: '#d2372c', ...data.colours };
  for (const [key, value] of Object.entries(colours)) {
    if (!hexColour.test(value)) fail(`"colours.${key}" as #rrggbb`);
  }
  const map = {
    center: [48.8566, 2.3522] as [number, number],
    zoom: 12,
    tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    tileAttribution: '© OpenStreetMap',
    ...data.map,
  };
  if (!Array.isArray(map.center) || map.center.length !== 2 || !map.center.every(Number.isFinite)) {
    fail('"map.center" as [latitude, longitude]');
  }
  const contractors = data.reports?.contractors ?? [];
  if (
    !Array.isArray(contractors) ||
    !contractors.every(
      (c) =>
        typeof c?.id === 'string' &&
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(c.id) &&
        typeof c.name === 'string' &&
        c.name.trim() !== '' &&
        c.name.length <= 200,
    ) ||
    new Set(contractors.map((c) => c.id)).size !== contractors.length
  ) {
    fail('"reports.contractors" as a list of {"id", "name"} with distinct ids');
  }
  return {
    name: data.name as string,
    shortName: data.shortName ?? (data.name as string),
    logo: data.logo ?? '',
    colours,
    map,
    districtLayer: data.districtLayer ?? 'arrondissements',
    contactEmail: data.contactEmail ?? 'contact@example.org',
    reports: {
      photoReview: data.reports?.photoReview !== false,
      contractors: contractors.map((c) => ({ id: c.id, name: c.name.trim() })),
    },
  };
}

/** Reads and validates the whole configuration; throws one ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', 'development, production or test', nodeEnv);
  }
  const production = nodeEnv === 'production';
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || (production ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDir = path.resolve(env.DATA_DIR || path.join(projectRoot, 'data'));
  const sessionSecret = env.SESSION_SECRET || DEFAULT_SESSION_SECRET;
  if (sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'at least 32 characters');
  const smtpUrl = readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const demo = readBool(env, 'DEMO', !production);
  const allowUnsafe = readBool(env, 'ALLOW_UNSAFE_PRODUCTION', false);
  if (production && !allowUnsafe) {
    if (demo) throw new ConfigError('DEMO', 'false in production (demo accounts are public)', 'true');
    if (sessionSecret === DEFAULT_SESSION_SECRET) {
      throw new ConfigError('SESSION_SECRET', 'a secret of your own in production');
    }
    if (!databaseUrl) {
      throw new ConfigError(
        'DATABASE_URL',
        'a PostgreSQL URL in production (the embedded database is for a demo)',
      );
    }
  }
  const jobsIn = env.JOBS_IN || 'process';
  if (jobsIn !== 'process' && jobsIn !== 'none') throw new ConfigError('JOBS_IN', 'process or none', jobsIn);
  const modulesRaw = env.MODULES;
  const modules = modulesRaw ? modulesRaw.split(',').map((m) => m.trim()) : [...KNOWN_MODULES];
  for (const name of modules) {
    if (!(KNOWN_MODULES as readonly string[]).includes(name)) {
      throw new ConfigError(
        'MODULES',
        `a comma-separated list among ${KNOWN_MODULES.join(', ')}`,
        modulesRaw,
      );
    }
  }
  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', 'fatal, error, warn, info, debug, trace or silent', logLevel);
  }
  return {
    env: nodeEnv as Environment,
    port,
    host,
    publicUrl: publicUrl.replace(/\/$/, ''),
    databaseUrl,
    dataDir,
    sessionSecret,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Ville Ouverte <no-reply@localhost>',
    demo,
    trustProxy: readBool(env, 'TRUST_PROXY', false),
    jobsIn,
    logLevel,
    modules,
    city: loadCity(env.CITY_FILE || undefined),
  };
}
