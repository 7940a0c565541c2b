import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

/** A short page that tells what happened and where to go next (check your mail, link expired…). */
export function MessagePage({
  ctx,
  title,
  paragraphs,
  links = [],
}: {
  ctx: PageContext;
  title: string;
  paragraphs: string[];
  links?: { href: string; label: string }[];
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {paragraphs.map((p) => (
        <p key={p}>{p}</p>
      ))}
      {links.length > 0 && (
        <ul class="link-list">
          {links.map((link) => (
            <li key={link.href}>
              <a href={link.href}>{link.label}</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
