import type { CoreServices } from '../services.js';
import type { MailMessage } from './mailer.js';

export const MAIL_JOB = 'mail.send';

/** Mail goes out through the job queue, so a failing SMTP server is retried, not lost. */
export async function queueMail(core: Pick<CoreServices, 'jobs'>, message: MailMessage): Promise<void> {
  await core.jobs.send(MAIL_JOB, message, { retryLimit: 5, retryDelaySeconds: 30 });
}

export function registerMailJobs(core: Pick<CoreServices, 'jobs' | 'mailer'>): void {
  core.jobs.register<MailMessage>(MAIL_JOB, (message) => core.mailer.deliver(message));
}
