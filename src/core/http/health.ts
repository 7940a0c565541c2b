import { Type } from '@sinclair/typebox';
import { isReachable } from '../db/database.js';
import { pendingMigrations } from '../db/migrate.js';
import type { CoreServices } from '../services.js';
import type { App } from './types.js';

const HealthBody = Type.Object({ status: Type.String() });
const ReadyBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  database: Type.Boolean(),
  pendingMigrations: Type.Array(Type.String()),
});

export function registerHealthRoutes(app: App, core: CoreServices) {
  // Alive: the process answers. No database call, so a slow database does not get us restarted.
  app.get('/health', { schema: { tags: ['operations'], response: { 200: HealthBody } } }, async () => ({
    status: 'ok',
  }));

  // Ready: the database answers and its schema is current; load balancers send traffic only then.
  app.get(
    '/ready',
    { schema: { tags: ['operations'], response: { 200: ReadyBody, 503: ReadyBody } } },
    async (_request, reply) => {
      const database = await isReachable(core.db);
      const pending = database ? await pendingMigrations(core.db) : [];
      const ready = database && pending.length === 0;
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', database, pendingMigrations: pending });
    },
  );
}
