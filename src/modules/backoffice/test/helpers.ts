import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Browser } from '../../../../test/helpers/test-app.js';
import { SESSION_COOKIE } from '../../../core/auth/sessions.js';
import type { App } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';

/** Creates an account directly and returns a Browser signed in as it. */
export async function signedInBrowser(
  app: App,
  core: CoreServices,
  options: { isAdmin?: boolean; email?: string; displayName?: string } = {},
): Promise<{ browser: Browser; userId: string; email: string }> {
  const email = options.email ?? `${randomUUID().slice(0, 8)}@example.test`;
  const user = await core.db
    .insertInto('account_user')
    .values({
      email,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
      is_admin: options.isAdmin ?? false,
      display_name: options.displayName ?? '',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = await core.sessions.create(user.id);
  const browser = new Browser(app);
  // The jar is private to Browser: seed it the way a sign-in response would.
  (browser as unknown as { cookies: Map<string, string> }).cookies.set(SESSION_COOKIE, token);
  return { browser, userId: user.id, email };
}

/** Posts a multipart form (file upload) with the CSRF token of `csrfFrom`, as a browser would. */
export async function postMultipart(
  app: App,
  browser: Browser,
  url: string,
  fields: Record<string, string>,
  file: { field: string; filename: string; content: string | Buffer; type?: string },
  csrfFrom: string,
): Promise<LightMyRequestResponse> {
  const page = await browser.get(csrfFrom);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`No CSRF token on ${csrfFrom}`);
  const boundary = `----vo${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/geo+json'}\r\n\r\n`,
    ),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const jar = (browser as unknown as { cookies: Map<string, string> }).cookies;
  return app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat(parts),
  });
}
