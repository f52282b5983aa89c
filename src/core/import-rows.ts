// One record of a user import, checked on its own (before anything is looked up in the store):
// the columns a file may have, and each value's rules (the same as `user create`'s).
import { isAppError } from './errors.js';
import { normalizeEmail, validateEmail, validatePasswordHash, validatePersonName } from './validation.js';

export const columnNames = ['email', 'firstName', 'lastName', 'roles', 'teams', 'tenant', 'passwordHash', 'status'] as const;
export type Column = (typeof columnNames)[number];
export const requiredColumns: readonly Column[] = ['email', 'firstName'];

/** Header names and JSON keys match case-insensitively, ignoring spaces, `_` and `-` (first_name). */
const columnKey = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, '');
const columnsByKey = new Map<string, Column>(columnNames.map((c) => [columnKey(c), c]));
const passwordKeys = new Set(['password', 'passwd', 'pwd', 'pass', 'plainpassword', 'passwordplain', 'cleartextpassword', 'secret']);

export function canonicalColumn(name: string): Column | undefined {
  return columnsByKey.get(columnKey(name));
}

/** A column that would carry passwords in clear: refused with its own reason. */
export function isPasswordColumn(name: string): boolean {
  return passwordKeys.has(columnKey(name));
}

/** A record that follows every rule that needs no store. */
export interface ImportRow {
  email: string;
  emailLower: string;
  firstName: string;
  lastName: string;
  /** Role ids; empty: the tenant's users.defaultRole for a new user, unchanged for an update. */
  roles: string[];
  /** Team names; empty: none for a new user, unchanged for an update. */
  teams: string[];
  /** Tenant slug; null: the acting tenant. */
  tenant: string | null;
  passwordHash: string | null;
  /** status column `inactive`: created inactive (no invitation). */
  inactive: boolean;
}

export interface FieldProblem {
  field: string | null;
  reason: string;
}

/** Validates one record's values (CSV cells or JSON fields); returns the row or every problem. */
export function checkRecord(values: Record<string, unknown>): { row: ImportRow } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text: Partial<Record<Column, string>> = {};
  const lists: Partial<Record<'roles' | 'teams', string[]>> = {};
  for (const [name, value] of Object.entries(values)) {
    const column = canonicalColumn(name);
    if (column === undefined) {
      problems.push({
        field: name,
        reason: isPasswordColumn(name)
          ? 'plain-text passwords are never accepted in files: give passwordHash (argon2 or bcrypt), or leave it out to invite the user'
          : `unknown field: the fields are ${columnNames.join(', ')}`,
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    if ((column === 'roles' || column === 'teams') && Array.isArray(value)) {
      if (value.every((v) => typeof v === 'string')) lists[column] = [...new Set(value.map((v) => v.trim()).filter((v) => v !== ''))];
      else problems.push({ field: column, reason: 'expected a list of names' });
    } else if (typeof value === 'string') {
      text[column] = value.trim();
    } else {
      problems.push({ field: column, reason: column === 'roles' || column === 'teams' ? 'expected a list of names or a string' : 'expected a string' });
    }
  }

  const check = <T>(field: Column, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!isAppError(error)) throw error;
      problems.push({ field, reason: error.hint ? `${error.message}; ${error.hint}` : error.message });
      return undefined;
    }
  };
  const email = check('email', () => validateEmail(text.email ?? ''));
  const firstName = check('firstName', () => validatePersonName(text.firstName ?? '', 'first name'));
  const lastName = check('lastName', () => validatePersonName(text.lastName ?? '', 'last name'));
  const hashed = text.passwordHash ? check('passwordHash', () => validatePasswordHash(text.passwordHash!)) : null;
  const status = text.status ?? '';
  if (!['', 'active', 'invited', 'inactive'].includes(status)) {
    problems.push({ field: 'status', reason: `unknown status ${JSON.stringify(status.slice(0, 20))}: use active, invited or inactive (or leave it empty)` });
  } else if (status === 'invited' && text.passwordHash) {
    problems.push({ field: 'status', reason: 'an invited user has no password: leave passwordHash empty, or the status' });
  }
  const tenant = text.tenant ?? '';
  if (tenant !== '' && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(tenant)) {
    problems.push({ field: 'tenant', reason: `invalid tenant slug ${JSON.stringify(tenant.slice(0, 64))}` });
  }
  if (problems.length > 0) return { problems };
  return {
    row: {
      email: email!,
      emailLower: normalizeEmail(email!),
      firstName: firstName!,
      lastName: lastName ?? '',
      roles: lists.roles ?? splitNames(text.roles),
      teams: lists.teams ?? splitNames(text.teams),
      tenant: tenant === '' ? null : tenant,
      passwordHash: hashed ? hashed.hash : null,
      inactive: status === 'inactive',
    },
  };
}

/** Roles and teams in one cell: separated by `;` (or `,` inside a quoted cell, or spaces). */
function splitNames(cell: string | undefined): string[] {
  if (!cell) return [];
  return [...new Set(cell.split(/[;,\s]+/).filter((v) => v !== ''))];
}
