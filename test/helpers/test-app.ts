import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/core/config/config.js';
import type { Database } from '../../src/core/db/database.js';
import type { App } from '../../src/core/http/types.js';
import { ImmediateJobQueue, type JobQueue } from '../../src/core/jobs/jobs.js';
import type { CoreServices } from '../../src/core/services.js';
import { createTestDatabase } from './test-database.js';

export interface TestApp {
  app: App;
  core: CoreServices;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/** A whole app on an isolated database, with its outbox in a temporary folder. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { jobs?: JobQueue; database?: Database } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false', ...env });
  const database = options.database ?? (await createTestDatabase());
  const { app, core } = await buildApp(config, {
    database,
    jobs: options.jobs ?? new ImmediateJobQueue(),
    migrate: false,
  });
  await app.ready();
  return {
    app,
    core,
    database,
    config,
    async close() {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}

/** A cookie jar for app.inject: keeps what the server sets, like a browser. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly app: App) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      if (
        cookie.value === '' ||
        (cookie.expires && cookie.expires.getTime() < Date.now()) ||
        cookie.maxAge === 0
      ) {
        this.cookies.delete(cookie.name);
      } else {
        this.cookies.set(cookie.name, cookie.value);
      }
    }
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.keep(response);
    return response;
  }

  /** Posts a form url-encoded, as a browser without JavaScript does. Adds the CSRF token of `formPage` unless `csrf` is false. */
  async post(
    url: string,
    fields: Record<string, string | string[]>,
    options: { csrfFrom?: string; csrf?: boolean } = {},
  ) {
    const body = new URLSearchParams();
    if (options.csrf !== false) {
      const page = await this.get(options.csrfFrom ?? url);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      if (!token) throw new Error(`No CSRF token on ${options.csrfFrom ?? url}`);
      body.append('_csrf', token);
    }
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.keep(response);
    return response;
  }
}
