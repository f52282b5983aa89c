// The one error model. An AppError is something a user caused or can fix: it carries a stable
// code word (printed as `error: <message> (<code>)` and in JSON), a message and an optional
// hint naming the fix. Anything else thrown is an internal error (exit 1).

export const errorCodes = [
  'usage', // 2: unknown command or flag, missing argument or value
  'validation', // 3: a value that breaks a rule
  'unauthenticated', // 4: not signed in, bad or unusable credentials
  'forbidden', // 5: signed in but not allowed (incl. editions, restricted sessions)
  'not_found', // 6: also what another tenant's object looks like
  'conflict', // 7: already exists, or a state that forbids the change
  'not_initialized', // 7: the store has no schema or no `init` yet
  'schema_outdated', // 7: the store needs `iamctl db migrate`
  'schema_too_new', // 7: the store was migrated by a newer iamctl
  'check_failed', // 8: a check answered no
  'changes_pending', // 10: apply --detailed-exitcode
  'cancelled', // 130: declined or interrupted at a prompt
  'store_unavailable', // 1: the store cannot be opened or reached
  'delivery_failed', // 1: mail could not be delivered (nothing was changed)
  'internal', // 1: a bug or an unexpected failure
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorDetails {
  hint?: string;
  /** Extra data for `-o json` consumers (e.g. a list of validation problems). */
  data?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = details.hint;
    this.data = details.data;
  }
}

export const usageError = (message: string, hint?: string) => new AppError('usage', message, { hint });
export const validationError = (message: string, hint?: string, data?: unknown) =>
  new AppError('validation', message, { hint, data });
export const notFound = (what: string, hint?: string) => new AppError('not_found', `${what} not found`, { hint });
export const conflict = (message: string, hint?: string) => new AppError('conflict', message, { hint });
export const forbidden = (message: string, hint?: string) => new AppError('forbidden', message, { hint });
export const unauthenticated = (message: string, hint?: string) =>
  new AppError('unauthenticated', message, { hint });

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
