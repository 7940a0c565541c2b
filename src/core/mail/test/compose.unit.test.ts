import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCity } from '../../config/config.js';
import { translator } from '../../i18n/i18n.js';
import { composeMail } from '../compose.js';
import { createMailer } from '../mailer.js';
import { decodeWords, isOutboxFileName, listOutbox, readOutboxMessage } from '../outbox.js';

const city = loadCity(undefined);

describe('composeMail', () => {
  it('escapes what people typed: a <script> in a paragraph stays text in the HTML part', () => {
    const mail = composeMail(city, translator('fr'), {
      to: 'a@example.org',
      subject: 'Test',
      paragraphs: ['Bonjour <script>alert("x")</script> & <b>gras</b>'],
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; &lt;b>gras&lt;/b>');
    expect(mail.text).toContain('Bonjour <script>alert("x")</script>');
  });

  it('drops a link that is not http(s)', () => {
    const mail = composeMail(city, translator('fr'), {
      to: 'a@example.org',
      subject: 'Test',
      paragraphs: ['x'],
      action: { label: 'Ouvrir', url: 'javascript:alert(1)' },
    });
    expect(mail.html).not.toContain('javascript:');
  });

  it('is localised: French and English footers, links and lang attribute', () => {
    const content = {
      to: 'a@example.org',
      subject: 'S',
      paragraphs: ['P'],
      action: { label: 'Go', url: 'https://example.org/x' },
      unsubscribeUrl: 'https://example.org/stop',
    };
    const fr = composeMail(city, translator('fr'), content);
    const en = composeMail(city, translator('en'), content);
    expect(fr.text).toContain(`Ce message vous est envoyé par ${city.name}`);
    expect(fr.text).toContain('Go : https://example.org/x');
    expect(fr.text).toContain('Ne plus recevoir ces messages : https://example.org/stop');
    expect(fr.html).toContain('<html lang="fr">');
    expect(en.text).toContain(`This message was sent to you by ${city.name}`);
    expect(en.text).toContain('Go: https://example.org/x');
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Stop receiving these messages');
    expect(en.headers).toEqual({ 'List-Unsubscribe': '<https://example.org/stop>' });
  });
});

describe('outbox', () => {
  it('writes an .eml and reads it back: accents in the subject, text and HTML parts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vo-outbox-'));
    const mailer = createMailer({ outboxDir: dir, from: 'Ville de Paris <no-reply@paris.example>' });
    const mail = composeMail(city, translator('fr'), {
      to: 'élodie@example.org',
      subject: 'Votre signalement a été traité — merci !',
      paragraphs: ['Déchets enlevés rue de Rivoli. '.repeat(8), 'Ligne = avec égal'],
    });
    await mailer.deliver(mail);
    await mailer.deliver({ ...mail, subject: 'Second' });
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    const list = await listOutbox(dir);
    expect(list.map((e) => e.subject)).toEqual(['Second', 'Votre signalement a été traité — merci !']);
    const message = await readOutboxMessage(dir, list[1]?.file as string);
    expect(message?.to).toBe('élodie@example.org');
    expect(message?.from).toContain('no-reply@paris.example');
    expect(message?.text).toContain('Déchets enlevés rue de Rivoli. Déchets');
    expect(message?.text).toContain('Ligne = avec égal');
    expect(message?.html).toContain('<p>Ligne = avec égal</p>');
  });

  it('refuses file names that leave the outbox', async () => {
    for (const name of ['../secret.eml', '..%2Fx.eml', 'a/b.eml', '.eml.', 'x.txt', '....eml']) {
      expect(isOutboxFileName(name)).toBe(false);
    }
    expect(await readOutboxMessage(tmpdir(), '../etc.eml')).toBeNull();
    expect(await listOutbox(path.join(tmpdir(), 'does-not-exist-vo'))).toEqual([]);
  });

  it('decodes RFC 2047 words', () => {
    expect(decodeWords('=?UTF-8?Q?Caf=C3=A9_cr=C3=A8me?=')).toBe('Café crème');
    expect(decodeWords('=?UTF-8?B?w6l0w6k=?= =?UTF-8?Q?_!?=')).toBe('été !');
    // A space encoded at the end of a folded word is kept.
    expect(decodeWords('=?UTF-8?Q?Votre_lien_=E2=80=94_Ville_?= =?UTF-8?Q?de_Paris?=')).toBe(
      'Votre lien — Ville de Paris',
    );
  });
});
