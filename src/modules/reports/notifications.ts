/**
 * Mail about reports: the acknowledgement after a submission, a mail to the reporter and the
 * followers on each public change, the unsubscribe link and its page, the daily digest of late
 * reports per service and the escalation of late reports to the service's managers.
 *
 * Who is mailed about a change: the reporter when they gave an e-mail (a registered reporter
 * only if their account says notify_by_email), and followers whose account says
 * notify_by_email; never an address that used this report's unsubscribe link; each in their
 * account's language; a reporter without an account in the language they used on the site
 * (French when unknown, e.g. Open311).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { h, type VNode } from 'preact';
import { type Actor, recordAudit, systemActor } from '../../core/audit/audit.js';
import { NotFoundError } from '../../core/http/errors.js';
import type { App } from '../../core/http/types.js';
import { isLocale, type Locale, type Translate, translator } from '../../core/i18n/i18n.js';
import { composeMail } from '../../core/mail/compose.js';
import { queueMail } from '../../core/mail/send.js';
import type { CoreServices } from '../../core/services.js';
import { Button, Form } from '../../core/views/components/form.js';
import type { PageContext } from '../../core/views/context.js';
import { Layout } from '../../core/views/layout.js';
import { PATH_SEPARATOR } from './domain/categories.js';
import { isReportState, type ReportState } from './domain/workflow.js';
import * as store from './reports.agent.store.js';
import './reports.tables.js';

export const DAILY_DIGEST_JOB = 'reports.daily-digest';
export const ESCALATE_LATE_JOB = 'reports.escalate-late';
/** How often each worker process asks for the digest and the escalation (both are idempotent). */
const SCHEDULE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Paris hour from which the day's digest may go. */
const DIGEST_HOUR = 7;

/** A public change the reporter and followers are told about. */
export type ReportChange =
  | { kind: 'status'; from: string; to: string; reasonCode?: string; note?: string }
  | { kind: 'message'; text: string }
  | { kind: 'transferred'; fromService: string | null; toService: string }
  | { kind: 'after_fix' }
  | { kind: 'reopened'; message: string };

const STATE_KEYS: Record<ReportState, string> = {
  new: 'reports.mail.state.new',
  to_process: 'reports.mail.state.to_process',
  scheduled: 'reports.mail.state.scheduled',
  done: 'reports.mail.state.done',
  rejected: 'reports.mail.state.rejected',
  duplicate: 'reports.mail.state.duplicate',
  transferred_third_party: 'reports.mail.state.transferred_third_party',
  watched: 'reports.mail.state.watched',
  archived: 'reports.mail.state.archived',
};

const REASON_KEYS: Record<string, string> = {
  not_city_responsibility: 'reports.reject_reason.not_city_responsibility',
  private_property: 'reports.reject_reason.private_property',
  not_found: 'reports.reject_reason.not_found',
  already_fixed: 'reports.reject_reason.already_fixed',
  other: 'reports.reject_reason.other',
};

export function stateLabel(t: Translate, state: string): string {
  return isReportState(state) ? t(STATE_KEYS[state]) : state;
}

function reasonLabel(t: Translate, code: string): string {
  const key = REASON_KEYS[code];
  return key ? t(key) : code;
}

// ---- unsubscribe tokens -------------------------------------------------------------------

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`reports.unsubscribe:${payload}`).digest();
}

/** base64url(reportId + email) '.' base64url(HMAC-SHA256(sessionSecret)). */
export function unsubscribeToken(secret: string, reportId: string, email: string): string {
  const payload = `${reportId}${email.trim().toLowerCase()}`;
  return `${Buffer.from(payload).toString('base64url')}.${sign(secret, payload).toString('base64url')}`;
}

/** The report id and e-mail of a genuine token; null for anything forged or malformed. */
export function verifyUnsubscribeToken(
  secret: string,
  token: string,
): { reportId: string; email: string } | null {
  const [data, mac, extra] = token.split('.');
  if (!data || !mac || extra !== undefined) return null;
  const payload = Buffer.from(data, 'base64url').toString();
  const expected = sign(secret, payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const reportId = payload.slice(0, 36);
  const email = payload.slice(36);
  if (!store.isUuid(reportId) || !email.includes('@')) return null;
  return { reportId, email };
}

export function unsubscribeUrl(core: Pick<CoreServices, 'config'>, reportId: string, email: string): string {
  return `${core.config.publicUrl}/signalements/desabonnement/${unsubscribeToken(core.config.sessionSecret, reportId, email)}`;
}

function reportUrl(core: Pick<CoreServices, 'config'>, reference: string): string {
  return `${core.config.publicUrl}/signalements/${encodeURIComponent(reference)}`;
}

// ---- recipients ---------------------------------------------------------------------------

interface Recipient {
  email: string;
  locale: Locale;
  userId: string | null;
}

function localeOf(value: string | null | undefined): Locale {
  return isLocale(value) ? value : 'fr';
}

async function recipientsOf(
  core: CoreServices,
  reportId: string,
  options: { exceptUserId?: string; followers: boolean },
) {
  const target = await store.findNotificationTarget(core.db, reportId);
  if (!target) return null;
  const optouts = await store.listOptouts(core.db, target.id);
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  const add = (email: string | null | undefined, locale: Locale, userId: string | null) => {
    const address = email?.trim().toLowerCase();
    if (!address || seen.has(address) || optouts.has(address)) return;
    if (userId && userId === options.exceptUserId) return;
    seen.add(address);
    recipients.push({ email: address, locale, userId });
  };
  if (target.reporter_user_id) {
    if (target.account_notify) {
      add(
        target.reporter_email || target.account_email,
        localeOf(target.account_locale),
        target.reporter_user_id,
      );
    }
  } else {
    add(target.reporter_email, localeOf(target.reporter_locale), null);
  }
  if (options.followers) {
    for (const follower of await store.listFollowerRecipients(core.db, target.id)) {
      add(follower.email, localeOf(follower.locale), follower.id);
    }
  }
  return { target, recipients };
}

function changeContent(
  t: Translate,
  reference: string,
  change: ReportChange,
): { subject: string; paragraphs: string[] } {
  switch (change.kind) {
    case 'status': {
      const paragraphs = [t('reports.mail.status.body', { reference, state: stateLabel(t, change.to) })];
      if (change.reasonCode)
        paragraphs.push(t('reports.mail.status.reason', { reason: reasonLabel(t, change.reasonCode) }));
      if (change.note) paragraphs.push(t('reports.mail.status.note', { note: change.note }));
      return {
        subject: t('reports.mail.status.subject', { reference, state: stateLabel(t, change.to) }),
        paragraphs,
      };
    }
    case 'message':
      return {
        subject: t('reports.mail.message.subject', { reference }),
        paragraphs: [t('reports.mail.message.body', { reference }), change.text],
      };
    case 'transferred':
      return {
        subject: t('reports.mail.transferred.subject', { reference }),
        paragraphs: [t('reports.mail.transferred.body', { reference, service: change.toService })],
      };
    case 'after_fix':
      return {
        subject: t('reports.mail.after_fix.subject', { reference }),
        paragraphs: [t('reports.mail.after_fix.body', { reference })],
      };
    case 'reopened':
      return {
        subject: t('reports.mail.reopened.subject', { reference }),
        paragraphs: [t('reports.mail.reopened.body', { reference }), change.message],
      };
  }
}

/** Mails the reporter and the followers about a public change. Returns how many mails were queued. */
export async function notifyReportChange(
  core: CoreServices,
  reportId: string,
  change: ReportChange,
  options: { exceptUserId?: string } = {},
): Promise<number> {
  const found = await recipientsOf(core, reportId, { ...options, followers: true });
  if (!found) return 0;
  const { target, recipients } = found;
  for (const recipient of recipients) {
    const t = translator(recipient.locale);
    const content = changeContent(t, target.reference, change);
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: recipient.email,
        subject: content.subject,
        paragraphs: content.paragraphs,
        action: { label: t('reports.mail.view_report'), url: reportUrl(core, target.reference) },
        unsubscribeUrl: unsubscribeUrl(core, target.id, recipient.email),
      }),
    );
  }
  return recipients.length;
}

/** Acknowledgement to the reporter after a submission (reference and link). R1 calls it after submit. */
export async function notifyReportCreated(core: CoreServices, reportId: string): Promise<void> {
  const found = await recipientsOf(core, reportId, { followers: false });
  if (!found) return;
  const { target, recipients } = found;
  for (const recipient of recipients) {
    const t = translator(recipient.locale);
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: recipient.email,
        subject: t('reports.mail.created.subject', { reference: target.reference }),
        paragraphs: [
          t('reports.mail.created.body', { reference: target.reference }),
          t('reports.mail.created.updates'),
        ],
        action: { label: t('reports.mail.view_report'), url: reportUrl(core, target.reference) },
        unsubscribeUrl: unsubscribeUrl(core, target.id, recipient.email),
      }),
    );
  }
}

// ---- the unsubscribe page -----------------------------------------------------------------

function unsubscribePage(ctx: PageContext, t: Translate, token: string, reference: string): VNode {
  const title = t('reports.unsubscribe.title');
  return h(Layout, {
    ctx,
    title,
    children: [
      h('h1', null, title),
      h('p', null, t('reports.unsubscribe.intro', { reference })),
      h(Form, {
        ctx,
        action: `/signalements/desabonnement/${token}`,
        children: h(Button, { children: t('reports.unsubscribe.submit') }),
      }),
    ],
  }) as VNode;
}

/** GET shows what the link stops and asks to confirm; POST stops the mail about this report to this address. */
export async function registerReportNotificationRoutes(app: App, core: CoreServices): Promise<void> {
  // A wildcard, not `:token`: a token carries the e-mail address and may pass the router's
  // 100-character limit on named parameters (414).
  const path = '/signalements/desabonnement/*';
  const tokenOf = (request: { params: unknown }) => {
    const token = (request.params as Record<string, string | undefined>)['*'] ?? '';
    if (token.length > 1000) throw new NotFoundError('reports.unsubscribe.invalid');
    return token;
  };

  async function resolve(token: string) {
    const decoded = verifyUnsubscribeToken(core.config.sessionSecret, token);
    if (!decoded) throw new NotFoundError('reports.unsubscribe.invalid');
    const target = await store.findNotificationTarget(core.db, decoded.reportId);
    if (!target) throw new NotFoundError('reports.unsubscribe.invalid');
    return { ...decoded, reference: target.reference };
  }

  app.get(path, async (request, reply) => {
    const token = tokenOf(request);
    const { reference } = await resolve(token);
    return reply.page(unsubscribePage(reply.ctx(), request.t, token, reference));
  });

  app.post(path, async (request, reply) => {
    const token = tokenOf(request);
    const { reportId, email, reference } = await resolve(token);
    await core.db.transaction().execute(async (tx) => {
      await store.optOut(tx, reportId, email);
      await recordAudit(tx, request.actor(), {
        action: 'reports.unsubscribe',
        objectType: 'report',
        objectId: reportId,
        details: { reference },
      });
    });
    return reply.redirectWithFlash(
      `/signalements/${encodeURIComponent(reference)}`,
      'reports.unsubscribe.done',
    );
  });
}

// ---- digest and escalation ----------------------------------------------------------------

function dayInParis(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
}

function categoryPath(r: store.AgentReportRecord): string {
  return [r.grandparent_label, r.parent_label, r.category_label]
    .filter((l): l is string => !!l)
    .join(PATH_SEPARATOR);
}

function lateLines(t: Translate, reports: store.AgentReportRecord[], now: Date): string[] {
  return reports.map((r) =>
    t('reports.mail.late_line', {
      reference: r.reference,
      category: categoryPath(r),
      address: r.address || r.arrondissement_name || '',
      days: Math.max(1, Math.floor((now.getTime() - new Date(r.due_at ?? now).getTime()) / DAY_MS)),
    }),
  );
}

function groupByService(reports: store.AgentReportRecord[]): Map<string, store.AgentReportRecord[]> {
  const groups = new Map<string, store.AgentReportRecord[]>();
  for (const report of reports) {
    if (!report.service_id) continue;
    const list = groups.get(report.service_id) ?? [];
    list.push(report);
    groups.set(report.service_id, list);
  }
  return groups;
}

/**
 * Once a day per service with late reports: one mail to the service's address listing them.
 * A row per (service, day) makes it happen once however often the job runs.
 */
export async function runDailyDigest(
  core: CoreServices,
  now: Date = new Date(),
): Promise<{ mailed: number }> {
  const late = await store.listLateReports(core.db, now);
  const day = dayInParis(now);
  let mailed = 0;
  for (const [serviceId, reports] of groupByService(late)) {
    const service = await store.findServiceInfo(core.db, serviceId);
    if (!service?.email) continue;
    if (!(await store.claimDigest(core.db, serviceId, day, reports.length))) continue;
    const t = translator('fr');
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: service.email,
        subject: t('reports.mail.digest.subject', { service: service.name, count: reports.length }),
        paragraphs: [
          t('reports.mail.digest.intro', { service: service.name, count: reports.length }),
          ...lateLines(t, reports, now),
        ],
        action: {
          label: t('reports.mail.digest.action'),
          url: `${core.config.publicUrl}/admin/signalements?retard=1`,
        },
      }),
    );
    mailed += 1;
  }
  return { mailed };
}

/**
 * Late reports not escalated yet: their service's managers get one mail per service, and each
 * report gets an internal `escalated` event, so it never escalates twice.
 */
export async function runEscalation(
  core: CoreServices,
  now: Date = new Date(),
  actor: Actor = systemActor,
): Promise<{ escalated: number }> {
  const late = await store.listLateReports(core.db, now, { notEscalated: true });
  let escalated = 0;
  for (const [serviceId, reports] of groupByService(late)) {
    const service = await store.findServiceInfo(core.db, serviceId);
    if (!service) continue;
    const managers = (await store.listServiceAgents(core.db, serviceId)).filter(
      (m) => m.role === 'manager' && m.email,
    );
    await core.db.transaction().execute(async (tx) => {
      for (const report of reports) {
        await store.insertEvent(tx, {
          reportId: report.id,
          kind: 'escalated',
          actorId: null,
          public: false,
          data: {
            dueAt: report.due_at ? new Date(report.due_at).toISOString() : null,
            managers: managers.length,
          },
          at: now,
        });
        await recordAudit(tx, actor, {
          action: 'reports.escalate',
          objectType: 'report',
          objectId: report.id,
          details: { reference: report.reference, serviceId },
        });
      }
    });
    escalated += reports.length;
    for (const manager of managers) {
      const t = translator(localeOf(manager.locale));
      await queueMail(
        core,
        composeMail(core.config.city, t, {
          to: manager.email as string,
          subject: t('reports.mail.escalation.subject', { service: service.name, count: reports.length }),
          paragraphs: [
            t('reports.mail.escalation.intro', { service: service.name, count: reports.length }),
            ...lateLines(t, reports, now),
          ],
          action: {
            label: t('reports.mail.digest.action'),
            url: `${core.config.publicUrl}/admin/signalements?retard=1`,
          },
        }),
      );
    }
  }
  return { escalated };
}

/** Registers reports.daily-digest and reports.escalate-late. The manifest's `jobs` calls it. */
export function registerReportJobs(core: CoreServices): void {
  core.jobs.register(DAILY_DIGEST_JOB, async () => {
    // The digest waits for the start of the working day (Paris time); it then goes once a day.
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: 'numeric' }).format(new Date()),
    );
    if (hour >= DIGEST_HOUR) await runDailyDigest(core);
  });
  core.jobs.register(ESCALATE_LATE_JOB, async () => {
    await runEscalation(core);
  });
}

/**
 * In each process that works jobs (next to scheduleMaintenance): asks for the digest and the
 * escalation now and every hour; singleton keys keep instances from queueing them twice, and
 * both jobs are idempotent (one digest per service and day, one escalation per report).
 */
export function scheduleReportJobs(core: CoreServices): () => void {
  const request = () => {
    for (const name of [DAILY_DIGEST_JOB, ESCALATE_LATE_JOB]) {
      core.jobs.send(name, {}, { singletonKey: name, retryLimit: 1 }).catch(() => {
        // the next hour tries again
      });
    }
  };
  request();
  const timer = setInterval(request, SCHEDULE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
