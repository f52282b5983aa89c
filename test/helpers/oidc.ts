// A fake OpenID Connect identity provider for tests: its own key pairs (RS256, ES256, EdDSA),
// its JWKS, and ID tokens signed with jose. No network.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const idpIssuer = 'https://idp.example.test/realms/corp';
export const idpAudience = 'iamctl-cli';
export const signingAlgorithms = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

export interface TokenOptions {
  alg?: SigningAlgorithm;
  /** Seconds from `now` (default 300); negative: already expired. */
  expiresIn?: number;
  /** Seconds from `now` for nbf (absent: no nbf). */
  notBefore?: number;
  issuer?: string;
  audience?: string | string[];
  /** Sign with a key that is not in the JWKS (same kid). */
  foreignKey?: boolean;
  kid?: string;
  /** Claims to drop from the defaults. */
  omit?: string[];
  now?: Date;
}

export interface FakeIdp {
  jwks: { keys: Record<string, unknown>[] };
  jwksText: string;
  token(claims?: JWTPayload, options?: TokenOptions): Promise<string>;
}

export async function fakeIdp(): Promise<FakeIdp> {
  const keys = new Map<SigningAlgorithm, { privateKey: CryptoKey; publicJwk: Record<string, unknown> }>();
  for (const alg of signingAlgorithms) {
    const pair = await generateKeyPair(alg);
    keys.set(alg, { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: `key-${alg.toLowerCase()}`, alg, use: 'sig' } });
  }
  const foreign = new Map<SigningAlgorithm, CryptoKey>();
  const jwks = { keys: [...keys.values()].map((k) => k.publicJwk) };
  return {
    jwks,
    jwksText: JSON.stringify(jwks),
    async token(claims = {}, options = {}) {
      const alg = options.alg ?? 'ES256';
      const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
      const payload: JWTPayload = {
        iss: options.issuer ?? idpIssuer,
        aud: options.audience ?? idpAudience,
        sub: 'subject-1',
        iat: nowSeconds,
        exp: nowSeconds + (options.expiresIn ?? 300),
        email: 'ada@corp.example',
        email_verified: true,
        given_name: 'Ada',
        family_name: 'Lovelace',
        ...(options.notBefore !== undefined ? { nbf: nowSeconds + options.notBefore } : {}),
        ...claims,
      };
      for (const claim of options.omit ?? []) delete payload[claim];
      let key = keys.get(alg)!.privateKey;
      if (options.foreignKey) {
        if (!foreign.has(alg)) foreign.set(alg, (await generateKeyPair(alg)).privateKey);
        key = foreign.get(alg)!;
      }
      return new SignJWT(payload).setProtectedHeader({ alg, kid: options.kid ?? `key-${alg.toLowerCase()}` }).sign(key);
    },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (alg "none") with the given claims. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}
