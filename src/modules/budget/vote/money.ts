/**
 * Numbers in the page's language ("12 500 €", "€12,500", "45,2 %"). Building an Intl formatter
 * costs far more than using one (about 100 times), and a results page formats hundreds of
 * cells: formatters are made once per language and kind.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(key: string, locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${key}:${locale}`;
  let found = formatters.get(id);
  if (!found) {
    found = new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR', options);
    formatters.set(id, found);
  }
  return found;
}

/** Cents shown as euros; cents only when there are some. */
export function formatEuros(cents: number, locale: string): string {
  const whole = cents % 100 === 0;
  return formatter(whole ? 'euros' : 'euros-cents', locale, {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

export function formatNumber(value: number, locale: string): string {
  return formatter('number', locale, {}).format(value);
}

export function formatPercent(value: number, locale: string): string {
  return formatter('percent', locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}
