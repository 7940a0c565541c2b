import type { ComponentChildren } from 'preact';
import type { PageContext } from '../context.js';

/** Field name → i18n key of its error, as thrown in a ValidationError. */
export type FieldErrors = Record<string, string>;

export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/** A POST form with its CSRF token. `novalidate`: our server messages are clearer than the browser's. */
export function Form({
  ctx,
  action,
  children,
  enctype,
  class: className,
}: {
  ctx: PageContext;
  action: string;
  children: ComponentChildren;
  enctype?: 'multipart/form-data';
  class?: string;
}) {
  return (
    <form method="post" action={action} enctype={enctype} class={className ?? 'form'} noValidate>
      <CsrfField ctx={ctx} />
      {children}
    </form>
  );
}

/**
 * Lists every error at the top of the form, each linked to its field; it takes the focus
 * (with JavaScript) so that screen-reader users hear it first.
 */
export function ErrorSummary({
  ctx,
  errors,
  autofocus = true,
}: {
  ctx: PageContext;
  errors: FieldErrors | undefined;
  /** false only where the summary is an example (the pattern library). */
  autofocus?: boolean;
}) {
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return null;
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is alert, except in the pattern library's example
    <div
      class="error-summary"
      role={autofocus ? 'alert' : undefined}
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      data-autofocus={autofocus ? true : undefined}
    >
      <h2 id="error-summary-title" class="error-summary__title">
        {ctx.t('core.form.error_summary_title')}
      </h2>
      <ul class="error-summary__list">
        {entries.map(([field, key]) => (
          <li key={field}>
            <a href={`#field-${field}`}>{ctx.t(key)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value?: string;
  errors?: FieldErrors;
  type?: 'text' | 'email' | 'password' | 'number' | 'tel' | 'url' | 'search' | 'date';
  autocomplete?: string;
  required?: boolean;
  maxLength?: number;
  multiline?: boolean;
  rows?: number;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel';
  width?: 'full' | 'medium' | 'short';
  /** Bounds of a number or date input. */
  min?: string;
  max?: string;
}

/** A labelled text input (or textarea) with its hint and its error, linked by aria-describedby. */
export function Field(props: FieldProps) {
  const { ctx, name, label, hint, value, errors, type = 'text', required, multiline } = props;
  const id = `field-${name}`;
  const error = errors?.[name];
  const counted = multiline && props.maxLength !== undefined;
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : '', counted ? `${id}-count` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  const common = {
    id,
    name,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-required': required ? ('true' as const) : undefined,
    maxLength: props.maxLength,
    class: `field__input field__input--${props.width ?? 'full'}${error ? ' field__input--error' : ''}`,
  };
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label class="field__label" for={id}>
        {label}
        {!required && <span class="field__optional"> {ctx.t('core.form.optional')}</span>}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && <ErrorMessage ctx={ctx} id={`${id}-error`} errorKey={error} />}
      {multiline ? (
        <textarea {...common} rows={props.rows ?? 5} data-char-count={counted ? `${id}-count` : undefined}>
          {value ?? ''}
        </textarea>
      ) : (
        <input
          {...common}
          type={type}
          value={value ?? ''}
          autoComplete={props.autocomplete}
          inputMode={props.inputMode}
          min={props.min}
          max={props.max}
        />
      )}
      {counted && <CharacterCount ctx={ctx} id={`${id}-count`} max={props.maxLength!} />}
    </div>
  );
}

/**
 * "Up to N characters", which app.js turns into a live "N characters left". The messages
 * travel in data attributes so that the script holds no text of its own.
 */
function CharacterCount({ ctx, id, max }: { ctx: PageContext; id: string; max: number }) {
  return (
    <p
      class="field__count"
      id={id}
      data-max={String(max)}
      data-remaining={ctx.t('core.form.characters_remaining')}
      data-remaining-one={ctx.t('core.form.character_remaining')}
      data-over={ctx.t('core.form.characters_over')}
    >
      {ctx.t('core.form.characters_max', { count: max })}
    </p>
  );
}

/** The text of a field's error, with its "Error:" prefix for screen readers. */
function ErrorMessage({ ctx, id, errorKey }: { ctx: PageContext; id: string; errorKey: string }) {
  return (
    <p class="field__error" id={id}>
      <span class="visually-hidden">{ctx.t('core.form.error_prefix')} </span>
      {ctx.t(errorKey)}
    </p>
  );
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined;
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

interface ChoicesProps {
  ctx: PageContext;
  name: string;
  legend: string;
  hint?: string;
  options: Choice[];
  errors?: FieldErrors;
  required?: boolean;
  inline?: boolean;
  /** A question that is the page's main subject gets a larger legend. */
  legendSize?: 'normal' | 'large';
}

/**
 * A group of radios or checkboxes in a fieldset with its legend. The first input carries
 * `field-<name>`, so the error summary's link lands on it.
 */
function Choices(props: ChoicesProps & { type: 'radio' | 'checkbox'; selected: string[] }) {
  const { ctx, name, legend, hint, options, errors, required, type, selected } = props;
  const id = `field-${name}`;
  const error = errors?.[name];
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}>
        <legend class={`fieldset__legend${props.legendSize === 'large' ? ' fieldset__legend--large' : ''}`}>
          {legend}
          {!required && <span class="field__optional"> {ctx.t('core.form.optional')}</span>}
        </legend>
        {hint && (
          <p class="field__hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {error && <ErrorMessage ctx={ctx} id={`${id}-error`} errorKey={error} />}
        <div class={`choices${props.inline ? ' choices--inline' : ''}`}>
          {options.map((option, index) => {
            const optionId = index === 0 ? id : `${id}-${index + 1}`;
            return (
              <div class="choice" key={option.value}>
                <input
                  class="choice__input"
                  type={type}
                  id={optionId}
                  name={name}
                  value={option.value}
                  checked={selected.includes(option.value)}
                  aria-describedby={option.hint ? `${optionId}-hint` : undefined}
                />
                <label class="choice__label" for={optionId}>
                  {option.label}
                </label>
                {option.hint && (
                  <p class="choice__hint" id={`${optionId}-hint`}>
                    {option.hint}
                  </p>
                )}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** One answer among a few: radios in a fieldset. */
export function Radios(props: ChoicesProps & { value?: string }) {
  return <Choices {...props} type="radio" selected={props.value === undefined ? [] : [props.value]} />;
}

/** Any number of answers: checkboxes in a fieldset; the form sends `name` once per ticked box. */
export function Checkboxes(props: ChoicesProps & { values?: string[] }) {
  return <Choices {...props} type="checkbox" selected={props.values ?? []} />;
}

/** One answer among many: a native select (radios read better below about seven options). */
export function Select(props: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  options: Choice[];
  value?: string;
  errors?: FieldErrors;
  required?: boolean;
  /** Label of an empty first option ("Choose…"). */
  placeholder?: string;
}) {
  const { ctx, name, label, hint, options, value, errors, required, placeholder } = props;
  const id = `field-${name}`;
  const error = errors?.[name];
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label class="field__label" for={id}>
        {label}
        {!required && <span class="field__optional"> {ctx.t('core.form.optional')}</span>}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && <ErrorMessage ctx={ctx} id={`${id}-error`} errorKey={error} />}
      <select
        class="field__select"
        id={id}
        name={name}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}
        aria-required={required ? 'true' : undefined}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value} selected={option.value === value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A date, with the browser's own date picker and a hint giving the expected format. */
export function DateInput(
  props: Omit<FieldProps, 'type' | 'multiline' | 'rows' | 'inputMode' | 'maxLength' | 'autocomplete'>,
) {
  const hint = props.hint ?? props.ctx.t('core.form.date_hint');
  return <Field {...props} hint={hint} type="date" width={props.width ?? 'medium'} />;
}

/** A file input; its form needs `enctype="multipart/form-data"`. */
export function FileUpload(props: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  errors?: FieldErrors;
  required?: boolean;
  /** MIME types or extensions, e.g. "image/jpeg,image/png". */
  accept?: string;
  multiple?: boolean;
}) {
  const { ctx, name, label, hint, errors, required } = props;
  const id = `field-${name}`;
  const error = errors?.[name];
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label class="field__label" for={id}>
        {label}
        {!required && <span class="field__optional"> {ctx.t('core.form.optional')}</span>}
      </label>
      {hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && <ErrorMessage ctx={ctx} id={`${id}-error`} errorKey={error} />}
      <input
        class="field__file"
        type="file"
        id={id}
        name={name}
        accept={props.accept}
        multiple={props.multiple}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

export function Button({
  children,
  variant = 'primary',
  type = 'submit',
  name,
  value,
}: {
  children: ComponentChildren;
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
  type?: 'submit' | 'button';
  name?: string;
  value?: string;
}) {
  return (
    <button type={type} class={`button button--${variant}`} name={name} value={value}>
      {children}
    </button>
  );
}

/** A link that looks like a button: for navigation ("Start", "Create an account"), never for actions. */
export function ButtonLink({
  href,
  children,
  variant = 'primary',
}: {
  href: string;
  children: ComponentChildren;
  variant?: 'primary' | 'secondary';
}) {
  return (
    <a class={`button button--${variant}`} href={href}>
      {children}
    </a>
  );
}

/** Buttons and links side by side, wrapping on small screens. */
export function ButtonGroup({ children }: { children: ComponentChildren }) {
  return <div class="button-group">{children}</div>;
}
