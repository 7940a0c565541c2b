// Budget participatif: keeps a basket's running total live while boxes are ticked. Without
// this file the total is the one the server wrote, refreshed on saving. No text lives here:
// the templates come from data-* attributes, in the page's language.

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function runningTotals() {
  for (const box of document.querySelectorAll<HTMLElement>('[data-basket-total]')) {
    const name = box.dataset.basketTotal ?? '';
    const form = box.closest('form');
    const text = box.querySelector<HTMLElement>('.vote-total__text');
    if (!form || !text) continue;
    const inputs = [...form.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].filter(
      (input) => input.name === name,
    );
    const amount = Number(box.dataset.amount);
    const max = Number(box.dataset.max);
    const money = new Intl.NumberFormat(box.dataset.locale || 'fr-FR', {
      style: 'currency',
      currency: 'EUR',
      maximumFractionDigits: 0,
    });
    const euros = (cents: number) => money.format(cents / 100);
    const update = () => {
      const checked = inputs.filter((input) => input.checked);
      let over: boolean;
      if (box.dataset.mode === 'cost') {
        const total = checked.reduce((sum, input) => sum + Number(input.dataset.cost ?? 0), 0);
        over = total > amount;
        text.textContent = fill((over ? box.dataset.textOver : box.dataset.textCost) ?? '', {
          total: euros(total),
          amount: euros(amount),
          over: euros(total - amount),
        });
      } else {
        over = checked.length > max;
        text.textContent = fill((over ? box.dataset.textCountOver : box.dataset.textCount) ?? '', {
          count: String(checked.length),
          max: String(max),
        });
      }
      box.classList.toggle('vote-total--over', over);
    };
    for (const input of inputs) input.addEventListener('change', update);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', runningTotals);
else runningTotals();
