/**
 * Mail to the authors of a proposal at each step: received, added as co-author, admissible or
 * not, feasible or not (with the public reason and the estimated cost), put on the ballot alone
 * or merged into a project. Each in the person's language; only accounts that accept mail
 * (notify_by_email). Sent after the transaction, through the mail job.
 */
import { isLocale, type Locale, translator } from '../../../core/i18n/i18n.js';
import { composeMail } from '../../../core/mail/compose.js';
import { queueMail } from '../../../core/mail/send.js';
import type { CoreServices } from '../../../core/services.js';
import type { StudyDecision } from './campaign.domain.js';
import * as store from './proposals.store.js';

export type ProposalNotice =
  | { kind: 'received' }
  | { kind: 'coauthor_added'; userIds: string[] }
  | { kind: 'decided'; decision: StudyDecision; reason: string; costCents: number | null }
  | { kind: 'on_ballot'; projectNumber: number; projectTitle: string }
  | { kind: 'merged'; projectNumber: number; projectTitle: string };

const DECISION_KEYS: Record<StudyDecision, { subject: string; body: string }> = {
  admissible: {
    subject: 'budget.proposals.mail.admissible.subject',
    body: 'budget.proposals.mail.admissible.body',
  },
  inadmissible: {
    subject: 'budget.proposals.mail.inadmissible.subject',
    body: 'budget.proposals.mail.inadmissible.body',
  },
  feasible: {
    subject: 'budget.proposals.mail.feasible.subject',
    body: 'budget.proposals.mail.feasible.body',
  },
  unfeasible: {
    subject: 'budget.proposals.mail.unfeasible.subject',
    body: 'budget.proposals.mail.unfeasible.body',
  },
};

function euros(locale: Locale, cents: number): string {
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(cents / 100);
}

export function proposalUrl(core: Pick<CoreServices, 'config'>, slug: string, reference: string): string {
  return `${core.config.publicUrl}/budget/${encodeURIComponent(slug)}/propositions/${encodeURIComponent(reference)}`;
}

export async function notifyAuthors(
  core: CoreServices,
  proposalId: string,
  notice: ProposalNotice,
  options: { exceptUserId?: string | null } = {},
): Promise<void> {
  const proposal = await store.findProposalById(core.db, proposalId);
  if (!proposal) return;
  const campaign = await core.db
    .selectFrom('budget_campaign')
    .select(['slug', 'title'])
    .where('id', '=', proposal.campaignId)
    .executeTakeFirst();
  if (!campaign) return;
  let contacts = await store.authorContacts(core.db, proposalId);
  if (notice.kind === 'coauthor_added') contacts = contacts.filter((c) => notice.userIds.includes(c.userId));
  else if (notice.kind === 'received') contacts = contacts.filter((c) => c.role === 'author');
  if (options.exceptUserId) contacts = contacts.filter((c) => c.userId !== options.exceptUserId);
  const url = proposalUrl(core, campaign.slug, proposal.reference);
  for (const contact of contacts) {
    const locale: Locale = isLocale(contact.locale) ? contact.locale : 'fr';
    const t = translator(locale);
    const params = { reference: proposal.reference, title: proposal.title, campaign: campaign.title };
    let subject: string;
    const paragraphs: string[] = [];
    switch (notice.kind) {
      case 'received':
        subject = t('budget.proposals.mail.received.subject', params);
        paragraphs.push(t('budget.proposals.mail.received.body', params));
        break;
      case 'coauthor_added':
        subject = t('budget.proposals.mail.coauthor.subject', params);
        paragraphs.push(t('budget.proposals.mail.coauthor.body', params));
        break;
      case 'decided': {
        const keys = DECISION_KEYS[notice.decision];
        subject = t(keys.subject, params);
        paragraphs.push(t(keys.body, params));
        if (notice.reason) paragraphs.push(t('budget.proposals.mail.reason', { reason: notice.reason }));
        if (notice.costCents !== null)
          paragraphs.push(t('budget.proposals.mail.cost', { cost: euros(locale, notice.costCents) }));
        break;
      }
      case 'on_ballot':
        subject = t('budget.proposals.mail.on_ballot.subject', params);
        paragraphs.push(
          t('budget.proposals.mail.on_ballot.body', {
            ...params,
            number: notice.projectNumber,
            project: notice.projectTitle,
          }),
        );
        break;
      case 'merged':
        subject = t('budget.proposals.mail.merged.subject', params);
        paragraphs.push(
          t('budget.proposals.mail.merged.body', {
            ...params,
            number: notice.projectNumber,
            project: notice.projectTitle,
          }),
        );
        break;
    }
    await queueMail(
      core,
      composeMail(core.config.city, t, {
        to: contact.email,
        subject,
        paragraphs,
        action: { label: t('budget.proposals.mail.view'), url },
      }),
    );
  }
}
