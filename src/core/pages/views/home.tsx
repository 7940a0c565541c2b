import type { ComponentChildren } from 'preact';
import { ButtonGroup, ButtonLink } from '../../views/components/form.js';
import { Banner, Card, CardGrid } from '../../views/components/ui.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

export interface ServiceCard {
  title: string;
  description: string;
  href: string;
}

/** The home page: the city's services (one card per enabled module), then what the account gives. */
export function HomePage({ ctx, services }: { ctx: PageContext; services: ServiceCard[] }) {
  const { t } = ctx;
  // Prose reads better with the short name ("les services de Paris").
  const city = ctx.city.shortName;
  return (
    <Layout ctx={ctx} title={t('core.home.title')} fullWidth>
      <section class="hero" aria-labelledby="hero-title">
        <div class="container">
          <p class="hero__kicker">{t('core.home.kicker')}</p>
          <h1 id="hero-title">{t('core.home.heading', { city })}</h1>
          <p class="hero__lead">{t('core.home.lead', { city })}</p>
          <ButtonGroup>
            {ctx.viewer ? (
              <ButtonLink href="/compte">{t('core.layout.my_account')}</ButtonLink>
            ) : (
              <>
                <ButtonLink href="/inscription">{t('core.layout.sign_up')}</ButtonLink>
                <ButtonLink href="/connexion" variant="secondary">
                  {t('core.layout.sign_in')}
                </ButtonLink>
              </>
            )}
          </ButtonGroup>
        </div>
      </section>

      <div class="container">
        <section class="section" aria-labelledby="services-title">
          <h2 class="section__title" id="services-title">
            {t('core.home.services_title')}
          </h2>
          <p class="section__intro">{t('core.home.services_intro', { city })}</p>
          {services.length > 0 ? (
            <CardGrid>
              {services.map((service) => (
                <Card title={service.title} href={service.href}>
                  <p>{service.description}</p>
                </Card>
              ))}
            </CardGrid>
          ) : (
            <Banner tone="info" headingLevel={3} title={t('core.home.no_services_title')}>
              <p>{t('core.home.no_services', { city })}</p>
            </Banner>
          )}
        </section>

        <section class="section" aria-labelledby="platform-title">
          <h2 class="section__title" id="platform-title">
            {t('core.home.platform_title')}
          </h2>
          <p class="section__intro">{t('core.home.platform_intro')}</p>
          <CardGrid>
            <Card title={t('core.home.card_account_title')} href="/inscription" icon={<AccountIcon />}>
              <p>{t('core.home.card_account', { city })}</p>
            </Card>
            <Card title={t('core.home.card_data_title')} href="/donnees-personnelles" icon={<LockIcon />}>
              <p>{t('core.home.card_data')}</p>
            </Card>
            <Card title={t('core.home.card_a11y_title')} href="/accessibilite" icon={<AccessibilityIcon />}>
              <p>{t('core.home.card_a11y')}</p>
            </Card>
          </CardGrid>
        </section>

        <section class="section" aria-labelledby="account-title">
          <div class="callout">
            <div>
              <h2 class="callout__title" id="account-title">
                {t('core.home.account_title')}
              </h2>
              <p>{t('core.home.account_text', { city })}</p>
            </div>
            {ctx.viewer ? (
              <ButtonLink href="/compte">{t('core.layout.my_account')}</ButtonLink>
            ) : (
              <ButtonLink href="/inscription">{t('core.layout.sign_up')}</ButtonLink>
            )}
          </div>
        </section>

        <p class="conformity">
          <a href="/accessibilite">{t('core.layout.accessibility')}</a>
        </p>
      </div>
    </Layout>
  );
}

/* Decorative icons (hidden from assistive technologies by Card). */
function Icon({ children }: { children: ComponentChildren }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      focusable="false"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

function AccountIcon() {
  return (
    <Icon>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21c0-4 3.6-7 8-7s8 3 8 7" />
    </Icon>
  );
}

function LockIcon() {
  return (
    <Icon>
      <rect x="4" y="10" width="16" height="11" rx="2" />
      <path d="M8 10V7a4 4 0 0 1 8 0v3" />
    </Icon>
  );
}

function AccessibilityIcon() {
  return (
    <Icon>
      <circle cx="12" cy="4.5" r="2" />
      <path d="M4 8.5l8 1.5 8-1.5M12 10v5m0 0l-4 6m4-6l4 6" />
    </Icon>
  );
}
