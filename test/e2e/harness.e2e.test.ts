/**
 * The harness itself: an audit that cannot fail proves nothing, so a page with known faults
 * must be reported, with JavaScript on and off; and the outbox reader decodes what
 * nodemailer writes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkA11y,
  closeBrowser,
  closePage,
  demoAccountsFrom,
  linkInMail,
  newPage,
  readOutbox,
} from './harness.js';

const faulty = `<!doctype html><html><head><title>x</title></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="nameless">
<p style="color:#ccc;background:#fff">pâle</p></body></html>`;
const clean = `<!doctype html><html lang="fr"><head><title>Propre</title></head><body>
<main><h1>Propre</h1><label for="a">Nom</label><input id="a" name="a"></main></body></html>`;

afterAll(async () => {
  await closeBrowser();
});

describe('checkA11y', () => {
  it.each([true, false])('reports the faults of a page (JavaScript %s)', async (javaScript) => {
    const page = await newPage({ javaScript });
    try {
      await page.route('http://harness.test/**', (route) =>
        route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: route.request().url().endsWith('/clean') ? clean : faulty,
        }),
      );
      await page.goto('http://harness.test/faulty');
      const error = await checkA11y(page, 'faulty').then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain('image-alt');
      expect(error?.message).toContain('html-has-lang');
      expect(error?.message).toContain('label');
      await page.goto('http://harness.test/clean');
      await checkA11y(page, 'clean');
    } finally {
      await closePage(page);
    }
  });
});

describe('outbox reader', () => {
  it('decodes subject, recipient and links of a text+HTML mail', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-outbox-'));
    mkdirSync(path.join(dataDir, 'outbox'));
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const link = `http://127.0.0.1:3000/inscription/confirmer/${'a'.repeat(60)}?x=1&y=2`;
    const info = await transport.sendMail({
      from: 'Ville <no-reply@example.org>',
      to: 'Élodie <elodie@example.org>',
      subject: 'Confirmez votre adresse électronique — Ville de Paris',
      text: `Bonjour,\n\nOuvrez ce lien : ${link}\n\nÀ bientôt, é è à ç`,
      html: `<p>Bonjour, <a href="${link.replace('&', '&amp;')}">confirmer</a></p>`,
    });
    writeFileSync(path.join(dataDir, 'outbox', '2026-01-01-mail.eml'), info.message as Buffer);
    const [mail] = readOutbox(dataDir);
    expect(mail?.to).toContain('elodie@example.org');
    expect(mail?.subject).toBe('Confirmez votre adresse électronique — Ville de Paris');
    expect(mail?.text).toContain('À bientôt, é è à ç');
    expect(linkInMail(mail as NonNullable<typeof mail>, 'http://127.0.0.1:3000', /^\/inscription\//)).toBe(
      link,
    );
  });
});

describe('demoAccountsFrom', () => {
  it('finds e-mail and password pairs in plain or JSON log lines', () => {
    const output = [
      'Comptes de démonstration :',
      '  admin@paris.example  /  demo-admin-2026',
      '{"level":30,"msg":"demo account","email":"agent@paris.example","password":"demo-agent-2026"}',
      'Server listening at http://127.0.0.1:3000',
    ].join('\n');
    expect(demoAccountsFrom(output)).toEqual([
      { email: 'admin@paris.example', password: 'demo-admin-2026' },
      { email: 'agent@paris.example', password: 'demo-agent-2026' },
    ]);
  });
});
