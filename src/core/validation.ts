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

/** Role ids: the built-in ids' shape (the setting users.defaultRole accepts the same). */
export function validateRoleName(name: string): string {
  if (!/^[a-z][a-z0-9-]{1,63}$/.test(name)) {
    throw validationError(
      `invalid role name ${JSON.stringify(truncate(name))}: use 2-64 lowercase letters, digits and hyphens, starting with a letter`,
      'e.g. flow-runner',
    );
  }
  return name;
}

/** Team names: like role names, plus dots and underscores (`team:NAME` must stay unambiguous). */
export function validateTeamName(name: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
    throw validationError(
      `invalid team name ${JSON.stringify(truncate(name))}: use 1-64 lowercase letters, digits, dots, hyphens and underscores`,
      'e.g. platform-eng',
    );
  }
  return name;
}

export function validateDisplayName(value: string): string {
  const name = value.normalize('NFC').trim();
  if (name.length < 1 || name.length > 200 || controlOrBidi.test(name)) {
    throw validationError('invalid display name: use 1-200 printable characters');
  }
  return name;
}

export function validateDescription(value: string): string {
  const text = value.normalize('NFC').trim();
  if (text.length > 1000 || controlOrBidi.test(text)) {
    throw validationError('invalid description: use at most 1000 printable characters, on one line');
  }
  return text;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An OpenID Connect issuer: an https URL (http only on loopback, for local providers), without
 * credentials, query or fragment. Kept exactly as given: tokens' `iss` must match it verbatim.
 */
export function validateIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw validationError(`invalid issuer ${JSON.stringify(truncate(issuer))}: not a URL`, 'use the provider\'s issuer URL, e.g. https://login.example.com/realms/acme');
  }
  if (issuer.length > 2048) throw validationError('invalid issuer: it is longer than 2048 characters');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    throw validationError(`invalid issuer ${JSON.stringify(truncate(issuer))}: it must be an https URL (http only on localhost)`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw validationError(`invalid issuer ${JSON.stringify(truncate(issuer))}: no credentials, query or fragment allowed`);
  }
  return issuer;
}

/** The audience ID tokens must name: the client id at the provider. */
export function validateAudience(audience: string): string {
  if (audience.length === 0 || audience.length > 512 || audience.trim() !== audience || controlOrBidi.test(audience)) {
    throw validationError('invalid audience: use 1-512 printable characters without leading or trailing spaces', 'the client id registered at the identity provider');
  }
  return audience;
}

/** A group name as the provider sends it in the `groups` claim (matched exactly, case-sensitive). */
export function validateGroupName(group: string): string {
  if (group.length === 0 || group.length > 256 || group.trim() !== group || controlOrBidi.test(group)) {
    throw validationError(`invalid group ${JSON.stringify(truncate(group))}: use 1-256 printable characters without leading or trailing spaces`);
  }
  return group;
}

/** An API key's label: optional, up to 100 printable characters. NFC-normalized. */
export function validateKeyName(value: string | undefined): string {
  const name = (value ?? '').normalize('NFC').trim();
  if (controlOrBidi.test(name)) throw validationError('invalid key name: control or bidirectional-override characters are not allowed');
  if ([...name].length > 100) throw validationError('invalid key name: it has more than 100 characters');
  return name;
}

export const maxKeyLifetimeDays = 3650;

/**
 * A key's lifetime in days from `--expires-in-days`: a whole number from 1. When the policy
 * `security.apiKeys.maxTtlDays` is set, an expiry is required and capped by it. Null: no expiry.
 */
export function validateKeyLifetime(value: string | number | undefined, maxTtlDays: number | null): number | null {
  const cap = maxTtlDays ?? maxKeyLifetimeDays;
  const capName = maxTtlDays === null ? `the limit of ${cap} days` : `the limit of ${cap} days (security.apiKeys.maxTtlDays)`;
  if (value === undefined) {
    if (maxTtlDays === null) return null;
    throw validationError(
      `an expiry is required: keys here must expire within ${maxTtlDays} days (security.apiKeys.maxTtlDays)`,
      `pass --expires-in-days 1-${maxTtlDays}`,
    );
  }
  const text = String(value).trim();
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(days) || days < 1) {
    throw validationError(`invalid --expires-in-days ${JSON.stringify(truncate(String(value)))}: use a whole number of days, 1 or more`);
  }
  if (days > cap) throw validationError(`--expires-in-days ${days} is over ${capName}`, `pass --expires-in-days 1-${cap}`);
  return days;
}

/** Resource paths (resource-scoped access) are stored in a varchar(512). */
export const resourcePathMaxLength = 512;

/**
 * A resource path, normalized, or the reason it is not one. Paths are absolute and folder-like
 * (`/finance/payroll`); `/finance/*` is the folder form of `/finance` and means the same (a
 * grant on a folder covers everything under it), `/*` is `/` (the whole entity). NFC, so one
 * name typed two ways is one path. Not throwing: `authorize` checks paths on its hot path.
 */
export function normalizeResourcePath(raw: string): { path: string; problem?: undefined } | { path?: undefined; problem: string } {
  if (isPlainPath(raw)) return { path: raw };
  const path = raw.normalize('NFC');
  if (path === '') return { problem: 'it is empty' };
  if (path.charCodeAt(0) !== 47 /* / */) return { problem: 'it must be absolute: start with / (e.g. /finance/payroll)' };
  if (path.length > resourcePathMaxLength && [...path].length > resourcePathMaxLength) {
    return { problem: `it is longer than ${resourcePathMaxLength} characters` };
  }
  if (path === '/' || path === '/*') return { path: '/' };
  const folder = path.endsWith('/*') ? path.slice(0, -2) : path;
  if (controlOrBidi.test(folder)) return { problem: 'it contains control or bidirectional-override characters' };
  const segments = folder.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '') return { problem: i === segments.length - 1 && folder === path ? 'it ends with / (write /folder or /folder/*)' : 'it has an empty segment (//)' };
    if (segment === '.' || segment === '..') return { problem: `it has a relative segment "${segment}"` };
    if (segment.includes('*')) return { problem: '* is allowed only as the whole last segment (/folder/*)' };
    if (segment.trim() !== segment) return { problem: `the segment "${truncate(segment)}" starts or ends with a space` };
  }
  return { path: folder };
}

/**
 * The common case, decided in one pass without allocating: `/` and segments of ASCII letters,
 * digits, `-` and `_`. Such a path is already normalized; anything else takes the full rules.
 */
function isPlainPath(p: string): boolean {
  const n = p.length;
  if (n < 2 || n > resourcePathMaxLength || p.charCodeAt(0) !== 47 || p.charCodeAt(n - 1) === 47) return false;
  let afterSlash = true;
  for (let i = 1; i < n; i++) {
    const c = p.charCodeAt(i);
    if (c === 47) {
      if (afterSlash) return false;
      afterSlash = true;
      continue;
    }
    afterSlash = false;
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95)) return false;
  }
  return true;
}

/** A resource path, normalized (see normalizeResourcePath); a validation error (3) otherwise. */
export function validateResourcePath(raw: string): string {
  const result = normalizeResourcePath(raw);
  if (result.problem !== undefined) {
    throw validationError(`invalid resource path ${JSON.stringify(truncate(raw))}: ${result.problem}`, 'use an absolute folder-like path, e.g. /finance/payroll or /finance/*');
  }
  return result.path;
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
