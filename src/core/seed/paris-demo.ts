import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { importAreaLayer } from '../areas/areas.service.js';
import type { Actor } from '../audit/audit.js';
import { createUser } from '../auth/accounts.service.js';
import { resourcesDir } from '../config/config.js';
import type { Db } from '../db/database.js';
import { addMembership, createDirectorate, createService, type Role } from '../org/org.service.js';
import '../db/core-tables.js';

/**
 * The Paris demo: the 20 arrondissements and 80 quartiers, real directorates of the Ville de
 * Paris with a few services each, and four demo accounts. Each step skips what is already
 * there, so an interrupted seed can be run again; once complete, a marker makes it a no-op.
 *
 * Demo passwords are generated at random when the accounts are created (a demo left open on
 * a network does not get a well-known admin password) and kept in `core_setting`, so that
 * every start in demo mode can print them again. Demo mode is refused in production.
 */

export const SEED_ACTOR: Actor = { userId: null, label: 'seed:paris-demo' };
const SEEDED_KEY = 'demo.paris.seeded_at';
const ACCOUNTS_KEY = 'demo.paris.accounts';

const demoDir = path.join(resourcesDir, 'demo');
const areasDir = path.join(resourcesDir, 'areas');

export const DEMO_LAYERS = [
  {
    layerId: 'arrondissements',
    name: 'Arrondissements',
    file: 'paris_arrondissements.geojson',
    codeProperty: 'c_ar',
    nameProperty: 'l_aroff',
  },
  {
    layerId: 'quartiers',
    name: 'Quartiers administratifs',
    file: 'paris_quartiers.geojson',
    codeProperty: 'c_qu',
    nameProperty: 'l_qu',
  },
] as const;

interface OrganisationFile {
  directorates: {
    code: string;
    name: string;
    description: string;
    services: { code: string; name: string; areas: string[] }[];
  }[];
  accounts: {
    key: string;
    email: string;
    displayName: string;
    isAdmin?: boolean;
    membership?: { service: string; role: Role };
  }[];
}

export interface DemoAccount {
  /** admin, agent_proprete, agent_voirie, citizen */
  key: string;
  email: string;
  password: string;
  displayName: string;
  /** What the account shows off, in plain words for the console. */
  description: string;
}

export interface SeedSummary {
  /** true when the demo was already complete: nothing was done. */
  skipped: boolean;
  areas: Record<string, number>;
  directorates: number;
  services: number;
  accounts: DemoAccount[];
  created: { layers: number; directorates: number; services: number; accounts: number; memberships: number };
}

export async function isDemoSeeded(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('core_setting')
    .select('key')
    .where('key', '=', SEEDED_KEY)
    .executeTakeFirst();
  return !!row;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('account_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The demo accounts and their passwords, as stored by the seed; empty when not seeded. */
export async function demoAccounts(db: Db): Promise<DemoAccount[]> {
  const row = await db
    .selectFrom('core_setting')
    .select('value')
    .where('key', '=', ACCOUNTS_KEY)
    .executeTakeFirst();
  const value = row?.value as { accounts?: DemoAccount[] } | undefined;
  return value?.accounts ?? [];
}

async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('core_setting')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: sql`now()` }))
    .execute();
}

function describe(account: OrganisationFile['accounts'][number], serviceNames: Map<string, string>): string {
  if (account.isAdmin) return 'administrator (back office, directorates, areas, audit, outbox)';
  if (account.membership) {
    const service = serviceNames.get(account.membership.service) ?? account.membership.service;
    return `${account.membership.role} — ${service}`;
  }
  return 'citizen';
}

function newPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}

export async function seedParisDemo(
  db: Db,
  options: { onProgress?: (message: string) => void } = {},
): Promise<SeedSummary> {
  const progress = options.onProgress ?? (() => {});
  const created = { layers: 0, directorates: 0, services: 0, accounts: 0, memberships: 0 };

  if (await isDemoSeeded(db)) {
    progress('the Paris demo is already seeded: nothing to do');
    return { skipped: true, ...(await counts(db)), accounts: await demoAccounts(db), created };
  }

  // 1. Areas.
  for (const layer of DEMO_LAYERS) {
    const existing = await db
      .selectFrom('area_layer')
      .select('id')
      .where('id', '=', layer.layerId)
      .executeTakeFirst();
    if (existing) {
      progress(`areas: layer "${layer.layerId}" already there, kept`);
      continue;
    }
    progress(`areas: importing ${layer.file}…`);
    const geojson = await readFile(path.join(areasDir, layer.file), 'utf8');
    const summary = await importAreaLayer(
      db,
      {
        layerId: layer.layerId,
        name: layer.name,
        geojson,
        codeProperty: layer.codeProperty,
        nameProperty: layer.nameProperty,
        source: `${layer.file} — Ville de Paris / opendata.paris.fr, ODbL 1.0`,
      },
      SEED_ACTOR,
    );
    created.layers += 1;
    progress(`areas: ${summary.imported} ${layer.layerId}`);
  }

  const arrondissements = new Map(
    (
      await db
        .selectFrom('area_feature')
        .select(['id', 'code'])
        .where('layer_id', '=', 'arrondissements')
        .execute()
    ).map((f) => [f.code, f.id]),
  );

  // 2. Directorates and their services.
  const organisation = JSON.parse(
    await readFile(path.join(demoDir, 'paris-organisation.json'), 'utf8'),
  ) as OrganisationFile;
  const serviceIds = new Map<string, string>();
  const serviceNames = new Map<string, string>();
  for (const directorate of organisation.directorates) {
    let directorateId = (
      await db
        .selectFrom('org_directorate')
        .select('id')
        .where('code', '=', directorate.code)
        .executeTakeFirst()
    )?.id;
    if (!directorateId) {
      directorateId = (
        await createDirectorate(
          db,
          { code: directorate.code, name: directorate.name, description: directorate.description },
          SEED_ACTOR,
        )
      ).id;
      created.directorates += 1;
    }
    for (const service of directorate.services) {
      serviceNames.set(service.code, service.name);
      let serviceId = (
        await db.selectFrom('org_service').select('id').where('code', '=', service.code).executeTakeFirst()
      )?.id;
      if (!serviceId) {
        const areaIds = service.areas.map((code) => {
          const id = arrondissements.get(code);
          if (!id) throw new Error(`Demo service ${service.code}: arrondissement ${code} is missing`);
          return id;
        });
        serviceId = (
          await createService(
            db,
            { directorateId, code: service.code, name: service.name, areaIds },
            SEED_ACTOR,
          )
        ).id;
        created.services += 1;
      }
      serviceIds.set(service.code, serviceId);
    }
    progress(
      `organisation: ${directorate.code} — ${directorate.name} (${directorate.services.length} services)`,
    );
  }

  // 3. Demo accounts, with passwords kept for the console.
  const stored = new Map((await demoAccounts(db)).map((a) => [a.email, a]));
  const accounts: DemoAccount[] = [];
  for (const account of organisation.accounts) {
    let user = await db
      .selectFrom('account_user')
      .select('id')
      .where('email', '=', account.email)
      .executeTakeFirst();
    let password = stored.get(account.email)?.password ?? '';
    if (!user) {
      password = newPassword();
      user = await createUser(
        db,
        {
          email: account.email,
          password,
          displayName: account.displayName,
          isAdmin: account.isAdmin ?? false,
          emailVerified: true,
          locale: 'fr',
        },
        SEED_ACTOR,
      );
      created.accounts += 1;
    }
    if (account.membership) {
      const serviceId = serviceIds.get(account.membership.service);
      if (!serviceId)
        throw new Error(`Demo account ${account.email}: unknown service ${account.membership.service}`);
      const member = await db
        .selectFrom('org_membership')
        .select('user_id')
        .where('user_id', '=', user.id)
        .where('service_id', '=', serviceId)
        .executeTakeFirst();
      if (!member) {
        await addMembership(db, { userId: user.id, serviceId, role: account.membership.role }, SEED_ACTOR);
        created.memberships += 1;
      }
    }
    accounts.push({
      key: account.key,
      email: account.email,
      password,
      displayName: account.displayName,
      description: describe(account, serviceNames),
    });
    // Stored after each account, so an interrupted seed still knows the passwords it made.
    await putSetting(db, ACCOUNTS_KEY, {
      accounts: [
        ...accounts,
        ...[...stored.values()].filter((a) => !accounts.some((b) => b.email === a.email)),
      ],
    });
    progress(`accounts: ${account.email}`);
  }

  await putSetting(db, SEEDED_KEY, { at: new Date().toISOString() });
  return { skipped: false, ...(await counts(db)), accounts, created };
}

async function counts(db: Db): Promise<Pick<SeedSummary, 'areas' | 'directorates' | 'services'>> {
  const layers = await db
    .selectFrom('area_feature')
    .select(['layer_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('layer_id')
    .execute();
  const directorates = await db
    .selectFrom('org_directorate')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const services = await db
    .selectFrom('org_service')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    areas: Object.fromEntries(layers.map((l) => [l.layer_id, Number(l.n)])),
    directorates: Number(directorates.n),
    services: Number(services.n),
  };
}

/** The demo accounts in a box, for the console. */
export function formatDemoAccounts(accounts: DemoAccount[], publicUrl: string): string {
  const lines = [
    `Ville Ouverte — demo accounts (sign in at ${publicUrl}/connexion)`,
    '',
    ...accounts.flatMap((a) => [`${a.email}   password: ${a.password}`, `    ${a.description}`]),
    '',
    `Sent emails (sign-in links…): ${publicUrl}/admin/courriels`,
    'Demo mode: do not use these accounts on a public server.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const border = `+${'-'.repeat(width + 2)}+`;
  return [border, ...lines.map((l) => `| ${l.padEnd(width)} |`), border].join('\n');
}
