/**
 * Browser tier harness: the real server as a child process (see server.ts), one Chromium
 * shared by the tests of a file, axe audits, screenshots and the mail outbox.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './browser-path.js';
import { projectRoot, type ServerProcess } from './server.js';

export * from './server.js';
export const screenshotDir = path.join(projectRoot, 'test-results', 'screenshots');

/** The flags DESIGN.md fixes for Debian's Chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Axe rule tags: RGAA 4 (axe ≥ 4.11 tags its rules with it) and WCAG 2.1 A/AA. */
export const AXE_TAGS = ['RGAAv4', 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// ---------------------------------------------------------------------------------------
// Demo accounts, as the server prints them at start

export interface DemoAccount {
  email: string;
  password: string;
}

/**
 * The demo accounts printed by the server: every line holding an e-mail address followed
 * by a password (`admin@… / motdepasse`, `email: … password: …`, a table…). Log lines in
 * JSON are read through their `msg` and any string fields.
 */
export function demoAccountsFrom(output: string): DemoAccount[] {
  const accounts: DemoAccount[] = [];
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const line of output.split('\n')) {
    lines.push(line);
    if (line.startsWith('{')) {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(
          ...JSON.stringify(parsed)
            .split(/\\n|","|},{/)
            .map((s) => s.replace(/\\"/g, '"')),
        );
      } catch {
        // not JSON after all
      }
    }
  }
  const pattern =
    /([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})["'\s,;:|/()→=-]*(?:(?:password|mot de passe|mdp|pass)["'\s:=]*)?["']?([^\s"',;|()]{6,})/i;
  for (const line of lines) {
    const match = pattern.exec(line);
    if (!match) continue;
    const [, email, password] = match;
    if (!email || !password || password.includes('@') || seen.has(email)) continue;
    seen.add(email);
    accounts.push({ email, password });
  }
  return accounts;
}

/** The demo account the server printed for `email`; fails with the server's output if absent. */
export function demoAccount(server: ServerProcess, email: string): DemoAccount {
  const found = demoAccountsFrom(server.output()).find((a) => a.email === email);
  if (!found) throw new Error(`Demo account ${email} not printed by the server:\n${server.output()}`);
  return found;
}

/** Signs in through the form, as a person does, and waits for the page after it. */
export async function signIn(page: Page, server: ServerProcess, who: DemoAccount): Promise<void> {
  await page.goto(`${server.url}/connexion`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/connexion', { waitUntil: 'load' }),
    page.locator('main form[action="/connexion"] button[type="submit"]').click(),
  ]);
}

// ---------------------------------------------------------------------------------------
// The outbox

export interface OutboxMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every http(s) link found in the text and HTML parts. */
  links: string[];
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const soft = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const char = soft[i] as string;
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeaderValue(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, kind: string, text: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const index = raw.search(/\r?\n\r?\n/);
  const head = index === -1 ? raw : raw.slice(0, index);
  const body = index === -1 ? '' : raw.slice(index).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function collectParts(raw: string, into: { text: string; html: string }) {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      collectParts(part.replace(/^\r?\n/, ''), into);
    }
    return;
  }
  const decoded = decodeBody(headers, body);
  if (type.toLowerCase().startsWith('text/html')) into.html += decoded;
  else if (type.toLowerCase().startsWith('text/plain')) into.text += decoded;
}

/** Parses one .eml file written by the outbox transport. */
export function parseEml(file: string): OutboxMail {
  const raw = readFileSync(file, 'utf8');
  const { headers } = splitHeaders(raw);
  const parts = { text: '', html: '' };
  collectParts(raw, parts);
  const links = new Set<string>();
  for (const match of `${parts.text}\n${parts.html}`.matchAll(/https?:\/\/[^\s"'<>)\]]+/g)) {
    links.add(match[0].replace(/&amp;/g, '&').replace(/[.,;]+$/, ''));
  }
  return {
    file,
    to: decodeHeaderValue(headers.get('to') ?? ''),
    subject: decodeHeaderValue(headers.get('subject') ?? ''),
    text: parts.text,
    html: parts.html,
    links: [...links],
  };
}

/** Every mail in `<dataDir>/outbox`, oldest first. */
export function readOutbox(dataDir: string): OutboxMail[] {
  const dir = path.join(dataDir, 'outbox');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .map((n) => parseEml(path.join(dir, n)));
}

/** Waits for a mail to `to` (jobs deliver mail a moment after the request). */
export async function waitForMail(
  dataDir: string,
  to: string,
  options: { timeoutMs?: number; matching?: (mail: OutboxMail) => boolean } = {},
): Promise<OutboxMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const mail = readOutbox(dataDir)
      .reverse()
      .find((m) => m.to.toLowerCase().includes(to.toLowerCase()) && (options.matching?.(m) ?? true));
    if (mail) return mail;
    if (Date.now() > deadline) {
      const found = readOutbox(dataDir).map((m) => `${m.to}: ${m.subject}`);
      throw new Error(`No mail to ${to} in the outbox. Found: ${JSON.stringify(found)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The link of a mail that leads to our server, optionally the one whose path matches. */
export function linkInMail(mail: OutboxMail, baseUrl: string, pathPattern?: RegExp): string {
  const origin = new URL(baseUrl).origin;
  const link = mail.links.find((l) => {
    try {
      const u = new URL(l);
      return u.origin === origin && (!pathPattern || pathPattern.test(u.pathname));
    } catch {
      return false;
    }
  });
  if (!link) throw new Error(`No link to ${origin} in mail "${mail.subject}": ${mail.links.join(', ')}`);
  return link;
}

// ---------------------------------------------------------------------------------------
// Browser

let sharedBrowser: Browser | null = null;
/** Pages opened with JavaScript off: axe cannot run in them (its timers never fire). */
const withoutJavaScript = new WeakSet<Page>();

/** One Chromium per test file (a worker), launched on first use. */
export async function browser(): Promise<Browser> {
  if (sharedBrowser?.isConnected()) return sharedBrowser;
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found: install it or set CHROMIUM_PATH');
  sharedBrowser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return sharedBrowser;
}

export async function closeBrowser(): Promise<void> {
  const b = sharedBrowser;
  sharedBrowser = null;
  await b?.close();
}

export interface PageOptions {
  javaScript?: boolean;
  /** Viewport width in CSS pixels (default 1280). */
  width?: number;
  height?: number;
  locale?: string;
  baseURL?: string;
}

/** A page in a new context (its own cookies), with JavaScript on or off. */
export async function newPage(options: PageOptions = {}): Promise<Page> {
  const b = await browser();
  const context = await b.newContext({
    javaScriptEnabled: options.javaScript !== false,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: options.locale ?? 'fr-FR',
    baseURL: options.baseURL,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  if (options.javaScript === false) withoutJavaScript.add(page);
  return page;
}

/** Closes a page's context, and so its cookies. */
export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

/** Full-page screenshot into test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolationSummary {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Readable lines for a failed audit. */
export function formatViolations(name: string, url: string, violations: AxeViolationSummary[]): string {
  const lines = [`axe: ${violations.length} violation(s) on "${name}" (${url})`];
  for (const v of violations) {
    lines.push(`\n• ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n  ${v.helpUrl}`);
    for (const node of v.nodes.slice(0, 5)) {
      lines.push(`  - ${node.target}\n    ${node.html.slice(0, 200)}`);
      if (node.summary) lines.push(`    ${node.summary.replace(/\n/g, '\n    ')}`);
    }
    if (v.nodes.length > 5) lines.push(`  … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/**
 * A frame sandboxed without scripts (the outbox shows a mail's HTML in one) runs no timer,
 * so axe would wait for it forever: such frames are left out of the audit, like pages
 * without JavaScript are audited through a copy.
 */
const SCRIPTLESS_FRAMES = 'iframe[sandbox]:not([sandbox~="allow-scripts"])';

function axeBuilder(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).withTags(AXE_TAGS).exclude(SCRIPTLESS_FRAMES);
}

/**
 * Axe with the RGAA 4 and WCAG 2.1 A/AA rules on the page as it is now; throws with
 * a readable list of the violations when there is any.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const results = withoutJavaScript.has(page) ? await analyseMirror(page) : await axeBuilder(page).analyze();
  const violations: AxeViolationSummary[] = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(' '),
      html: n.html,
      summary: n.failureSummary ?? '',
    })),
  }));
  if (violations.length > 0) throw new Error(formatViolations(name, page.url(), violations));
}

/**
 * A page without JavaScript is audited through a copy: the same HTML at the same address,
 * in a page with JavaScript on but every script request refused, so that the DOM axe sees
 * is the one a visitor without JavaScript gets, with the same styles.
 */
async function analyseMirror(page: Page) {
  const html = await page.content();
  const url = page.url();
  const b = await browser();
  const context = await b.newContext({ viewport: page.viewportSize() ?? { width: 1280, height: 900 } });
  try {
    const mirror = await context.newPage();
    await mirror.route('**/*', (route) => {
      const request = route.request();
      if (request.url() === url && request.resourceType() === 'document') {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      if (request.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await mirror.goto(url);
    return await axeBuilder(mirror).analyze();
  } finally {
    await context.close();
  }
}

/** Audits and photographs a page in one go: `<name>` is both the audit label and the file name. */
export async function auditPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await checkA11y(page, name);
}

/**
 * A link to a file (`.csv`, `.pb`, `.geojson`…) rather than to a page: crawls fetch it, they
 * do not open it. A mail in the outbox (`….eml`) is shown as a page.
 */
export function isDownload(pathname: string): boolean {
  return /\.(csv|pb|json|geojson|xml|ics|pdf|zip|png|jpe?g|webp)$/i.test(pathname);
}
