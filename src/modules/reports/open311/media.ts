/**
 * Photos given by link: an Open311 client may send `media_url` instead of a file. The link is
 * kept with the report (agents see it among the answers); a job then fetches the picture once and
 * makes it a photo of the report like an uploaded one: sniffed, re-encoded without metadata,
 * pending until an agent accepts it when the city reviews photos, so nothing from a link is ever
 * public before that review.
 *
 * Fetching a URL a client chose is a server-side request on its behalf: only http(s), only
 * public addresses (every address a name resolves to is checked when the connection is made, so
 * DNS cannot point it back inside), at most three redirects (each checked again), 10 s, 10 MB,
 * an image content type; anything else is given up and noted in the audit log.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { recordAudit, systemActor } from '../../../core/audit/audit.js';
import type { CoreServices } from '../../../core/services.js';
import {
  deletePhotoFile,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS,
  PhotoError,
  processPhoto,
  storePhotoFile,
} from '../photos.js';
import '../reports.tables.js';

export const OPEN311_MEDIA_JOB = 'reports.open311-media';
const TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export interface MediaJob {
  reportId: string;
  url: string;
}

/** Why a link gave no photo (the audit log keeps it). */
export class MediaFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MediaFetchError';
  }
}

// Loopback, private, link-local, shared, multicast, reserved, documentation: never fetched.
const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

/** True for an address a server may reach on a client's say-so. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4 written as IPv6 (::ffff:10.0.0.1) is checked as IPv4.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]!);
    return !blocked.check(address, 'ipv6');
  }
  return !blocked.check(address, 'ipv4');
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses names resolving to an address that is not public. */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as dns.LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
      return callback(Object.assign(new Error('address not allowed'), { code: 'EADDRNOTALLOWED' }), []);
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

/** One GET, no redirect followed; the body up to the limit. */
function getOnce(
  url: URL,
  allowPrivate: boolean,
): Promise<{ status: number; location: string | null; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(
      url,
      {
        timeout: TIMEOUT_MS,
        headers: { accept: 'image/*', 'user-agent': 'ville-ouverte-open311' },
        ...(allowPrivate ? {} : { lookup: guardedLookup as never }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          response.resume();
          return resolve({
            status,
            location: response.headers.location ?? null,
            type: '',
            body: Buffer.alloc(0),
          });
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > MAX_PHOTO_BYTES) {
          request.destroy();
          return reject(new MediaFetchError('too_large'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_PHOTO_BYTES) {
            request.destroy();
            reject(new MediaFetchError('too_large'));
          } else chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status,
            location: null,
            type: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new MediaFetchError('timeout')));
    request.on('error', (error) =>
      reject(
        error instanceof MediaFetchError
          ? error
          : new MediaFetchError(
              (error as NodeJS.ErrnoException).code === 'EADDRNOTALLOWED' ? 'address' : 'network',
            ),
      ),
    );
  });
}

/**
 * The bytes of the picture at `url`. `allowPrivate` lifts the address check (tests serve their
 * pictures from 127.0.0.1). Throws MediaFetchError.
 */
export async function fetchMedia(url: string, options: { allowPrivate?: boolean } = {}): Promise<Buffer> {
  const allowPrivate = options.allowPrivate ?? false;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new MediaFetchError('url');
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new MediaFetchError('url');
    if (current.username || current.password) throw new MediaFetchError('url');
    // An address written in the URL is connected to without any lookup: check it here.
    const host = current.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && net.isIP(host) && !isPublicAddress(host)) throw new MediaFetchError('address');
    const answer = await getOnce(current, allowPrivate);
    if (answer.location !== null) {
      try {
        current = new URL(answer.location, current);
      } catch {
        throw new MediaFetchError('url');
      }
      continue;
    }
    if (answer.status !== 200) throw new MediaFetchError(`status_${answer.status}`);
    if (!/^image\//i.test(answer.type)) throw new MediaFetchError('not_image');
    return answer.body;
  }
  throw new MediaFetchError('redirects');
}

/**
 * The job: fetch the link and add it to the report as a photo (pending when the city reviews
 * photos), unless the report already has its three photos. A link that gives no photo is noted
 * in the audit log and not tried again; only network failures are retried by the queue.
 */
export async function attachMediaPhoto(core: CoreServices, job: MediaJob): Promise<void> {
  const report = await core.db
    .selectFrom('report_report')
    .select(['id', 'reference'])
    .where('id', '=', job.reportId)
    .executeTakeFirst();
  if (!report) return;
  const refuse = (reason: string) =>
    recordAudit(core.db, systemActor, {
      action: 'reports.report.media_refused',
      objectType: 'report_report',
      objectId: report.id,
      details: { url: job.url.slice(0, 500), reason },
    });
  let photo: Awaited<ReturnType<typeof processPhoto>>;
  try {
    photo = await processPhoto(await fetchMedia(job.url, { allowPrivate: core.config.env === 'test' }));
  } catch (error) {
    if (error instanceof MediaFetchError && (error.reason === 'network' || error.reason === 'timeout')) {
      throw error;
    }
    if (error instanceof MediaFetchError || error instanceof PhotoError) {
      await refuse(error instanceof PhotoError ? 'not_image' : error.reason);
      return;
    }
    throw error;
  }
  const key = await storePhotoFile(core.config.dataDir, photo.jpeg);
  try {
    const added = await core.db.transaction().execute(async (tx) => {
      const count = await tx
        .selectFrom('report_photo')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('report_id', '=', report.id)
        .where('kind', '=', 'initial')
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_PHOTOS) return false;
      const row = await tx
        .insertInto('report_photo')
        .values({
          report_id: report.id,
          kind: 'initial',
          status: core.config.city.reports.photoReview ? 'pending' : 'accepted',
          storage_key: key,
          width: photo.width,
          height: photo.height,
          bytes: photo.jpeg.length,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, systemActor, {
        action: 'reports.report.media_attached',
        objectType: 'report_report',
        objectId: report.id,
        details: { url: job.url.slice(0, 500), photoId: row.id },
      });
      return true;
    });
    if (!added) {
      await deletePhotoFile(core.config.dataDir, key);
      await refuse('too_many');
    }
  } catch (error) {
    await deletePhotoFile(core.config.dataDir, key);
    throw error;
  }
}

export function registerOpen311MediaJob(core: CoreServices): void {
  core.jobs.register<MediaJob>(OPEN311_MEDIA_JOB, (job) => attachMediaPhoto(core, job));
}
