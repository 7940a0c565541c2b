/**
 * A rule of the domain was broken. `code` is stable (e.g. `budget.voting_closed`), is the
 * i18n key of the message shown to the user, and names the problem type in the API.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number = 422,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(code = 'core.errors.not_found') {
    super(code, 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'core.errors.forbidden') {
    super(code, 403);
  }
}

/** Field-by-field problems of a submitted form: the values are i18n keys. */
export class ValidationError extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    super('core.errors.validation', 422);
  }
}
