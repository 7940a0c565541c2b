import type { Db } from '../db/database.js';
import '../db/core-tables.js';

/** Who did it and from where; built from the request, or by the CLI and jobs. */
export interface Actor {
  userId: string | null;
  /** A readable label kept even if the account is deleted: "agent:…", "cli", "system". */
  label: string;
  ip?: string;
  requestId?: string;
}

export const systemActor: Actor = { userId: null, label: 'system' };
export const cliActor: Actor = { userId: null, label: 'cli' };

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  details?: Record<string, unknown>;
}

/** Every change of state is written here, in the same transaction as the change when given one. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor_id: actor.userId,
      actor_label: actor.label,
      action: entry.action,
      object_type: entry.objectType ?? '',
      object_id: entry.objectId ?? '',
      ip: actor.ip ?? '',
      request_id: actor.requestId ?? '',
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
