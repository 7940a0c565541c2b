import { renderToString } from 'preact-render-to-string';
import type { CityTheme } from '../config/config.js';
import type { Translate } from '../i18n/i18n.js';
import type { MailMessage } from './mailer.js';

export interface MailContent {
  to: string;
  subject: string;
  /** Paragraphs of plain text (already translated); escaped in the HTML body. */
  paragraphs: string[];
  action?: { label: string; url: string };
  /** A link that stops this kind of mail; also sent as List-Unsubscribe. */
  unsubscribeUrl?: string;
}

/**
 * One localised message with a text body and an equivalent HTML body. Every piece of text
 * goes through Preact, which escapes it, so a name or a title typed by someone can never
 * become markup. Mail clients ignore style sheets: the HTML body uses inline styles (it is
 * not one of our pages, so our CSP does not apply to it).
 */
export function composeMail(city: CityTheme, t: Translate, content: MailContent): MailMessage {
  const footer = t('core.mail.footer', { city: city.name });
  const textParts = [...content.paragraphs];
  if (content.action) {
    textParts.push(t('core.mail.link_text', { label: content.action.label, url: content.action.url }));
  }
  textParts.push('--', footer);
  if (content.unsubscribeUrl) {
    textParts.push(
      t('core.mail.link_text', { label: t('core.mail.unsubscribe'), url: content.unsubscribeUrl }),
    );
  }
  const html = renderToString(
    <html lang={t('core.mail.html_lang')}>
      <head>
        <meta charset="utf-8" />
        <title>{content.subject}</title>
      </head>
      <body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1b1b1b;">
        <p style={`font-weight: bold; color: ${city.colours.primary};`}>{city.name}</p>
        {content.paragraphs.map((p, index) => (
          <p key={index}>{p}</p>
        ))}
        {content.action && (
          <p>
            <a
              href={safeUrl(content.action.url)}
              style={`display: inline-block; padding: 10px 16px; background: ${city.colours.primary}; color: #ffffff; text-decoration: none;`}
            >
              {content.action.label}
            </a>
          </p>
        )}
        <hr />
        <p style="font-size: 13px; color: #555555;">{footer}</p>
        {content.unsubscribeUrl && (
          <p style="font-size: 13px;">
            <a href={safeUrl(content.unsubscribeUrl)}>{t('core.mail.unsubscribe')}</a>
          </p>
        )}
      </body>
    </html>,
  );
  return {
    to: content.to,
    subject: content.subject,
    text: textParts.join('\n\n'),
    html: `<!doctype html>${html}`,
    headers: content.unsubscribeUrl ? { 'List-Unsubscribe': `<${content.unsubscribeUrl}>` } : undefined,
  };
}

/** Links in mails are ours (http or https); anything else (javascript:…) is dropped. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}
