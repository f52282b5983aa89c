// OpenID Connect ID tokens: checking the identity provider's JWKS when it is configured, and
// verifying a token against it at sign-in. jose is imported here only, lazily, so nothing else
// pays for loading it.
import { AppError, validationError } from '../core/errors.js';
import { validateEmail } from '../core/validation.js';

/** Signature algorithms accepted for ID tokens; anything else (HS*, none, PS*, ...) is refused. */
export const idTokenAlgorithms = ['RS256', 'ES256', 'EdDSA'] as const;
/** Tolerance on exp and nbf for clocks that disagree a little with the provider's. */
export const clockSkewSeconds = 60;
/** Claims an ID token must carry (OpenID Connect Core 1.0, section 2). */
const requiredClaims = ['iss', 'aud', 'exp', 'sub'];

const maxJwksBytes = 256 * 1024;
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface JwksKeySummary {
  kid: string | null;
  kty: string;
  alg: string | null;
  crv: string | null;
  /** Whether tokens signed with this key can be verified (an allowed algorithm, a signing key). */
  usable: boolean;
}

export interface CheckedJwks {
  /** The JWKS as stored: canonical JSON of the parsed set. */
  text: string;
  keys: JwksKeySummary[];
}

const badJwks = (reason: string) =>
  validationError(`invalid JWKS: ${reason}`, 'give the identity provider\'s public keys as a JSON Web Key Set: {"keys":[...]}');

/** The algorithm a key is used with: its own "alg", else the one its type and curve imply. */
function algorithmOf(jwk: Record<string, unknown>): string | null {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return null;
}

/**
 * Parses and checks a JWKS given at `sso configure`: JSON, a key set jose accepts, public keys
 * only (a private or symmetric key would be a secret in the store), and at least one key that
 * can verify tokens with an allowed algorithm. Throws a validation error (3) with the reason.
 */
export async function checkJwks(text: string): Promise<CheckedJwks> {
  if (Buffer.byteLength(text, 'utf8') > maxJwksBytes) throw badJwks(`it is larger than ${maxJwksBytes / 1024} KiB`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badJwks(`not JSON (${(error as Error).message})`);
  }
  const { createLocalJWKSet, importJWK } = await import('jose');
  try {
    createLocalJWKSet(parsed as never);
  } catch (error) {
    throw badJwks((error as Error).message);
  }
  const keys = (parsed as { keys: Record<string, unknown>[] }).keys;
  if (keys.length === 0) throw badJwks('it has no keys');
  const summaries: JwksKeySummary[] = [];
  for (const [index, jwk] of keys.entries()) {
    const name = typeof jwk.kid === 'string' ? `key ${jwk.kid}` : `key #${index + 1}`;
    if (jwk.kty === 'oct') throw badJwks(`${name} is a symmetric key: only public keys (RSA, EC, OKP) belong in a JWKS`);
    const secret = privateMembers.find((member) => member in jwk);
    if (secret) throw badJwks(`${name} contains private key material ("${secret}"): give the public keys only`);
    const summary = keySummary(jwk);
    if (summary.usable) {
      try {
        const key = await importJWK(jwk as never, summary.alg!);
        if ((key as { type?: string }).type !== 'public') throw new Error('not a public key');
        // jose refuses RSA keys under 2048 bits when verifying; say so now rather than at sign-in.
        const bits = (key as { algorithm?: { modulusLength?: number } }).algorithm?.modulusLength;
        if (bits !== undefined && bits < 2048) throw new Error(`an RSA key of ${bits} bits (at least 2048 needed)`);
      } catch (error) {
        throw badJwks(`${name} cannot be used for ${summary.alg}: ${(error as Error).message}`);
      }
    }
    summaries.push(summary);
  }
  if (!summaries.some((k) => k.usable)) {
    throw badJwks(`no key can verify ${idTokenAlgorithms.join(', ')} signatures`);
  }
  return { text: JSON.stringify(parsed), keys: summaries };
}

/** What a key is and whether tokens signed with it can be verified (allowed algorithm, signing key). */
function keySummary(jwk: Record<string, unknown>): JwksKeySummary {
  const alg = algorithmOf(jwk);
  const signing = (jwk.use === undefined || jwk.use === 'sig') && (!Array.isArray(jwk.key_ops) || jwk.key_ops.includes('verify'));
  return {
    kid: typeof jwk.kid === 'string' ? jwk.kid : null,
    kty: String(jwk.kty),
    alg,
    crv: typeof jwk.crv === 'string' ? jwk.crv : null,
    usable: signing && alg !== null && (idTokenAlgorithms as readonly string[]).includes(alg),
  };
}

/** A summary of a stored JWKS (checked when it was configured). */
export function summarizeJwks(text: string): JwksKeySummary[] {
  return (JSON.parse(text) as { keys: Record<string, unknown>[] }).keys.map(keySummary);
}

export interface IdentityProvider {
  issuer: string;
  audience: string;
  /** JWKS JSON text. */
  jwks: string;
}

export interface VerifiedIdentity {
  subject: string;
  email: string;
  /** The token's `groups` claim: a list of strings (a single string counts as one group). */
  groups: string[];
  givenName: string | null;
  familyName: string | null;
  name: string | null;
}

/** Why a token was refused: a stable word for the audit trail. */
export type TokenFailure =
  | 'malformed'
  | 'alg_none'
  | 'alg_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_claim'
  | 'invalid_claim'
  | 'email_missing'
  | 'email_unverified'
  | 'email_invalid';

export function tokenRefused(reason: TokenFailure, message: string): AppError {
  return new AppError('unauthenticated', `ID token refused: ${message}`, {
    hint: 'sign in at the identity provider again for a fresh token',
    data: { reason },
  });
}

/** The failure word of an error thrown by verifyIdToken (or undefined for other errors). */
export function tokenFailureOf(error: unknown): TokenFailure | undefined {
  if (!(error instanceof AppError) || error.code !== 'unauthenticated') return undefined;
  return (error.data as { reason?: TokenFailure } | undefined)?.reason;
}

/**
 * Verifies an ID token: the signature against the configured JWKS (RS256, ES256 or EdDSA only),
 * issuer, audience, exp and nbf (with `clockSkewSeconds` of tolerance), then requires an email
 * the provider says it verified (`email_verified: true`). Throws unauthenticated (4) with the reason.
 */
export async function verifyIdToken(provider: IdentityProvider, token: string, now: Date): Promise<VerifiedIdentity> {
  const { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } = await import('jose');
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw tokenRefused('malformed', 'not a JWT (expected three base64url parts separated by dots)');
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw tokenRefused('malformed', 'its header is not valid base64url JSON');
  }
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') throw tokenRefused('alg_none', 'it is unsigned (alg "none")');
  if (!(idTokenAlgorithms as readonly string[]).includes(alg)) {
    throw tokenRefused('alg_not_allowed', `algorithm ${alg} is not accepted (only ${idTokenAlgorithms.join(', ')})`);
  }
  let payload: Record<string, unknown>;
  try {
    const result = await jwtVerify(token, createLocalJWKSet(JSON.parse(provider.jwks)), {
      issuer: provider.issuer,
      audience: provider.audience,
      algorithms: [...idTokenAlgorithms],
      clockTolerance: clockSkewSeconds,
      currentDate: now,
      requiredClaims,
    });
    payload = result.payload;
  } catch (error) {
    throw refusalFor(error, errors, provider);
  }
  return identityFrom(payload);
}

type JoseErrors = typeof import('jose').errors;

function refusalFor(error: unknown, errors: JoseErrors, provider: IdentityProvider): AppError {
  if (error instanceof errors.JWTExpired) {
    const exp = Number(error.payload.exp);
    return tokenRefused('expired', `it expired${Number.isFinite(exp) ? ` at ${new Date(exp * 1000).toISOString()}` : ''}`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason, payload } = error;
    if (reason === 'missing') return tokenRefused('missing_claim', `it has no "${claim}" claim`);
    if (claim === 'nbf') return tokenRefused('not_yet_valid', `it is not valid before ${new Date(Number(payload.nbf) * 1000).toISOString()}`);
    if (claim === 'iss') return tokenRefused('wrong_issuer', `issuer ${JSON.stringify(payload.iss)} is not the configured ${provider.issuer}`);
    if (claim === 'aud') return tokenRefused('wrong_audience', `its audience does not include ${provider.audience}`);
    return tokenRefused('invalid_claim', `claim "${claim}" is not valid (${error.message})`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return tokenRefused('unknown_key', 'it is signed by a key that is not in the configured JWKS');
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSMultipleMatchingKeys) {
    return tokenRefused('bad_signature', 'its signature does not verify against the configured JWKS');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return tokenRefused('alg_not_allowed', error.message);
  if (error instanceof errors.JOSEError) return tokenRefused('malformed', error.message);
  if (error instanceof SyntaxError || error instanceof TypeError) return tokenRefused('malformed', error.message);
  return error as AppError;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function identityFrom(payload: Record<string, unknown>): VerifiedIdentity {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw tokenRefused('invalid_claim', 'claim "sub" is not a string');
  if (payload.email === undefined || payload.email === null || payload.email === '') {
    throw tokenRefused('email_missing', 'it has no email claim (request the `email` scope)');
  }
  if (typeof payload.email !== 'string') throw tokenRefused('email_invalid', 'its email claim is not a string');
  if (payload.email_verified !== true) throw tokenRefused('email_unverified', `the identity provider has not verified the email (email_verified is ${JSON.stringify(payload.email_verified ?? null)})`);
  let email: string;
  try {
    email = validateEmail(payload.email.trim());
  } catch (error) {
    throw tokenRefused('email_invalid', (error as Error).message);
  }
  const rawGroups = payload.groups;
  const groups = typeof rawGroups === 'string' ? [rawGroups] : Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  return {
    subject: payload.sub,
    email,
    groups,
    givenName: optionalString(payload.given_name),
    familyName: optionalString(payload.family_name),
    name: optionalString(payload.name),
  };
}
