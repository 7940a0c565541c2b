import { DomainError } from '../../../core/http/errors.js';

/**
 * A reports rule was broken. The `code` is stable, is the i18n key of the message and names the
 * problem type in the API (e.g. `reports.workflow.reason_required`). Defaults to HTTP 422.
 */
export class ReportRuleError extends DomainError {
  constructor(code: string, params: Record<string, string | number> = {}, status = 422) {
    super(code, status, params);
    this.name = 'ReportRuleError';
  }
}
