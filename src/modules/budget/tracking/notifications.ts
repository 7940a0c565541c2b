/**
 * Mail about a winner being built: to its followers and to the credited authors of the
 * proposals merged into it, at each milestone and each change of status. Each in their
 * account's language; only accounts that take mail; never an address that used the project's
 * unsubscribe link (signed like the reports' one), nor the agent who made the change.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { recordAudit } from '../../../core/audit/audit.js';
import { NotFoundError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import { formatDate, isLocale, type Locale, type Translate, translator } from '../../../core/i18n/i18n.js';
import { composeMail } from '../../../core/mail/compose.js';
import { queueMail } from '../../../core/mail/send.js';
import type { CoreServices } from '../../../core/services.js';
import type { ImplementationStatus } from '../budget.tables.js';
import * as store from './tracking.store.js';
import { UnsubscribePage } from './views/unsubscribe.js';

/** Full keys, so that the i18n check sees them used. */
export const STATUS_KEYS: Record<ImplementationStatus, string> = {
  studies: 'budget.tracking.status.studies',
  works: 'budget.tracking.status.works',
  delivered: 'budget.tracking.status.delivered',
  abandoned: 'budget.tracking.status.abandoned',
};

export function statusLabel(t: Translate, status: ImplementationStatus | null): string {
  return t(STATUS_KEYS[status ?? 'studies']);
}

/** A calendar day (YYYY-MM-DD) in words, in the reader's language. */
export function dayText(locale: Locale, day: string): string {
  return formatDate(locale, new Date(`${day}T12:00:00Z`));
}

// ---- unsubscribe tokens -------------------------------------------------------------------

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`budget.tracking.unsubscribe:${payload}`).digest();
}

/** base64url(projectId + email) '.' base64url(HMAC-SHA256). */
export function unsubscribeToken(secret: string, projectId: string, email: string): string {
  const payload = `${projectId}${email.trim().toLowerCase()}`;
  return `${Buffer.from(payload).toString('base64url')}.${sign(secret, payload).toString('base64url')}`;
}

/** The project id and e-mail of a genuine token; null for anything forged or malformed. */
export function verifyUnsubscribeToken(
  secret: string,
  token: string,
): { projectId: string; email: string } | null {
  const [data, mac, extra] = token.split('.');
  if (!data || !mac || extra !== undefined) return null;
  const payload = Buffer.from(data, 'base64url').toString();
  const expected = sign(secret, payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const projectId = payload.slice(0, 36);
  const email = payload.slice(36);
  if (!store.isUuid(projectId) || !email.includes('@')) return null;
  return { projectId, email };
}

export const UNSUBSCRIBE_PATH = '/budget/realisations/desabonnement';

export function unsubscribeUrl(core: Pick<CoreServices, 'config'>, projectId: string, email: string): string {
  return `${core.config.publicUrl}${UNSUBSCRIBE_PATH}/${unsubscribeToken(core.config.sessionSecret, projectId, email)}`;
}

export function projectPath(campaignSlug: string, number: number): string {
  return `/budget/${encodeURIComponent(campaignSlug)}/projets/${number}`;
}

// ---- recipients ---------------------------------------------------------------------------

interface Recipient {
  email: string;
  locale: Locale;
}

async function recipientsOf(core: CoreServices, projectId: string, exceptUserId?: string | null) {
  const [followers, authors, optouts] = await Promise.all([
    store.selectFollowerRecipients(core.db, projectId),
    store.selectAuthorRecipients(core.db, projectId),
    store.selectOptouts(core.db, projectId),
  ]);
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  for (const person of [...followers, ...authors]) {
    const address = person.email.trim().toLowerCase();
    if (!address || seen.has(address) || optouts.has(address)) continue;
    if (exceptUserId && person.user_id === exceptUserId) continue;
    seen.add(address);
    recipients.push({ email: address, locale: isLocale(person.locale) ? person.locale : 'fr' });
  }
  return recipients;
}

/** What changed, as the mail tells it. */
export type TrackingChange =
  | {
      kind: 'milestone';
      title: string;
      description: string;
      day: string;
      reached: boolean;
      statusTo: ImplementationStatus | null;
      progress: number | null;
    }
  | { kind: 'status'; to: ImplementationStatus; progress: number; reason: string };

function content(
  t: Translate,
  locale: Locale,
  project: { number: number; title: string },
  change: TrackingChange,
): { subject: string; paragraphs: string[] } {
  const names = { number: project.number, project: project.title };
  if (change.kind === 'status') {
    const status = statusLabel(t, change.to);
    const paragraphs = [t('budget.tracking.mail.status.body', { ...names, status })];
    if (change.to === 'abandoned' && change.reason)
      paragraphs.push(t('budget.tracking.mail.reason', { reason: change.reason }));
    else if (change.to !== 'abandoned')
      paragraphs.push(t('budget.tracking.mail.progress', { progress: change.progress }));
    return { subject: t('budget.tracking.mail.status.subject', { ...names, status }), paragraphs };
  }
  const date = dayText(locale, change.day);
  const paragraphs = [
    change.reached
      ? t('budget.tracking.mail.milestone.reached', { ...names, milestone: change.title, date })
      : t('budget.tracking.mail.milestone.planned', { ...names, milestone: change.title, date }),
  ];
  if (change.description) paragraphs.push(change.description);
  if (change.statusTo)
    paragraphs.push(t('budget.tracking.mail.milestone.status', { status: statusLabel(t, change.statusTo) }));
  if (change.progress !== null)
    paragraphs.push(t('budget.tracking.mail.progress', { progress: change.progress }));
  return {
    subject: t('budget.tracking.mail.milestone.subject', { ...names, milestone: change.title }),
    paragraphs,
  };
}

/** Mails the followers and credited authors of a project; returns how many mails were queued. */
export async function notifyTrackingChange(
  core: CoreServices,
  projectId: string,
  change: TrackingChange,
  options: { exceptUserId?: string | null } = {},
): Promise<number> {
  const project = await store.selectProject(core.db, projectId);
  if (!project?.campaign_published) return 0;
  const recipients = await recipientsOf(core, projectId, options.exceptUserId);
  const url = `${core.config.publicUrl}${projectPath(project.campaign_slug, project.number)}`;
  for (const recipient of recipients) {
    const t = translator(recipient.locale);
    const mail = content(t, recipient.locale, project, change);
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: recipient.email,
        subject: mail.subject,
        paragraphs: mail.paragraphs,
        action: { label: t('budget.tracking.mail.view_project'), url },
        unsubscribeUrl: unsubscribeUrl(core, projectId, recipient.email),
      }),
    );
  }
  return recipients.length;
}

// ---- the unsubscribe page -----------------------------------------------------------------

/** GET shows what the link stops and asks to confirm; POST stops the mail about this project to this address. */
export function registerTrackingUnsubscribe(app: App, core: CoreServices): void {
  // A wildcard: a token carries the e-mail address and may pass the router's parameter limit.
  const path = `${UNSUBSCRIBE_PATH}/*`;
  const tokenOf = (request: { params: unknown }) => {
    const token = (request.params as Record<string, string | undefined>)['*'] ?? '';
    if (token.length > 1000) throw new NotFoundError('budget.tracking.unsubscribe.invalid');
    return token;
  };
  async function resolve(token: string) {
    const decoded = verifyUnsubscribeToken(core.config.sessionSecret, token);
    if (!decoded) throw new NotFoundError('budget.tracking.unsubscribe.invalid');
    const project = await store.selectProject(core.db, decoded.projectId);
    if (!project) throw new NotFoundError('budget.tracking.unsubscribe.invalid');
    return { ...decoded, project };
  }

  app.get(path, { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const { project } = await resolve(token);
    return reply.page(
      UnsubscribePage({
        ctx: reply.ctx(),
        action: `${UNSUBSCRIBE_PATH}/${token}`,
        number: project.number,
        title: project.title,
      }),
    );
  });

  app.post(path, { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const { projectId, email, project } = await resolve(token);
    await core.db.transaction().execute(async (tx) => {
      await store.optOut(tx, projectId, email);
      await recordAudit(tx, request.actor(), {
        action: 'budget.tracking.unsubscribed',
        objectType: 'budget_project',
        objectId: projectId,
        details: { campaign: project.campaign_slug, number: project.number },
      });
    });
    return reply.redirectWithFlash(
      projectPath(project.campaign_slug, project.number),
      'budget.tracking.unsubscribe.done',
    );
  });
}
