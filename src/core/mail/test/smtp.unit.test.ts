import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCity, loadConfig } from '../../config/config.js';
import { translator } from '../../i18n/i18n.js';
import { composeMail } from '../compose.js';
import { createMailer } from '../mailer.js';
import { decodeWords, parseEml } from '../outbox.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

describe('mail through a real SMTP server (SMTP_URL)', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers a localised text + HTML message with the right subject and recipient', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DEMO: 'false',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'Mairie <no-reply@paris.example>',
    });
    const mailer = createMailer({
      smtpUrl: config.smtpUrl,
      outboxDir: '/nonexistent',
      from: config.mailFrom,
    });
    const message = composeMail(loadCity(undefined), translator('en'), {
      to: 'citizen@example.org',
      subject: 'Your report was fixed — thank you',
      paragraphs: ['The pothole on rue <Mouffetard> is repaired.'],
      action: { label: 'See it', url: 'https://example.org/reports/1' },
    });
    await mailer.deliver(message);

    expect(received).toHaveLength(1);
    const mail = received[0] as Received;
    expect(mail.from).toBe('no-reply@paris.example');
    expect(mail.to).toEqual(['citizen@example.org']);
    const parsed = parseEml(mail.raw);
    expect(parsed.headers.get('to')).toBe('citizen@example.org');
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(parsed.text).toContain('The pothole on rue <Mouffetard> is repaired.');
    expect(parsed.text).toContain('This message was sent to you by');
    expect(parsed.html).toContain('rue &lt;Mouffetard> is repaired.');
    expect(parsed.html).toContain('<html lang="en">');
    expect(decodeWords(parsed.headers.get('subject') ?? '')).toBe('Your report was fixed — thank you');
  });
});
