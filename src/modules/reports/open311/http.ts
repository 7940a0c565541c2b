/**
 * HTTP plumbing of the Open311 API: the format comes from the URL suffix, every answer is one
 * document of the domain serialised to XML or JSON, and every error is the spec's list
 * (`<errors><error>…` / `[{code, description}]`) with a 400, 403 or 404 status.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translate } from '../../../core/i18n/i18n.js';
import {
  buildErrors,
  type FormFields,
  httpStatusFor,
  type O311Document,
  OPEN311_CONTENT_TYPES,
  type Open311Error,
  type Open311Format,
  serialise,
} from '../domain/open311.js';

/** The format of a request, from the suffix of its path (XML, the mandatory one, by default). */
export function formatOfUrl(url: string): Open311Format {
  const path = url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** `DMR-2026-000123.json` → `{ name: 'DMR-2026-000123', format: 'json' }`; null without a known suffix. */
export function splitFormat(file: string): { name: string; format: Open311Format } | null {
  const match = /^(.+)\.(xml|json)$/.exec(file);
  return match ? { name: match[1]!, format: match[2] as Open311Format } : null;
}

export function sendDocument(
  reply: FastifyReply,
  format: Open311Format,
  document: O311Document,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', OPEN311_CONTENT_TYPES[format])
    .header('cache-control', 'no-store')
    .send(serialise(document, format));
}

/** An error list, each description translated for the asker (French unless they ask otherwise). */
export function sendErrors(
  reply: FastifyReply,
  t: Translate,
  format: Open311Format,
  errors: readonly Open311Error[],
): FastifyReply {
  const status = httpStatusFor(errors);
  const document = buildErrors(
    errors.map((error) => ({ code: error.code, description: t(error.key, error.params) })),
  );
  return sendDocument(reply, format, document, status);
}

/** A file sent in a multipart request (the `media` extension). */
export interface UploadedMedia {
  fieldname: string;
  filename: string;
  mimetype: string;
  data: Buffer;
}

interface MultipartPart {
  type: 'field' | 'file';
  fieldname: string;
  value?: unknown;
  filename?: string;
  mimetype?: string;
  toBuffer?: () => Promise<Buffer>;
}

function isPart(value: unknown): value is MultipartPart {
  return (
    typeof value === 'object' &&
    value !== null &&
    'fieldname' in value &&
    'type' in value &&
    ((value as MultipartPart).type === 'field' || (value as MultipartPart).type === 'file')
  );
}

/**
 * The fields of a form body, url-encoded or multipart (parsed with attachFieldsToBody: true),
 * as the domain's FormFields (repeated keys → arrays), plus the files of a multipart body.
 */
export async function readForm(
  request: FastifyRequest,
): Promise<{ fields: FormFields; files: UploadedMedia[] }> {
  const body = request.body;
  if (body === undefined || body === null) return { fields: {}, files: [] };
  if (typeof body !== 'object') return { fields: {}, files: [] };
  const fields: Record<string, string | string[]> = {};
  const files: UploadedMedia[] = [];
  const add = (key: string, value: string) => {
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  };
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (isPart(item)) {
        if (item.type === 'file' && item.toBuffer) {
          const data = await item.toBuffer();
          // A file input left empty still sends a part with no name and no bytes.
          if (data.length > 0 || item.filename) {
            files.push({
              fieldname: key,
              filename: item.filename ?? '',
              mimetype: item.mimetype ?? 'application/octet-stream',
              data,
            });
          }
        } else if (item.type === 'field') {
          add(key, String(item.value ?? ''));
        }
      } else if (typeof item === 'string' || typeof item === 'number') {
        add(key, String(item));
      }
    }
  }
  return { fields, files };
}

/** Query parameters as FormFields (Fastify already turns repeated keys into arrays). */
export function queryFields(request: FastifyRequest): FormFields {
  return (request.query ?? {}) as FormFields;
}

/** One value of a field, trimmed; empty counts as absent (spec: empty = not sent). */
export function fieldValue(fields: FormFields, key: string): string | null {
  const raw = fields[key];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined || first === null) return null;
  const text = String(first).trim();
  return text === '' ? null : text;
}
