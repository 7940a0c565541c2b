/**
 * The server as an operator runs it (`node --import tsx src/main.ts`): a second process on
 * the same embedded data folder is refused with a clear message, and SIGTERM lets the
 * request in flight finish before the process exits 0.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../e2e/server.js';

/**
 * A request that stays in flight as long as we like: the headers announce a body that
 * arrives in two halves. Resolves with the raw response once the server answers.
 */
function slowRequest(port: number, path: string) {
  const body = 'email=slow%40example.org&password=x';
  const half = Math.floor(body.length / 2);
  const socket = connect({ port, host: '127.0.0.1' });
  let response = '';
  const answered = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk) => {
      response += chunk.toString();
    });
    socket.on('end', () => resolve(response));
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
  });
  const started = new Promise<void>((resolve) => {
    socket.on('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
        () => resolve(),
      );
    });
  });
  return {
    started,
    finish: () => socket.write(body.slice(half)),
    answered,
  };
}

describe('the server process on the embedded database', () => {
  let server: ServerProcess;

  // The embedded database migrates in WebAssembly at start: slow when the machine is busy.
  beforeAll(async () => {
    server = await startServer({ demo: false, postgres: false, readyTimeoutMs: 110_000 });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a second process on the same data folder, with a clear message', async () => {
    const second = await startServer({
      demo: false,
      postgres: false,
      dataDir: server.dataDir,
      waitReady: false,
    });
    const code = await Promise.race([
      second.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    if (code === 'still running') await second.stop();
    expect(code).not.toBe('still running');
    expect(code).not.toBe(0);
    expect(second.output()).toContain('already used by another Ville Ouverte process');
    expect(second.output()).toContain(`pid ${server.child.pid}`);
    expect(second.output()).toContain('DATABASE_URL');
    // The first one is unharmed.
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
  });

  it('on SIGTERM, finishes the request in flight, then exits 0', async () => {
    const request = slowRequest(server.port, '/connexion');
    await request.started;
    await new Promise((r) => setTimeout(r, 300)); // the server has read the headers
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500)); // it is closing, the request still open
    request.finish();
    const response = await request.answered;
    // Any complete HTTP answer shows the request was served, not cut (a 403 for the missing CSRF token is fine).
    expect(response).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(response).not.toMatch(/^HTTP\/1\.1 503 /);
    const code = await server.exited;
    expect(code).toBe(0);
    expect(server.output()).toContain('shutting down');
  });
});
