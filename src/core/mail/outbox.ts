import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads the .eml files the default transport writes to `<DATA_DIR>/outbox`. A small MIME
 * reader is enough for our own files (nodemailer output: headers with RFC 2047 words,
 * multipart/alternative, quoted-printable or base64 parts, UTF-8), so no extra dependency.
 */

export interface OutboxEntry {
  file: string;
  date: Date;
  to: string;
  subject: string;
}

export interface OutboxMessage extends OutboxEntry {
  from: string;
  text: string | null;
  html: string | null;
}

/** Our own file names only: no folder, no `..`, nothing but safe characters. */
const FILE_NAME = /^[A-Za-z0-9@._-]{1,200}\.eml$/;

export function isOutboxFileName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes('..') && path.basename(name) === name;
}

export async function listOutbox(outboxDir: string, limit = 200): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = (await readdir(outboxDir)).filter(isOutboxFileName);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const withTimes = await Promise.all(
    names.map(async (file) => ({ file, mtime: (await stat(path.join(outboxDir, file))).mtimeMs })),
  );
  // Newest first; file names start with an ISO time stamp, which breaks ties.
  withTimes.sort((a, b) => b.mtime - a.mtime || b.file.localeCompare(a.file));
  const entries: OutboxEntry[] = [];
  for (const { file } of withTimes.slice(0, limit)) {
    const message = await readOutboxMessage(outboxDir, file);
    if (message) entries.push({ file, date: message.date, to: message.to, subject: message.subject });
  }
  return entries;
}

/** null when the name is not one of ours or the file does not exist. */
export async function readOutboxMessage(outboxDir: string, file: string): Promise<OutboxMessage | null> {
  if (!isOutboxFileName(file)) return null;
  let raw: string;
  try {
    raw = await readFile(path.join(outboxDir, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const message = parseEml(raw);
  const dateHeader = message.headers.get('date');
  const date = dateHeader ? new Date(dateHeader) : new Date(0);
  return {
    file,
    date: Number.isNaN(date.getTime()) ? new Date(0) : date,
    from: decodeWords(message.headers.get('from') ?? ''),
    to: decodeWords(message.headers.get('to') ?? ''),
    subject: decodeWords(message.headers.get('subject') ?? ''),
    text: message.text,
    html: message.html,
  };
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

export function parseEml(raw: string): {
  headers: Map<string, string>;
  text: string | null;
  html: string | null;
} {
  const root = splitPart(raw.replace(/\r\n/g, '\n'));
  const found = { text: null as string | null, html: null as string | null };
  walk(root, found);
  return { headers: root.headers, ...found };
}

function splitPart(source: string): MimePart {
  const end = source.indexOf('\n\n');
  const head = end === -1 ? source : source.slice(0, end);
  const body = end === -1 ? '' : source.slice(end + 2);
  const headers = new Map<string, string>();
  // Folded header lines continue with white space.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function walk(part: MimePart, found: { text: string | null; html: string | null }): void {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const mediaType = (type.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return;
    const sections = part.body.split(`--${boundary}`);
    // Before the first boundary is the preamble; after the closing `--` the epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      walk(splitPart(section.replace(/^\n/, '')), found);
    }
    return;
  }
  const disposition = part.headers.get('content-disposition') ?? '';
  if (disposition.toLowerCase().startsWith('attachment')) return;
  const content = decodeBody(part.body, part.headers.get('content-transfer-encoding') ?? '7bit');
  if (mediaType === 'text/plain' && found.text === null) found.text = content.replace(/\n$/, '');
  if (mediaType === 'text/html' && found.html === null) found.html = content;
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

function decodeQuotedPrintable(body: string): string {
  // Trailing white space on a line is padding; `=` at the end of a line is a soft break.
  return decodeHexEscapes(body.replace(/[ \t]+$/gm, '').replace(/=\n/g, ''));
}

function decodeHexEscapes(source: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    const hex = source.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=` or `=?UTF-8?B?…?=`), as nodemailer writes them. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, text: string) => {
      if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      return decodeHexEscapes(text.replace(/_/g, ' '));
    });
}
