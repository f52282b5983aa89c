// Opaque pagination cursors: base64url JSON plus a short digest, so an edited cursor is
// refused (3) instead of silently paging from somewhere else.
import { createHash } from 'node:crypto';
import { validationError } from './errors.js';

const digest = (body: string) => createHash('sha256').update(`iamctl-cursor:${body}`).digest('base64url').slice(0, 10);

export function encodeCursor(position: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${body}.${digest(body)}`;
}

export function decodeCursor<T extends Record<string, unknown>>(cursor: string, isValid: (value: unknown) => value is T): T {
  const invalid = () => validationError('invalid --cursor: use the nextCursor of a previous page, unchanged');
  const [body, check, extra] = cursor.split('.');
  if (!body || !check || extra !== undefined || digest(body) !== check) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isValid(value)) throw invalid();
  return value;
}
