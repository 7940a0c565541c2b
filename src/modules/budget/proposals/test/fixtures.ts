/** Campaigns in a chosen phase, accounts and agents, for the proposals tests. */
import type { Viewer } from '../../../../core/auth/viewer.js';
import { loadViewer } from '../../../../core/auth/viewer.js';
import type { ImmediateJobQueue } from '../../../../core/jobs/jobs.js';
import type { MailMessage } from '../../../../core/mail/mailer.js';
import type { CoreServices } from '../../../../core/services.js';
import { insertCampaign, insertEnvelope, listEnvelopes } from '../campaigns.store.js';
import type { ProposalFormInput } from '../proposals.service.js';

const DAY = 24 * 3600 * 1000;

/** Phase dates around now, so that the campaign is in `phase` at the time the test runs. */
export function datesFor(
  phase: 'before' | 'submission' | 'study' | 'vote' | 'implementation',
  now = Date.now(),
) {
  const offset = { before: 10, submission: -5, study: -25, vote: -50, implementation: -200 }[phase];
  const at = (days: number) => new Date(now + (offset + days) * DAY);
  return {
    submissionStartsAt: at(0),
    submissionEndsAt: at(10),
    studyStartsAt: at(10),
    studyEndsAt: at(45),
    voteStartsAt: at(45),
    voteEndsAt: at(60),
    resultsAt: at(62),
    implementationStartsAt: at(70),
  };
}

let counter = 0;

/** A published campaign with a city-wide envelope, the 20 arrondissements and a schools one. */
export async function makeCampaign(
  core: CoreServices,
  phase: Parameters<typeof datesFor>[0],
  options: { slug?: string; published?: boolean; arrondissementCents?: number } = {},
) {
  counter += 1;
  const slug = options.slug ?? `test-${phase}-${counter}`;
  const id = await insertCampaign(core.db, {
    slug,
    title: `Campagne ${slug}`,
    description: '',
    ...datesFor(phase),
    votingMethod: 'majority_judgment',
    maxChoices: null,
    minSpendPercent: 0,
    selectionRule: 'greedy',
    published: options.published ?? true,
  });
  await insertEnvelope(core.db, id, {
    kind: 'city',
    code: 'paris',
    label: 'Tout Paris',
    amountCents: 1_000_000_000,
  });
  await insertEnvelope(core.db, id, {
    kind: 'earmarked',
    code: 'ecoles',
    label: 'Écoles et collèges',
    amountCents: 500_000_000,
  });
  const areas = (await core.areas.listAreas()).filter((a) => a.layerId === 'arrondissements');
  for (const area of areas) {
    await insertEnvelope(core.db, id, {
      kind: 'arrondissement',
      code: area.code,
      label: `Arrondissement ${area.code}`,
      amountCents: options.arrondissementCents ?? 200_000_000,
      areaId: area.id,
    });
  }
  const envelopes = await listEnvelopes(core.db, id);
  return { id, slug, envelopes, byCode: (code: string) => envelopes.find((e) => e.code === code)! };
}

/** An account; with `directorate`, an agent of that directorate's first service. */
export async function makeUser(
  core: CoreServices,
  options: { email?: string; isAdmin?: boolean; directorate?: string; notify?: boolean } = {},
): Promise<Viewer> {
  counter += 1;
  const email = options.email ?? `user${counter}.${Date.now()}@example.test`;
  const row = await core.db
    .insertInto('account_user')
    .values({
      email,
      display_name: `Personne ${counter}`,
      is_admin: options.isAdmin ?? false,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
      notify_by_email: options.notify ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.directorate) {
    const service = await core.db
      .selectFrom('org_service as s')
      .innerJoin('org_directorate as d', 'd.id', 's.directorate_id')
      .select('s.id')
      .where('d.code', '=', options.directorate)
      .orderBy('s.code')
      .executeTakeFirstOrThrow();
    await core.db
      .insertInto('org_membership')
      .values({ user_id: row.id, service_id: service.id, role: 'agent' })
      .execute();
  }
  return (await loadViewer(core.db, row.id))!;
}

export async function directorateId(core: CoreServices, code: string): Promise<string> {
  const row = await core.db
    .selectFrom('org_directorate')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A form that passes: a tree-planting project pinned near the Panthéon (5e). */
export function proposalInput(overrides: Partial<ProposalFormInput> = {}): ProposalFormInput {
  return {
    title: 'Planter des arbres rue Soufflot',
    description: 'Des arbres d’alignement pour rafraîchir la rue en été.',
    theme: 'environnement',
    envelope: 'auto',
    address: 'rue Soufflot',
    lat: '48.8466',
    lon: '2.3445',
    arrondissement: '',
    estimatedCost: '120 000',
    publicName: 'Collectif Soufflot vert',
    coauthors: '',
    ...overrides,
  };
}

export function sentMails(core: CoreServices, from = 0): MailMessage[] {
  return (core.jobs as ImmediateJobQueue).sent
    .slice(from)
    .filter((job) => job.name === 'mail.send')
    .map((job) => job.data as MailMessage);
}

export function mailMark(core: CoreServices): number {
  return (core.jobs as ImmediateJobQueue).sent.length;
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}
