/**
 * Keyed pseudonyms of the vote (see BALLOTS.md). The ballot key is derived from the server's
 * secret with HKDF and never stored: the database holds HMACs under it, 128 bits each, written
 * as uuids. Without the key, no table links an account or a person to a ballot.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export type BallotKey = Buffer;

const cache = new Map<string, BallotKey>();

/** BUDGET_BALLOT_KEY = HKDF-SHA256(secret, salt "ville-ouverte", info "budget-ballot-key"). */
export function deriveBallotKey(secret: string): BallotKey {
  let key = cache.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'ville-ouverte', 'budget-ballot-key', 32));
    cache.set(secret, key);
  }
  return key;
}

function keyedUuid(key: BallotKey, message: string): string {
  const hex = createHmac('sha256', key).update(message, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A name as the dedupe compares it: letters and digits only, no accents, lower case, so that
 * "Lefèvre-Dupont", "LEFEVRE DUPONT" and "lefevre dupont" are the same person.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export interface Person {
  lastName: string;
  firstName: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

/** The same person whether they declare online or are entered at a booth. */
export function personKey(key: BallotKey, campaignId: string, person: Person): string {
  return keyedUuid(
    key,
    `person|${campaignId}|${normaliseName(person.lastName)}|${normaliseName(person.firstName)}|${person.birthDate}`,
  );
}

export function accountKey(key: BallotKey, campaignId: string, userId: string): string {
  return keyedUuid(key, `account|${campaignId}|${userId}`);
}

export function ballotKeyOf(key: BallotKey, campaignId: string, person: string): string {
  return keyedUuid(key, `ballot|${campaignId}|${person}`);
}
