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
export function ErrorSummary({ ctx, errors }: { ctx: PageContext; errors: FieldErrors | undefined }) {
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return null;
  return (
    <div
      class="error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      data-autofocus
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
}

/** A labelled text input (or textarea) with its hint and its error, linked by aria-describedby. */
export function Field(props: FieldProps) {
  const { ctx, name, label, hint, value, errors, type = 'text', required, multiline } = props;
  const id = `field-${name}`;
  const error = errors?.[name];
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
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
      {error && (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden">{ctx.t('core.form.error_prefix')} </span>
          {ctx.t(error)}
        </p>
      )}
      {multiline ? (
        <textarea {...common} rows={props.rows ?? 5}>
          {value ?? ''}
        </textarea>
      ) : (
        <input
          {...common}
          type={type}
          value={value ?? ''}
          autoComplete={props.autocomplete}
          inputMode={props.inputMode}
        />
      )}
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
