/**
 * The Open311 client of the standard, over a real socket: the app listens on 127.0.0.1 and the
 * client only uses fetch with what the spec describes (discovery, services, definition,
 * multipart POST with an attribute and a photo, GET of the request until it is closed). The
 * agent who fixes the problem works through the workflow, as in the back office.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { loadViewer } from '../../../core/auth/viewer.js';
import { createApiKey } from '../api-keys.js';
import { actOnReport } from '../reports.agent.service.js';
import { createR4World, jpegPhoto, type R4World } from './r4-fixtures.js';

let t: TestApp;
let world: R4World;
let key: string;
let origin: string;

beforeAll(async () => {
  t = await createTestApp();
  world = await createR4World(t.core);
  key = (await createApiKey(t.core, 'Client Open311', { userId: world.adminId, label: 'test' })).key;
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

interface Endpoint {
  url: string;
  formats: string[];
}

describe('an Open311 client over HTTP', () => {
  it('discovers the services, files a request with an attribute and a photo, and follows it to closed', async () => {
    // The only address the client knows: the discovery document.
    const discovery = (await (await fetch(`${origin}/open311/v2/discovery.json`)).json()) as {
      endpoints: Endpoint[];
    };
    const endpoint = discovery.endpoints.find((e) => e.formats.includes('application/json'));
    expect(endpoint).toBeDefined();
    // The configured public address names the API; this test server answers on its own port.
    const base = `${origin}${new URL(endpoint!.url).pathname}`;

    const services = (await (await fetch(`${base}/services.json`)).json()) as {
      service_code: string;
      metadata: boolean;
    }[];
    const withQuestions = services.find((s) => s.metadata);
    expect(withQuestions?.service_code).toBe(world.leafId);
    const definition = (await (
      await fetch(`${base}/services/${withQuestions!.service_code}.json`)
    ).json()) as {
      attributes: { code: string; required: boolean; values?: { key: string }[] }[];
    };
    const required = definition.attributes.find((a) => a.required)!;
    expect(required.values?.length).toBeGreaterThan(0);

    const form = new FormData();
    form.set('api_key', key);
    form.set('service_code', withQuestions!.service_code);
    form.set('lat', '48.8462');
    form.set('long', '2.3464');
    form.set('description', 'Un matelas <script>alert(1)</script> sur le trottoir');
    form.set(`attribute[${required.code}]`, required.values![0]!.key);
    form.set('email', 'client@example.test');
    form.set('media', new Blob([new Uint8Array(await jpegPhoto())], { type: 'image/jpeg' }), 'photo.jpg');
    const created = await fetch(`${base}/requests.json`, { method: 'POST', body: form });
    expect(created.status).toBe(200);
    const [answer] = (await created.json()) as { service_request_id: string }[];
    const id = answer!.service_request_id;
    expect(id).toMatch(/^[A-Z]+-\d{4}-\d{6}$/);

    const read = async () => {
      const response = await fetch(`${base}/requests/${id}.json`);
      expect(response.status).toBe(200);
      const [request] = (await response.json()) as {
        status: string;
        description: string;
        media_url?: string;
      }[];
      return request!;
    };
    const open = await read();
    expect(open.status).toBe('open');
    expect(open.description).toContain('<script>');
    // The photo waits for an agent's review before it is public.
    expect(open.media_url ?? null).toBeNull();
    const xml = await (await fetch(`${base}/requests/${id}.xml`)).text();
    expect(xml).toContain('&lt;script&gt;');
    expect(xml).not.toContain('<script>');

    const report = await t.core.db
      .selectFrom('report_report')
      .select('id')
      .where('reference', '=', id)
      .executeTakeFirstOrThrow();
    const agent = await loadViewer(t.core.db, world.agentId);
    await actOnReport(
      t.core,
      agent,
      report.id,
      'mark_done',
      { note: 'Enlevé' },
      { userId: world.agentId, label: 'test' },
    );

    const closed = await read();
    expect(closed.status).toBe('closed');
    const closedList = (await (await fetch(`${base}/requests.json?status=closed`)).json()) as {
      service_request_id: string;
    }[];
    expect(closedList.map((r) => r.service_request_id)).toContain(id);
  });
});
