import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Viewer } from '../auth/viewer.js';
import { NotFoundError } from '../http/errors.js';
import type { App } from '../http/types.js';
import type { CoreServices } from '../services.js';
import type { PageContext } from '../views/context.js';
import { Layout } from '../views/layout.js';
import { listOutbox, type OutboxEntry, type OutboxMessage, readOutboxMessage } from './outbox.js';

/** Administrators read the outbox; in demo mode, anyone (developers read sign-in links there). */
export function assertCanReadOutbox(core: CoreServices, viewer: Viewer | null): void {
  if (core.config.demo) return;
  core.permissions.assert(viewer, 'mail.outbox.read');
}

export function outboxDir(core: CoreServices): string {
  return path.join(core.config.dataDir, 'outbox');
}

const FileParams = Type.Object({ file: Type.String({ maxLength: 240 }) });

/** What the HTML part of a mail may do inside its frame: show itself, nothing else. */
const MAIL_HTML_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

export function registerOutboxRoutes(app: App, core: CoreServices): void {
  app.get('/admin/courriels', { schema: { hide: true } }, async (request, reply) => {
    assertCanReadOutbox(core, request.viewer);
    const entries = await listOutbox(outboxDir(core));
    return reply.page(<OutboxListPage ctx={reply.ctx()} entries={entries} />);
  });

  app.get(
    '/admin/courriels/:file',
    { schema: { hide: true, params: FileParams } },
    async (request, reply) => {
      assertCanReadOutbox(core, request.viewer);
      const message = await readOutboxMessage(outboxDir(core), request.params.file);
      if (!message) throw new NotFoundError();
      return reply.page(<OutboxMessagePage ctx={reply.ctx()} message={message} />);
    },
  );

  // The HTML part, served alone under a `sandbox` CSP (no script, no same-origin access),
  // and shown in a sandboxed frame: it is never put into one of our pages.
  app.get(
    '/admin/courriels/:file/html',
    { schema: { hide: true, params: FileParams } },
    async (request, reply) => {
      assertCanReadOutbox(core, request.viewer);
      const message = await readOutboxMessage(outboxDir(core), request.params.file);
      if (!message?.html) throw new NotFoundError();
      return reply
        .header('content-security-policy', MAIL_HTML_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .header('content-type', 'text/html; charset=utf-8')
        .send(message.html);
    },
  );
}

function formatDate(ctx: PageContext, date: Date): string {
  return new Intl.DateTimeFormat(ctx.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(date);
}

function OutboxListPage({ ctx, entries }: { ctx: PageContext; entries: OutboxEntry[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('core.mail.outbox.title')} area="backoffice">
      <h1>{t('core.mail.outbox.title')}</h1>
      <p>{t('core.mail.outbox.intro')}</p>
      {ctx.demo && <p class="banner banner--info">{t('core.mail.outbox.demo_notice')}</p>}
      {entries.length === 0 ? (
        <p>{t('core.mail.outbox.empty')}</p>
      ) : (
        <table class="table">
          <caption>{t('core.mail.outbox.count', { count: entries.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('core.mail.outbox.date')}</th>
              <th scope="col">{t('core.mail.outbox.to')}</th>
              <th scope="col">{t('core.mail.outbox.subject')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.file}>
                <td>
                  <time dateTime={entry.date.toISOString()}>{formatDate(ctx, entry.date)}</time>
                </td>
                <td>{entry.to}</td>
                <td>
                  <a href={`/admin/courriels/${encodeURIComponent(entry.file)}`}>
                    {entry.subject || t('core.mail.outbox.no_subject')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function OutboxMessagePage({ ctx, message }: { ctx: PageContext; message: OutboxMessage }) {
  const { t } = ctx;
  const subject = message.subject || t('core.mail.outbox.no_subject');
  return (
    <Layout ctx={ctx} title={subject} area="backoffice">
      <p>
        <a href="/admin/courriels">{t('core.mail.outbox.back')}</a>
      </p>
      <h1>{subject}</h1>
      <dl class="summary-list">
        <dt>{t('core.mail.outbox.date')}</dt>
        <dd>
          <time dateTime={message.date.toISOString()}>{formatDate(ctx, message.date)}</time>
        </dd>
        <dt>{t('core.mail.outbox.from')}</dt>
        <dd>{message.from}</dd>
        <dt>{t('core.mail.outbox.to')}</dt>
        <dd>{message.to}</dd>
      </dl>
      {message.text !== null && (
        <section aria-labelledby="mail-text">
          <h2 id="mail-text">{t('core.mail.outbox.text_body')}</h2>
          <pre class="mail-text">{message.text}</pre>
        </section>
      )}
      {message.html !== null && (
        <section aria-labelledby="mail-html">
          <h2 id="mail-html">{t('core.mail.outbox.html_body')}</h2>
          <iframe
            src={`/admin/courriels/${encodeURIComponent(message.file)}/html`}
            title={t('core.mail.outbox.html_frame_title')}
            sandbox=""
            width="100%"
            height="480"
          />
        </section>
      )}
    </Layout>
  );
}
