/** Open311 API keys: one per application, shown once, stored hashed, revocable. */
import { type Actor, recordAudit } from '../../core/audit/audit.js';
import { hashToken, newToken } from '../../core/auth/tokens.js';
import { NotFoundError, ValidationError } from '../../core/http/errors.js';
import type { CoreServices } from '../../core/services.js';
import * as store from './reports.store.js';
import './reports.tables.js';

export interface ApiKeySummary {
  id: string;
  name: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
}

export const MAX_API_KEY_NAME = 100;

/** The key is returned once, here; only its hash is kept. */
export async function createApiKey(
  core: CoreServices,
  name: string,
  actor: Actor,
): Promise<{ id: string; key: string }> {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (clean === '') throw new ValidationError({ name: 'reports.api_keys.name_required' });
  if (clean.length > MAX_API_KEY_NAME) throw new ValidationError({ name: 'reports.api_keys.name_too_long' });
  const key = newToken();
  return core.db.transaction().execute(async (tx) => {
    const id = await store.insertApiKey(tx, {
      name: clean,
      key_hash: hashToken(key),
      created_by: actor.userId,
    });
    await recordAudit(tx, actor, {
      action: 'reports.api_key.created',
      objectType: 'report_api_key',
      objectId: id,
      details: { name: clean },
    });
    return { id, key };
  });
}

export async function revokeApiKey(core: CoreServices, id: string, actor: Actor): Promise<void> {
  await core.db.transaction().execute(async (tx) => {
    const revoked = await store.revokeApiKeyRow(tx, id);
    if (!revoked) throw new NotFoundError('reports.api_keys.not_found');
    await recordAudit(tx, actor, {
      action: 'reports.api_key.revoked',
      objectType: 'report_api_key',
      objectId: id,
      details: { name: revoked.name },
    });
  });
}

export async function listApiKeys(core: CoreServices): Promise<ApiKeySummary[]> {
  return (await store.selectApiKeys(core.db)).map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  }));
}

/** The key's application, or null when unknown or revoked. */
export async function verifyApiKey(
  core: CoreServices,
  key: string,
): Promise<{ id: string; name: string } | null> {
  if (typeof key !== 'string' || key === '' || key.length > 200) return null;
  return store.selectActiveApiKeyByHash(core.db, hashToken(key));
}
