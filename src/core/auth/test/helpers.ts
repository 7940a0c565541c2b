import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { ImmediateJobQueue } from '../../jobs/jobs.js';
import type { MailMessage } from '../../mail/mailer.js';

/** One app per test file; rate-limit counters cleared between tests (all requests come from one IP). */
export function useAccountsApp(env: Record<string, string> = {}) {
  const state = {} as { test: TestApp; jobs: ImmediateJobQueue };
  beforeAll(async () => {
    state.jobs = new ImmediateJobQueue();
    state.test = await createTestApp({ PUBLIC_URL: 'https://ville.example', ...env }, { jobs: state.jobs });
  });
  afterAll(async () => {
    await state.test?.close();
  });
  beforeEach(async () => {
    await state.test.core.db.deleteFrom('http_rate_limit').execute();
  });
  return state;
}

export function mailsTo(jobs: ImmediateJobQueue, to: string): MailMessage[] {
  return jobs.sent
    .filter((job) => job.name === 'mail.send')
    .map((job) => job.data as MailMessage)
    .filter((mail) => mail.to === to);
}

export function lastMailTo(jobs: ImmediateJobQueue, to: string): MailMessage {
  const mail = mailsTo(jobs, to).at(-1);
  if (!mail) throw new Error(`No mail to ${to}`);
  return mail;
}

/** The path of the first link to `publicUrl + prefix…` in a mail's text. */
export function linkIn(mail: MailMessage, prefix: string): string {
  const match = new RegExp(`https://ville\\.example(${prefix.replace(/\//g, '\\/')}/[A-Za-z0-9_-]+)`).exec(
    mail.text,
  );
  if (!match) throw new Error(`No link ${prefix} in: ${mail.text}`);
  return match[1]!;
}

export function tokenOf(path: string): string {
  return path.split('/').at(-1)!;
}

let counter = 0;
export function uniqueEmail(name = 'person'): string {
  counter += 1;
  return `${name}.${Date.now().toString(36)}.${counter}@example.org`;
}

export const PASSWORD = 'un mot de passe solide';

/** Signs up through the forms, opens the confirmation link and presses its button. */
export async function signUpAndConfirm(
  state: { test: TestApp; jobs: ImmediateJobQueue },
  options: { email?: string; name?: string; password?: string } = {},
) {
  const browser = new Browser(state.test.app);
  const email = options.email ?? uniqueEmail();
  const response = await browser.post('/inscription', {
    display_name: options.name ?? 'Camille Martin',
    email,
    password: options.password ?? PASSWORD,
  });
  if (response.statusCode !== 200) throw new Error(`sign-up answered ${response.statusCode}`);
  const link = linkIn(lastMailTo(state.jobs, email), '/inscription/confirmer');
  const confirmed = await browser.post(link, {});
  if (confirmed.statusCode !== 303) throw new Error(`confirmation answered ${confirmed.statusCode}`);
  return { browser, email };
}
