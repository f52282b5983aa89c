// Every value rule of SPEC §6 in one place. Each validator returns the normalized value or
// throws a validation error (exit 3) naming the field and the rule.
import { validationError } from './errors.js';

const controlOrBidi = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export function validateSlug(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    throw validationError(
      `invalid tenant slug ${JSON.stringify(slug)}: use 2-63 lowercase letters, digits and hyphens, starting with a letter or digit`,
    );
  }
  return slug;
}

export function validateColor(color: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) {
    throw validationError(`invalid colour ${JSON.stringify(color)}: use #RRGGBB (e.g. #1f6feb)`);
  }
  return color.toLowerCase();
}

export function validateTenantName(name: string): string {
  const value = name.normalize('NFC').trim();
  if (value.length < 1 || value.length > 200 || controlOrBidi.test(value)) {
    throw validationError('invalid tenant name: use 1-200 printable characters');
  }
  return value;
}

// Deliberately conservative: what mail systems accept in practice, without quoted local parts,
// comments or IP literals. The domain needs a dot.
const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const domainLabel = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function validateEmail(email: string, field = 'email'): string {
  const problem = emailProblem(email);
  if (problem) throw validationError(`invalid ${field} ${JSON.stringify(truncate(email))}: ${problem}`);
  return email;
}

function emailProblem(email: string): string | null {
  if (email.length === 0) return 'it is empty';
  if (email.length > 254) return 'it is longer than 254 characters';
  if (controlOrBidi.test(email)) return 'it contains control characters';
  if (/\s/.test(email)) return 'it contains spaces';
  const at = email.split('@');
  if (at.length !== 2) return at.length < 2 ? 'it has no @' : 'it has more than one @';
  const [local, domain] = at as [string, string];
  if (!local || local.length > 64 || !localPart.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'the part before @ is not valid';
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => domainLabel.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    return 'the domain is not valid';
  }
  return null;
}

export function normalizeEmail(email: string): string {
  return email.toLowerCase();
}

const namePattern = /^[\p{L}\p{M}][\p{L}\p{M} .'\u2019-]*$/u;

/** First name: required, 2-100 characters. Last name: optional, up to 100. NFC-normalized. */
export function validatePersonName(value: string, field: 'first name' | 'last name'): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  const required = field === 'first name';
  if (!required && length === 0) return '';
  if (controlOrBidi.test(name)) throw validationError(`invalid ${field}: control or bidirectional-override characters are not allowed`);
  if (required && length < 2) throw validationError(`invalid ${field}: it needs at least 2 characters`);
  if (length > 100) throw validationError(`invalid ${field}: it has more than 100 characters`);
  if (!namePattern.test(name)) {
    throw validationError(`invalid ${field} ${JSON.stringify(truncate(name))}: use letters, spaces, dots, hyphens and apostrophes`);
  }
  return name;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

// Password hashes brought in from other systems (user import). Only these two schemes are
// accepted: argon2 in its PHC string form, and bcrypt. The value itself never appears in a
// message: a "hash" that is not one may well be somebody's password.
// The parameters m, t and p may come in any order (node-argon2 writes m,p,t; the reference m,t,p).
const argon2Phc = /^\$argon2(id|i|d)\$(v=\d+\$)?([a-z]+=[^$,]+(,[a-z]+=[^$,]+)*)\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;
const hasArgon2Params = (params: string) => ['m', 't', 'p'].every((name) => new RegExp(`(^|,)${name}=\\d+(,|$)`).test(params));
const bcryptHash = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
// Shapes of hashes (or hash-like encodings) of other schemes: crypt(3) `$id$…`, Django
// `algo$…`, LDAP `{SSHA}…`, and bare hex digests (MD5, SHA-1, SHA-256, SHA-512).
const otherSchemes =
  /^(\$[a-z0-9-]+\$|(pbkdf2_[a-z0-9]+|bcrypt(_sha256)?|argon2|scrypt|sha1|md5|crypt|unsalted_(md5|sha1))\$|\{[A-Za-z0-9-]+\})|^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;

export type PasswordHashScheme = 'argon2' | 'bcrypt';

/** An imported password hash: argon2 (PHC) or bcrypt; anything else is refused with the reason. */
export function validatePasswordHash(value: string): { hash: string; scheme: PasswordHashScheme } {
  const argon2 = argon2Phc.exec(value);
  if (argon2 && hasArgon2Params(argon2[3]!)) return { hash: value, scheme: 'argon2' };
  if (bcryptHash.test(value)) return { hash: value, scheme: 'bcrypt' };
  if (value.startsWith('$argon2') || value.startsWith('$2')) {
    throw validationError('malformed password hash: an argon2 PHC string or bcrypt hash with a part missing or extra');
  }
  if (otherSchemes.test(value)) {
    throw validationError('password hash of an unknown scheme: only argon2 (PHC strings, $argon2id$...) and bcrypt ($2a$, $2b$, $2y$) are accepted');
  }
  throw validationError('this looks like a plain-text password: files never carry passwords', 'give an argon2 or bcrypt hash, or leave passwordHash empty to invite the user');
}

const relativeTime = /^(\d{1,6})([mhdw])$/;
const unitMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const isoTime = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A time on the command line (--since, --until): ISO 8601 (a date, or a date and time; without
 * a zone it is UTC) or a time back from now (30m, 12h, 7d, 2w). Returns ISO 8601 UTC.
 */
export function parseTimeBound(value: string, now: Date, flag: string): string {
  const text = value.trim();
  const relative = relativeTime.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * unitMs[relative[2]!]!).toISOString();
  const iso = isoTime.exec(text);
  if (iso) {
    const withZone = text.length > 10 && !iso[1] ? `${text}Z` : text;
    const ms = Date.parse(withZone.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw validationError(
    `invalid ${flag} ${JSON.stringify(truncate(value))}: use ISO 8601 (2026-01-31, 2026-01-31T12:00:00Z) or a time back from now (30m, 12h, 7d, 2w)`,
  );
}
