/** Open311 API keys: one per application, shown once, stored hashed, revocable. */
import type { Actor } from '../../core/audit/audit.js';
import type { CoreServices } from '../../core/services.js';
import './reports.tables.js';

export interface ApiKeySummary {
  id: string;
  name: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
}

export async function createApiKey(
  _core: CoreServices,
  _name: string,
  _actor: Actor,
): Promise<{ id: string; key: string }> {
  throw new Error('not implemented');
}

export async function revokeApiKey(_core: CoreServices, _id: string, _actor: Actor): Promise<void> {
  throw new Error('not implemented');
}

export async function listApiKeys(_core: CoreServices): Promise<ApiKeySummary[]> {
  throw new Error('not implemented');
}

export async function verifyApiKey(
  _core: CoreServices,
  _key: string,
): Promise<{ id: string; name: string } | null> {
  throw new Error('not implemented');
}
