/**
 * The HTTP plumbing every page and API relies on: security headers, CSRF, health and
 * readiness, API docs, errors as HTML or problem+json, request ids, compression, assets.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/core/db/database.js';
import { createEmptyPostgresDatabase } from '../e2e/server.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { buildProbeApp, type ProbeApp } from './probe-app.js';

let database: Database;
let probe: ProbeApp;

beforeAll(async () => {
  database = await createTestDatabase();
  probe = await buildProbeApp(database);
});

afterAll(async () => {
  await probe?.close();
  await database?.close();
});

const cookiesOf = (response: { cookies: { name: string; value: string }[] }) =>
  response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

describe('security headers', () => {
  it('sends a strict CSP without unsafe-inline, and the usual protections, on an HTML page', async () => {
    for (const url of ['/_probe/form', '/une-page-qui-n-existe-pas']) {
      const response = await probe.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBeTruthy();
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('CSRF', () => {
  it('refuses a form posted without its token with a 403 HTML page', async () => {
    const response = await probe.app.inject({
      method: 'POST',
      url: '/_probe/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x',
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toMatch(/<html[^>]* lang="fr"/);
  });

  it('refuses a token that does not match the cookie', async () => {
    const page = await probe.app.inject({ method: 'GET', url: '/_probe/form' });
    const response = await probe.app.inject({
      method: 'POST',
      url: '/_probe/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
      payload: '_csrf=not-the-token',
    });
    expect(response.statusCode).toBe(403);
  });

  it('accepts the form with the token of its page', async () => {
    const page = await probe.app.inject({ method: 'GET', url: '/_probe/form' });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(token).toBeTruthy();
    const response = await probe.app.inject({
      method: 'POST',
      url: '/_probe/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
      payload: `_csrf=${encodeURIComponent(token as string)}`,
    });
    expect(response.statusCode).toBe(303);
  });

  it('lets API routes that opt out through without a token', async () => {
    const response = await probe.app.inject({ method: 'POST', url: '/_probe/api', payload: {} });
    expect(response.statusCode).toBe(200);
  });
});

describe('health and readiness', () => {
  it('/health answers without touching the database', async () => {
    const response = await probe.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/ready is 200 on a migrated database', async () => {
    const response = await probe.app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready', database: true, pendingMigrations: [] });
  });

  it('/ready is 503 and lists the pending migrations on a database not migrated yet', async () => {
    const empty = process.env.TEST_DATABASE_URL ? await createEmptyPostgresDatabase() : null;
    const bare = await openDatabase(empty ? { databaseUrl: empty.url, poolSize: 2 } : { dataDir: 'memory' });
    const unmigrated = await buildProbeApp(bare, {}, { migrate: false });
    try {
      const response = await unmigrated.app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { status: string; pendingMigrations: string[] };
      expect(body.status).toBe('not_ready');
      expect(body.pendingMigrations).toContain('202611250001_core_foundation');
    } finally {
      await unmigrated.close();
      await bare.close();
      await empty?.drop();
    }
  });
});

describe('errors', () => {
  it('an unknown API path is a 404 application/problem+json', async () => {
    const response = await probe.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json() as Record<string, unknown>;
    expect(problem).toMatchObject({
      status: 404,
      code: 'core.errors.not_found',
      instance: '/api/v1/nothing-here',
    });
    expect(typeof problem.title).toBe('string');
    expect(typeof problem.detail).toBe('string');
  });

  it('an unknown page is a 404 HTML page in the visitor’s language', async () => {
    const fr = await probe.app.inject({ method: 'GET', url: '/nulle-part' });
    expect(fr.statusCode).toBe(404);
    expect(fr.headers['content-type']).toContain('text/html');
    expect(fr.body).toMatch(/<html[^>]* lang="fr"/);
    expect(fr.body).toMatch(/<h1[^>]*>/);
    const en = await probe.app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(en.statusCode).toBe(404);
    expect(en.body).toMatch(/<html[^>]* lang="en"/);
  });

  it('a JSON client gets problem+json even outside /api', async () => {
    const response = await probe.app.inject({
      method: 'GET',
      url: '/nulle-part',
      headers: { accept: 'application/json' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('past a rate limit: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last = null as null | Awaited<ReturnType<typeof probe.app.inject>>;
    for (let i = 0; i < 4; i++) {
      last = await probe.app.inject({ method: 'GET', url: '/_probe/limited' });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('API documentation', () => {
  it('serves the OpenAPI document and its page', async () => {
    const json = await probe.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    const document = json.json() as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    expect(Object.keys(document.paths).some((p) => p.startsWith('/_probe'))).toBe(false);
    const page = await probe.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
    const html =
      page.statusCode === 302 ? await probe.app.inject({ method: 'GET', url: '/api/docs/' }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('swagger');
  });
});

describe('request ids', () => {
  it('gives every response an x-request-id, and keeps the one a proxy sent', async () => {
    const fresh = await probe.app.inject({ method: 'GET', url: '/health' });
    expect(String(fresh.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    const other = await probe.app.inject({ method: 'GET', url: '/health' });
    expect(other.headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);
    const forwarded = await probe.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'lb-1234-abcd' },
    });
    expect(forwarded.headers['x-request-id']).toBe('lb-1234-abcd');
  });
});

describe('compression and assets', () => {
  it('compresses a large page for a client that accepts gzip', async () => {
    const response = await probe.app.inject({
      method: 'GET',
      url: '/_probe/large',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    const html = gunzipSync(response.rawPayload).toString('utf8');
    expect(html).toContain('Ville Ouverte, une plateforme pour la ville.');
    expect(response.rawPayload.length).toBeLessThan(html.length / 5);
  });

  it('compresses a rendered page too (the home page, through the layout)', async () => {
    const plain = await probe.app.inject({ method: 'GET', url: '/' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body.length).toBeGreaterThan(1024); // large enough to be compressed
    const response = await probe.app.inject({
      method: 'GET',
      url: '/',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.rawPayload).toString('utf8')).toMatch(/^<!DOCTYPE html>/i);
  });

  it('serves hashed assets for a year, immutable; unknown assets are 404', async () => {
    const page = await probe.app.inject({ method: 'GET', url: '/' });
    const stylesheet = /href="(\/assets\/[^"]+\.[0-9a-f]{8,}\.css)"/.exec(page.body)?.[1];
    const script = /src="(\/assets\/[^"]+\.[0-9a-f]{8,}\.js)"/.exec(page.body)?.[1];
    expect(stylesheet, 'the layout links a hashed stylesheet').toBeTruthy();
    for (const url of [stylesheet, script].filter(Boolean) as string[]) {
      const asset = await probe.app.inject({ method: 'GET', url });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-type']).toMatch(url.endsWith('.css') ? /text\/css/ : /javascript/);
    }
    const missing = await probe.app.inject({ method: 'GET', url: '/assets/app.0000000000.css' });
    expect(missing.statusCode).toBe(404);
  });
});
