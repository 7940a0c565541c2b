// Progressive enhancement only: every page works without this file. No text lives here:
// the server puts every message in data-* attributes, in the page's language.
document.documentElement.classList.add('js');

/** The error summary takes the focus, so that screen-reader users hear it first. */
function focusErrorSummary() {
  const target = document.querySelector<HTMLElement>('[data-autofocus]');
  if (target) target.focus();
}

/** On small screens the header's tools and navigation fold behind a "Menu" button. */
function navToggle() {
  const header = document.querySelector<HTMLElement>('[data-site-header]');
  const button = header?.querySelector<HTMLButtonElement>('[data-nav-toggle]');
  if (!header || !button) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    const open = header.classList.toggle('is-open');
    button.setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && header.classList.contains('is-open')) {
      header.classList.remove('is-open');
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }
  });
}

function format(template: string, count: number): string {
  return template.replace('{count}', String(count));
}

/**
 * "N characters left" under a textarea with a maximum length. The visible count changes
 * as one types; a separate live region speaks only once typing pauses.
 */
function characterCounts() {
  for (const field of document.querySelectorAll<HTMLTextAreaElement>('textarea[data-char-count]')) {
    const counter = document.getElementById(field.dataset.charCount ?? '');
    if (!counter) continue;
    const max = Number(counter.dataset.max);
    const messages = {
      many: counter.dataset.remaining ?? '{count}',
      one: counter.dataset.remainingOne ?? '{count}',
      over: counter.dataset.over ?? '{count}',
    };
    // Let people type past the limit and see by how much, rather than silently cutting.
    field.removeAttribute('maxlength');
    const live = document.createElement('p');
    live.className = 'visually-hidden';
    live.setAttribute('aria-live', 'polite');
    counter.after(live);
    let timer: number | undefined;
    const update = (announce: boolean) => {
      const left = max - field.value.length;
      const text =
        left < 0 ? format(messages.over, -left) : format(left === 1 ? messages.one : messages.many, left);
      counter.textContent = text;
      counter.classList.toggle('field__count--over', left < 0);
      window.clearTimeout(timer);
      if (!announce) return;
      timer = window.setTimeout(() => {
        live.textContent = text;
      }, 800);
    };
    field.addEventListener('input', () => update(true));
    update(false);
  }
}

function start() {
  focusErrorSummary();
  navToggle();
  characterCounts();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
