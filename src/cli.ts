/**
 * `ville` — the command line of Ville Ouverte, run from the project folder as
 * `npx ville <command>` or `npm run ville -- <command>`. Same configuration as the server
 * (environment variables, see README). On the embedded database it takes the data-folder
 * lock like the server does: stop the server first, or use PostgreSQL (DATABASE_URL).
 *
 * Operator-facing output is in English, like the server's logs; domain errors are shown
 * in French or English after LANG.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Command, Option } from 'commander';
import { importAreasFromFile } from './core/areas/areas.cli.js';
import { cliActor } from './core/audit/audit.js';
import { createUser, findUserByEmail } from './core/auth/accounts.service.js';
import { type Config, ConfigError, loadConfig } from './core/config/config.js';
import { createCore, type OpenedCore } from './core/core.js';
import { DataDirLockedError } from './core/db/data-lock.js';
import { openDatabase } from './core/db/database.js';
import { migrateToLatest } from './core/db/migrate.js';
import { DomainError, ValidationError } from './core/http/errors.js';
import { translator } from './core/i18n/i18n.js';
import { scheduleMaintenance } from './core/maintenance.js';
import { formatDemoAccounts, seedParisDemo } from './core/seed/paris-demo.js';
import { createApiKey } from './modules/reports/api-keys.js';

const EXIT_FAILURE = 1;
const EXIT_LOCKED = 75;
const EXIT_CONFIG = 78;

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

const t = translator(process.env.LANG?.toLowerCase().startsWith('fr') ? 'fr' : 'en');
const say = (line = '') => process.stdout.write(`${line}\n`);

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliFailure(`Configuration error — ${error.message}`, EXIT_CONFIG);
    throw error;
  }
}

/** Opens the database and the core services (migrated, like the server), runs `work`, closes. */
async function withCore<T>(work: (opened: OpenedCore) => Promise<T>): Promise<T> {
  const cfg = config();
  const opened = await createCore(cfg, {
    onJobError: (error) =>
      console.error(`job error: ${error instanceof Error ? error.message : String(error)}`),
  });
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** One readable line per problem, for an error whose code is an i18n key. */
function describeDomainError(error: DomainError): string {
  if (error instanceof ValidationError) {
    return Object.entries(error.fields)
      .map(([field, key]) => `${field}: ${t(key)}`)
      .join('\n');
  }
  return t(error.code, error.params);
}

const program = new Command();
program
  .name('ville')
  .description('Ville Ouverte command line: database, demo data, areas, accounts and the job worker.')
  .showHelpAfterError('(run `ville --help` for the list of commands)');

program
  .command('migrate')
  .description('Bring the database schema up to date (the server also does it at start).')
  .action(async () => {
    const cfg = config();
    const database = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
    try {
      say(`Database: ${database.engine} (${database.location})`);
      const result = await migrateToLatest(database.db);
      const applied = (result.results ?? []).filter((r) => r.status === 'Success');
      for (const migration of applied) say(`  applied ${migration.migrationName}`);
      say(
        applied.length === 0
          ? 'The database is up to date: no migration to apply.'
          : `Done: ${applied.length} migration(s) applied.`,
      );
    } finally {
      await database.close();
    }
  });

program
  .command('seed')
  .description(
    'Load the Paris demo: 20 arrondissements, 80 quartiers, directorates and services, demo accounts. ' +
      'Skips what is already there; does nothing once the demo is complete. Needs DEMO=true.',
  )
  .action(async () => {
    const cfg = config();
    if (!cfg.demo) {
      throw new CliFailure(
        'The Paris demo creates accounts whose passwords are printed: set DEMO=true to seed it.',
      );
    }
    await withCore(async ({ core }) => {
      say(`Seeding the Paris demo into ${core.database.engine} (${core.database.location})`);
      const started = Date.now();
      const summary = await seedParisDemo(core.db, { onProgress: (message) => say(`  · ${message}`) });
      const areas = Object.entries(summary.areas)
        .map(([layer, n]) => `${n} ${layer}`)
        .join(', ');
      say();
      say(
        summary.skipped
          ? 'Already seeded: nothing was changed.'
          : `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: created ${summary.created.layers} area layer(s), ` +
              `${summary.created.directorates} directorate(s), ${summary.created.services} service(s), ` +
              `${summary.created.accounts} account(s), ${summary.created.memberships} membership(s).`,
      );
      say(`In the database: ${areas}; ${summary.directorates} directorates; ${summary.services} services.`);
      say();
      say(formatDemoAccounts(summary.accounts, cfg.publicUrl));
    });
  });

program
  .command('import-areas')
  .description('Import (or replace) a layer of areas from a GeoJSON file of polygons, all or nothing.')
  .argument('<file>', 'GeoJSON FeatureCollection of Polygon/MultiPolygon features (WGS84)')
  .requiredOption('--layer <id>', 'layer id, e.g. arrondissements (lower case, digits, - and _)')
  .requiredOption('--name <name>', 'name of the layer shown to people, e.g. "Arrondissements"')
  .requiredOption('--code-property <property>', "feature property holding each area's unique code")
  .requiredOption('--name-property <property>', "feature property holding each area's name")
  .addHelpText(
    'after',
    '\nExample:\n  npx ville import-areas resources/areas/paris_quartiers.geojson --layer quartiers \\\n' +
      '    --name "Quartiers administratifs" --code-property c_qu --name-property l_qu',
  )
  .action(
    async (
      file: string,
      options: { layer: string; name: string; codeProperty: string; nameProperty: string },
    ) => {
      await withCore(async ({ core }) => {
        const started = Date.now();
        const summary = await importAreasFromFile(
          core.db,
          path.resolve(file),
          {
            layerId: options.layer,
            name: options.name,
            codeProperty: options.codeProperty,
            nameProperty: options.nameProperty,
          },
          cliActor,
          (message) => say(`  · ${message}`),
        );
        say(
          `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: layer "${summary.layerId}" has ${summary.imported} area(s)` +
            ` (${summary.replaced} replaced, ${summary.removed} removed).`,
        );
      });
    },
  );

program
  .command('create-user')
  .description('Create an account, e.g. the first administrator. Its email address is marked as confirmed.')
  .requiredOption('--email <email>', 'email address (the sign-in name)')
  .requiredOption('--name <name>', 'display name')
  .option('--password <password>', 'password (at least 10 characters); generated and printed when omitted')
  .addOption(new Option('--admin', 'make the account an administrator').default(false))
  .action(async (options: { email: string; name: string; password?: string; admin: boolean }) => {
    await withCore(async ({ core }) => {
      const generated = options.password === undefined;
      const password = options.password ?? randomBytes(12).toString('base64url');
      const user = await createUser(
        core.db,
        {
          email: options.email,
          password,
          displayName: options.name,
          isAdmin: options.admin,
          emailVerified: true,
        },
        cliActor,
      );
      say(
        `Created ${options.admin ? 'administrator' : 'account'} ${options.email.trim().toLowerCase()} (id ${user.id}).`,
      );
      if (generated) say(`Password: ${password}`);
    });
  });

// ---- reports (Open311) ------------------------------------------------------------------------
program
  .command('create-api-key')
  .description(
    'Create an Open311 API key for an application and print it (alone, on the last line). ' +
      'Only its hash is kept: it cannot be shown again. Revoke it in the back office.',
  )
  .argument('<name>', 'name of the application, e.g. "Appli mobile"')
  .option(
    '--owner <email>',
    'account whose rights the key uses to post status updates (servicerequestupdates); without it the key only creates and reads reports',
  )
  .action(async (name: string, options: { owner?: string }) => {
    await withCore(async ({ core }) => {
      let actor = cliActor;
      if (options.owner !== undefined) {
        const owner = await findUserByEmail(core.db, options.owner);
        if (!owner) throw new CliFailure(`No account with the email address ${options.owner}.`);
        actor = { ...cliActor, userId: owner.id };
      }
      const { id, key } = await createApiKey(core, name, actor);
      say(`Created the API key "${name.trim()}" (id ${id}). Keep it now: it is shown only once.`);
      say(key);
    });
  });

program
  .command('worker')
  .description(
    'Work the background jobs (mail…) in this process until SIGTERM or SIGINT. For production, with ' +
      'JOBS_IN=none on the web instances; on the embedded database the server already works them.',
  )
  .action(async () => {
    const cfg = config();
    const opened = await createCore(cfg, {
      onJobError: (error) =>
        console.error(`job error: ${error instanceof Error ? error.message : String(error)}`),
    });
    try {
      await opened.core.jobs.start({ work: true });
      scheduleMaintenance(opened.core);
      for (const module of opened.core.modules) module.schedule?.(opened.core);
    } catch (error) {
      await opened.close();
      throw error;
    }
    say(
      `Worker started on ${opened.core.database.engine} (${opened.core.database.location}); stop with Ctrl-C.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    say('Stopping: letting running jobs finish…');
    await opened.close();
    say('Worker stopped.');
  });

try {
  await program.parseAsync(process.argv);
  process.exitCode = 0;
} catch (error) {
  if (error instanceof CliFailure) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else if (error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exitCode = EXIT_LOCKED;
  } else if (error instanceof DomainError) {
    console.error(describeDomainError(error));
    process.exitCode = EXIT_FAILURE;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = EXIT_FAILURE;
  }
}
