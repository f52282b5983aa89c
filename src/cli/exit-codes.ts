// The exit-code table of SPEC §5 and the one function that maps an error to a code.
import { isAppError, type ErrorCode } from '../core/errors.js';

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  validation: 3,
  authentication: 4,
  forbidden: 5,
  notFound: 6,
  conflict: 7,
  checkFailed: 8,
  changesPending: 10,
  cancelled: 130,
} as const;

const byCode: Record<ErrorCode, number> = {
  usage: ExitCode.usage,
  validation: ExitCode.validation,
  unauthenticated: ExitCode.authentication,
  forbidden: ExitCode.forbidden,
  not_found: ExitCode.notFound,
  conflict: ExitCode.conflict,
  not_initialized: ExitCode.conflict,
  schema_outdated: ExitCode.conflict,
  schema_too_new: ExitCode.conflict,
  check_failed: ExitCode.checkFailed,
  changes_pending: ExitCode.changesPending,
  cancelled: ExitCode.cancelled,
  store_unavailable: ExitCode.unexpected,
  delivery_failed: ExitCode.unexpected,
  internal: ExitCode.unexpected,
};

export function exitCodeFor(error: unknown): number {
  return isAppError(error) ? byCode[error.code] : ExitCode.unexpected;
}
