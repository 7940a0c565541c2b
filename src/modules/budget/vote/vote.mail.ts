/**
 * Mail of the vote: the summary sent when a ballot is confirmed, and the one reminder sent to
 * voters who saved a basket without confirming it.
 *
 * The summary names the voter's choices, so it is never written into the job queue: the
 * confirmation marks the register row (who took part) `summary_due`, and a sweep composes each
 * due summary from the ballot itself, then hands it to the mailer.
 */
import { type Actor, recordAudit, systemActor } from '../../../core/audit/audit.js';
import { isLocale, type Translate, translator } from '../../../core/i18n/i18n.js';
import { composeMail } from '../../../core/mail/compose.js';
import { queueMail } from '../../../core/mail/send.js';
import type { CoreServices } from '../../../core/services.js';
import { findCampaignById, listEnvelopes, listProjects } from '../proposals/campaigns.store.js';
import { GRADES } from './ballot-rules.js';
import { accountKey, ballotKeyOf } from './keys.js';
import { formatEuros } from './money.js';
import { ballotSecret, SUMMARIES_JOB } from './vote.service.js';
import * as store from './vote.store.js';

export const REMINDER_JOB = 'budget.vote.remind-unconfirmed';
/** A basket left unconfirmed this long gets its reminder. */
export const REMIND_AFTER_MS = 24 * 60 * 60 * 1000;
const REMINDERS_PER_RUN = 500;
const SCHEDULE_EVERY_MS = 60 * 60 * 1000;
const SUMMARIES_PER_BATCH = 200;
/** Summaries a request missed (a process stopped before its timer fired) leave within this. */
const SUMMARY_SWEEP_EVERY_MS = 60 * 1000;

export const GRADE_KEYS: Record<(typeof GRADES)[number], string> = {
  adore: 'budget.vote.grade.adore',
  aime_bien: 'budget.vote.grade.aime_bien',
  pourquoi_pas: 'budget.vote.grade.pourquoi_pas',
  pas_convaincu: 'budget.vote.grade.pas_convaincu',
};

export function gradeLabel(t: Translate, grade: number): string {
  const name = GRADES[grade];
  return name ? t(GRADE_KEYS[name]) : String(grade);
}

/** The lines of the summary: per envelope, the chosen or graded projects. */
export async function ballotSummary(
  core: CoreServices,
  t: Translate,
  campaignId: string,
  lines: store.StoredLine[],
  locale: string,
): Promise<string[]> {
  const [envelopes, projects] = await Promise.all([
    listEnvelopes(core.db, campaignId),
    listProjects(core.db, campaignId),
  ]);
  const byId = new Map(projects.map((p) => [p.id, p]));
  const out: string[] = [];
  for (const envelope of envelopes) {
    const mine = lines
      .filter((l) => l.envelope_id === envelope.id)
      .map((l) => ({ line: l, project: byId.get(l.project_id) }))
      .filter((x) => x.project)
      .sort((a, b) => a.project!.number - b.project!.number);
    if (mine.length === 0) continue;
    const items = mine.map(({ line, project }) =>
      line.grade === null
        ? t('budget.vote.mail.line_chosen', {
            number: project!.number,
            title: project!.title,
            cost: formatEuros(project!.costCents, locale),
          })
        : t('budget.vote.mail.line_graded', {
            number: project!.number,
            title: project!.title,
            grade: gradeLabel(t, line.grade),
          }),
    );
    out.push([t('budget.vote.mail.envelope', { envelope: envelope.label }), ...items].join('\n'));
  }
  return out;
}

/**
 * Sends every summary due, in batches; one that fails is due again and waits for the next
 * sweep. Returns how many were sent.
 */
export async function sendDueSummaries(core: CoreServices): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (;;) {
    const due = await store.takeDueSummaries(core.db, SUMMARIES_PER_BATCH);
    for (const row of due) {
      try {
        await sendConfirmation(core, { campaignId: row.campaign_id, userId: row.user_id });
        sent++;
      } catch {
        failed++;
        await store.summaryDueAgain(core.db, row.campaign_id, row.user_id);
      }
    }
    if (due.length < SUMMARIES_PER_BATCH || failed > 0) return { sent, failed };
  }
}

async function sendConfirmation(
  core: CoreServices,
  data: { campaignId: string; userId: string },
): Promise<void> {
  const campaign = await findCampaignById(core.db, data.campaignId);
  const user = await core.db
    .selectFrom('account_user')
    .select(['email', 'locale'])
    .where('id', '=', data.userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!campaign || !user?.email) return;
  const key = ballotSecret(core);
  const voter = await store.findVoterByAccount(
    core.db,
    campaign.id,
    accountKey(key, campaign.id, data.userId),
  );
  if (!voter) return;
  const ballotKey = ballotKeyOf(key, campaign.id, voter.person_key);
  const ballot = await store.findBallot(core.db, ballotKey);
  // Changed again since: the next confirmation sends its own summary.
  if (ballot?.state !== 'confirmed') return;
  const locale = isLocale(user.locale) ? user.locale : 'fr';
  const t = translator(locale);
  const summary = await ballotSummary(
    core,
    t,
    campaign.id,
    await store.ballotLines(core.db, ballotKey),
    locale,
  );
  const url = `${core.config.publicUrl}/budget/${encodeURIComponent(campaign.slug)}/vote`;
  await core.mailer.deliver(
    composeMail(core.config.city, t, {
      to: user.email,
      subject: t('budget.vote.mail.confirmed_subject', { campaign: campaign.title }),
      paragraphs: [
        t('budget.vote.mail.confirmed_intro', { campaign: campaign.title }),
        ...summary,
        campaign.votingMethod === 'majority_judgment' ? t('budget.vote.mail.unrated_note') : '',
        t('budget.vote.mail.change_until', {
          date: campaign.voteEndsAt.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', {
            timeZone: 'Europe/Paris',
            dateStyle: 'long',
            timeStyle: 'short',
          }),
        }),
      ].filter((p) => p !== ''),
      action: { label: t('budget.vote.mail.action'), url },
    }),
  );
}

/**
 * Voters with a basket saved more than a day ago and never confirmed: one mail each, once.
 * Each reminder is marked before its mail is queued, so two workers never send it twice.
 */
export async function remindUnconfirmed(
  core: CoreServices,
  now: Date = new Date(),
  actor: Actor = systemActor,
): Promise<{ reminded: number }> {
  const due = await store.participationsToRemind(
    core.db,
    now,
    new Date(now.getTime() - REMIND_AFTER_MS),
    REMINDERS_PER_RUN,
  );
  let reminded = 0;
  for (const row of due) {
    const marked = await core.db.transaction().execute(async (tx) => {
      if (!(await store.markReminded(tx, row.campaign_id, row.user_id))) return false;
      await recordAudit(tx, actor, {
        action: 'budget.vote.reminded',
        objectType: 'budget_campaign',
        objectId: row.campaign_id,
        details: { campaign: row.slug, userId: row.user_id },
      });
      return true;
    });
    if (!marked || !row.email) continue;
    const locale = isLocale(row.locale) ? row.locale : 'fr';
    const t = translator(locale);
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: row.email,
        subject: t('budget.vote.mail.reminder_subject', { campaign: row.title }),
        paragraphs: [
          t('budget.vote.mail.reminder_intro', { campaign: row.title }),
          t('budget.vote.mail.reminder_until', {
            date: row.vote_ends_at.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', {
              timeZone: 'Europe/Paris',
              dateStyle: 'long',
              timeStyle: 'short',
            }),
          }),
        ],
        action: {
          label: t('budget.vote.mail.reminder_action'),
          url: `${core.config.publicUrl}/budget/${encodeURIComponent(row.slug)}/vote`,
        },
      }),
    );
    reminded++;
  }
  return { reminded };
}

export function registerVoteJobs(core: CoreServices): void {
  core.jobs.register(SUMMARIES_JOB, async () => {
    await sendDueSummaries(core);
  });
  core.jobs.register(REMINDER_JOB, async () => {
    await remindUnconfirmed(core);
  });
}

/**
 * Asks for the reminders now and every hour, and for a sweep of the due summaries every
 * minute (singleton key: one queued at a time).
 */
export function scheduleVoteJobs(core: CoreServices): () => void {
  const remind = () => {
    core.jobs.send(REMINDER_JOB, {}, { singletonKey: REMINDER_JOB, retryLimit: 1 }).catch(() => {
      // the next hour tries again
    });
  };
  const sweep = () => {
    core.jobs.send(SUMMARIES_JOB, {}, { singletonKey: SUMMARIES_JOB, retryLimit: 1 }).catch(() => {
      // the next minute tries again
    });
  };
  remind();
  sweep();
  const timers = [setInterval(remind, SCHEDULE_EVERY_MS), setInterval(sweep, SUMMARY_SWEEP_EVERY_MS)];
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
