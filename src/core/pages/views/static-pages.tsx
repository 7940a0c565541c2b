import type { ComponentChildren } from 'preact';
import { Banner, Breadcrumbs } from '../../views/components/ui.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

function Page({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={title}>
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: ctx.t('core.layout.nav_home'), href: '/' }, { label: title }]}
      />
      <div class="prose">
        <h1>{title}</h1>
        {children}
      </div>
    </Layout>
  );
}

/** The accessibility statement RGAA asks for (conformity status, tests, gaps, contact, recourse). */
export function AccessibilityPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const city = ctx.city.name;
  const email = ctx.city.contactEmail;
  return (
    <Page ctx={ctx} title={t('core.a11y.title')}>
      <p class="lead">{t('core.a11y.intro', { city })}</p>
      <p>{t('core.a11y.scope', { city })}</p>

      <h2>{t('core.a11y.status_title')}</h2>
      <Banner tone="warning">
        <p>
          <strong>{t('core.a11y.status')}</strong>
        </p>
      </Banner>
      <p>{t('core.a11y.status_detail')}</p>

      <h2>{t('core.a11y.tests_title')}</h2>
      <p>{t('core.a11y.tests_intro')}</p>
      <ul>
        <li>{t('core.a11y.test_axe')}</li>
        <li>{t('core.a11y.test_keyboard')}</li>
        <li>{t('core.a11y.test_nojs')}</li>
      </ul>
      <p>{t('core.a11y.tests_limit')}</p>

      <h2>{t('core.a11y.gaps_title')}</h2>
      <p>{t('core.a11y.gaps_intro')}</p>
      <ul>
        <li>{t('core.a11y.gap_maps')}</li>
        <li>{t('core.a11y.gap_uploads')}</li>
        <li>{t('core.a11y.gap_audit')}</li>
      </ul>

      <h2>{t('core.a11y.technologies_title')}</h2>
      <p>{t('core.a11y.technologies')}</p>

      <h2>{t('core.a11y.contact_title')}</h2>
      <p>{t('core.a11y.contact')}</p>
      <ul>
        <li>
          {t('core.a11y.contact_email')} <a href={`mailto:${email}`}>{email}</a>
        </li>
      </ul>

      <h2>{t('core.a11y.recourse_title')}</h2>
      <p>{t('core.a11y.recourse')}</p>
      <ul>
        <li>
          <a href="https://formulaire.defenseurdesdroits.fr/">{t('core.a11y.recourse_form')}</a>
        </li>
        <li>
          <a href="https://www.defenseurdesdroits.fr/saisir/delegues">{t('core.a11y.recourse_delegate')}</a>
        </li>
        <li>{t('core.a11y.recourse_mail')}</li>
      </ul>
    </Page>
  );
}

export function LegalNoticePage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const city = ctx.city.name;
  const email = ctx.city.contactEmail;
  return (
    <Page ctx={ctx} title={t('core.legal.title')}>
      <h2>{t('core.legal.publisher_title')}</h2>
      <p>{t('core.legal.publisher', { city })}</p>
      <p>
        {t('core.legal.contact')} <a href={`mailto:${email}`}>{email}</a>
      </p>
      <p>{t('core.legal.director')}</p>

      <h2>{t('core.legal.hosting_title')}</h2>
      <p>{t('core.legal.hosting', { city })}</p>

      <h2>{t('core.legal.software_title')}</h2>
      <p>{t('core.legal.software')}</p>

      <h2>{t('core.legal.content_title')}</h2>
      <p>{t('core.legal.content', { city })}</p>

      <h2>{t('core.legal.personal_data_title')}</h2>
      <p>
        {t('core.legal.personal_data')} <a href="/donnees-personnelles">{t('core.layout.personal_data')}</a>
      </p>
    </Page>
  );
}

export function PersonalDataPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const city = ctx.city.name;
  const email = ctx.city.contactEmail;
  return (
    <Page ctx={ctx} title={t('core.privacy.title')}>
      <p class="lead">{t('core.privacy.intro', { city })}</p>

      <h2>{t('core.privacy.what_title')}</h2>
      <ul>
        <li>{t('core.privacy.what_account')}</li>
        <li>{t('core.privacy.what_sessions')}</li>
        <li>{t('core.privacy.what_contributions')}</li>
        <li>{t('core.privacy.what_audit')}</li>
      </ul>
      <p>{t('core.privacy.never_public')}</p>

      <h2>{t('core.privacy.why_title')}</h2>
      <p>{t('core.privacy.why', { city })}</p>

      <h2>{t('core.privacy.how_long_title')}</h2>
      <ul>
        <li>{t('core.privacy.how_long_account')}</li>
        <li>{t('core.privacy.how_long_sessions')}</li>
        <li>{t('core.privacy.how_long_contributions')}</li>
      </ul>

      <h2>{t('core.privacy.cookies_title')}</h2>
      <p>{t('core.privacy.cookies')}</p>

      <h2>{t('core.privacy.rights_title')}</h2>
      <p>{t('core.privacy.rights_intro')}</p>
      <ul>
        <li>{t('core.privacy.right_access')}</li>
        <li>{t('core.privacy.right_rectify')}</li>
        <li>{t('core.privacy.right_erase')}</li>
      </ul>
      <p>
        <a href="/compte">{t('core.privacy.go_to_account')}</a>
      </p>

      <h2>{t('core.privacy.contact_title')}</h2>
      <p>
        {t('core.privacy.contact', { city })} <a href={`mailto:${email}`}>{email}</a>
      </p>
      <p>{t('core.privacy.cnil')}</p>
    </Page>
  );
}

export function SitemapPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('core.layout.sitemap')}>
      <ul class="sitemap">
        <li>
          <a href="/">{t('core.layout.nav_home')}</a>
        </li>
        {ctx.nav.map((item) => (
          <li key={item.href}>
            <a href={item.href}>{t(item.labelKey)}</a>
          </li>
        ))}
        <li>
          <a href="/connexion">{t('core.layout.sign_in')}</a>
        </li>
        <li>
          <a href="/inscription">{t('core.layout.sign_up')}</a>
        </li>
        <li>
          <a href="/compte">{t('core.layout.my_account')}</a>
        </li>
        <li>
          <a href="/accessibilite">{t('core.layout.accessibility')}</a>
        </li>
        <li>
          <a href="/mentions-legales">{t('core.layout.legal')}</a>
        </li>
        <li>
          <a href="/donnees-personnelles">{t('core.layout.personal_data')}</a>
        </li>
        <li>
          <a href="/design">{t('core.layout.design_system')}</a>
        </li>
      </ul>
    </Page>
  );
}
