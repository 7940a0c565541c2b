/**
 * R4's test helpers: a small world (a service, an admin, an agent, categories with a question),
 * an Open311 client that only speaks the standard (form-encoded and multipart POSTs), and a
 * strict little XML reader (well-formedness + tree), so no XML dependency is needed.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { App } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import '../reports.tables.js';

export interface R4World {
  serviceId: string;
  adminId: string;
  agentId: string;
  /** Leaf with a required single-choice question. */
  leafId: string;
  /** Leaf without questions. */
  plainLeafId: string;
  inactiveLeafId: string;
}

async function user(core: CoreServices, name: string, isAdmin: boolean): Promise<string> {
  const row = await core.db
    .insertInto('account_user')
    .values({
      email: `${randomUUID().slice(0, 8)}@example.test`,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
      display_name: name,
      locale: 'fr',
      is_admin: isAdmin,
      notify_by_email: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createR4World(core: CoreServices): Promise<R4World> {
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const directorate = await core.db
    .insertInto('org_directorate')
    .values({ code: `DPE${suffix}`, name: 'Propreté et eau' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = await core.db
    .insertInto('org_service')
    .values({
      directorate_id: directorate.id,
      code: `PROP-${suffix}`,
      name: 'Division propreté du 5e',
      email: 'prop05@ville.test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const adminId = await user(core, 'Admin R4', true);
  const agentId = await user(core, 'Agent R4', false);
  await core.db
    .insertInto('org_membership')
    .values({ user_id: agentId, service_id: service.id, role: 'agent' })
    .execute();
  const question = {
    code: 'volume',
    datatype: 'singlevaluelist',
    required: true,
    order: 1,
    description: 'Quel volume ?',
    values: [
      { key: 'small', name: 'Petit' },
      { key: 'big', name: 'Gros <encombrant>' },
    ],
  };
  const parentId = `r4p${suffix}`;
  const ids = { leafId: `r4a${suffix}`, plainLeafId: `r4b${suffix}`, inactiveLeafId: `r4c${suffix}` };
  await core.db
    .insertInto('report_category')
    .values([
      { id: parentId, parent_id: null, label: 'Propreté', extra_questions: '[]', target_days: 5 },
      {
        id: ids.leafId,
        parent_id: parentId,
        label: 'Dépôt sauvage',
        aliases: ['Encombrants', 'Dépôt, sauvage'],
        default_service_id: service.id,
        extra_questions: JSON.stringify([question]),
        target_days: 7,
      },
      {
        id: ids.plainLeafId,
        parent_id: parentId,
        label: 'Graffiti',
        default_service_id: service.id,
        extra_questions: '[]',
      },
      {
        id: ids.inactiveLeafId,
        parent_id: parentId,
        label: 'Affichage sauvage',
        default_service_id: service.id,
        extra_questions: '[]',
        active: false,
      },
    ])
    .execute();
  return { serviceId: service.id, adminId, agentId, ...ids };
}

export async function jpegPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .toBuffer();
}

type Fields = Record<string, string | string[]>;

/** A plain Open311 client: no cookie, no CSRF token, form-encoded like the spec says. */
export function postForm(
  app: App,
  url: string,
  fields: Fields,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    payload: body.toString(),
  });
}

export function postMultipart(
  app: App,
  url: string,
  fields: Fields,
  files: { field: string; filename: string; type: string; data: Buffer }[],
): Promise<LightMyRequestResponse> {
  const boundary = `----r4${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`),
      );
    }
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(parts),
  });
}

// ---- a strict, tiny XML reader for the subset Open311 uses (no attributes, no CDATA) ----------

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '>') throw new Error('bare > in text');
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = raw.indexOf(';', i);
    if (end < 0) throw new Error('unterminated entity');
    const name = raw.slice(i + 1, end);
    if (name in ENTITIES) out += ENTITIES[name];
    else if (name.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    else if (name.startsWith('#')) out += String.fromCodePoint(Number(name.slice(1)));
    else throw new Error(`unknown entity &${name};`);
    i = end;
  }
  return out;
}

const NAME_START = (c: string) => /[A-Za-z_]/.test(c);

/** Parses the document or throws: declaration, one root, matched tags, escaped text. */
export function parseXml(xml: string): XmlElement {
  const declaration = '<?xml version="1.0" encoding="utf-8"?>';
  if (!xml.toLowerCase().startsWith(declaration)) throw new Error('no XML declaration');
  let i = declaration.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    const ch = xml[i]!;
    if (ch === '<') {
      const close = xml.indexOf('>', i);
      if (close < 0) throw new Error('unterminated tag');
      const inner = xml.slice(i + 1, close);
      i = close + 1;
      if (inner.startsWith('/')) {
        const name = inner.slice(1);
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`mismatched </${name}>`);
        if (stack.length === 0) root = open;
        continue;
      }
      const selfClosing = inner.endsWith('/');
      const name = selfClosing ? inner.slice(0, -1) : inner;
      if (!name || !NAME_START(name[0]!) || /[^A-Za-z0-9_.-]/.test(name))
        throw new Error(`bad tag <${inner}>`);
      if (root) throw new Error('content after the root');
      const element: XmlElement = { name, children: [], text: '' };
      stack.at(-1)?.children.push(element);
      if (selfClosing) {
        if (stack.length === 0) root = element;
      } else stack.push(element);
    } else {
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      i = next < 0 ? xml.length : next;
      const top = stack.at(-1);
      if (!top) {
        if (raw.trim() !== '') throw new Error('text outside the root');
      } else top.text += decodeText(raw);
    }
  }
  if (stack.length > 0 || !root) throw new Error('unclosed elements');
  return root;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}
