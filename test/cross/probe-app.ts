/**
 * A whole app (buildApp, on a test database) with a few probe routes added before it starts,
 * to test the plumbing every page relies on without depending on one module's pages.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/core/config/config.js';
import type { Database } from '../../src/core/db/database.js';
import type { App } from '../../src/core/http/types.js';
import { ImmediateJobQueue } from '../../src/core/jobs/jobs.js';
import type { CoreServices } from '../../src/core/services.js';

export const PROBE_LIMIT = { name: 'probe', max: 3, windowSeconds: 60 };

export interface ProbeApp {
  app: App;
  core: CoreServices;
  config: Config;
  close(): Promise<void>;
}

export async function buildProbeApp(
  database: Database,
  env: Record<string, string> = {},
  options: { migrate?: boolean } = {},
): Promise<ProbeApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-probe-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false', ...env });
  const { app, core } = await buildApp(config, {
    database,
    jobs: new ImmediateJobQueue(),
    migrate: options.migrate ?? false,
  });

  // A form and its target: the CSRF check applies to every non-GET route.
  app.get('/_probe/form', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="fr"><title>probe</title><form method="post"><input type="hidden" name="_csrf" value="${reply.generateCsrf()}"><button>ok</button></form></html>`,
      ),
  );
  app.post('/_probe/form', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/', 303));
  app.post('/_probe/api', { schema: { hide: true }, config: { csrf: false } }, async () => ({ ok: true }));

  // Who the session cookie says we are.
  app.get('/_probe/whoami', { schema: { hide: true } }, async (request) => ({
    userId: request.viewer?.id ?? null,
  }));

  // A rate-limited route: PROBE_LIMIT per subject, counted in the database.
  app.get('/_probe/limited', { schema: { hide: true } }, async () => {
    await core.rateLimiter.consume(PROBE_LIMIT, 'everyone');
    return { ok: true };
  });

  // A large HTML page, to see compression at work.
  app.get('/_probe/large', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="fr"><title>large</title>${'<p>Ville Ouverte, une plateforme pour la ville.</p>'.repeat(400)}</html>`,
      ),
  );

  await app.ready();
  return {
    app,
    core,
    config,
    async close() {
      await app.close();
    },
  };
}

/** Creates a user row directly (the accounts service may not be there in every setup). */
export async function insertUser(core: CoreServices, email: string): Promise<string> {
  const row = await core.db
    .insertInto('account_user')
    .values({ email, email_verified_at: new Date(), password_hash: null, deleted_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
