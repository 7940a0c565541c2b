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

/** One localised message with a text body and an equivalent, escaped HTML body. */
export function composeMail(city: CityTheme, t: Translate, content: MailContent): MailMessage {
  const footer = t('core.mail.footer', { city: city.name });
  const textParts = [...content.paragraphs];
  if (content.action) textParts.push(`${content.action.label} : ${content.action.url}`);
  textParts.push('--', footer);
  if (content.unsubscribeUrl) textParts.push(`${t('core.mail.unsubscribe')} : ${content.unsubscribeUrl}`);
  const html = renderToString(
    <html lang="fr">
      <body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1b1b1b;">
        <p style={`font-weight: bold; color: ${city.colours.primary};`}>{city.name}</p>
        {content.paragraphs.map((p) => (
          <p key={p}>{p}</p>
        ))}
        {content.action && (
          <p>
            <a
              href={content.action.url}
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
            <a href={content.unsubscribeUrl}>{t('core.mail.unsubscribe')}</a>
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
