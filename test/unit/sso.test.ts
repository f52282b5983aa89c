// SSO on both dialects: configuration, group mappings and sign-in with ID tokens made here.
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { authenticateSession } from '../../src/auth/sessions.js';
import { verifyAudit } from '../../src/core/audit.js';
import { initStore } from '../../src/core/init.js';
import { configureSso, listGroupMappings, mapGroup, showSso, unmapGroup } from '../../src/core/sso.js';
import { namesOf, provisionFromIdToken } from '../../src/core/sso-provision.js';
import { createTenant, setTenantStatus } from '../../src/core/tenants.js';
import { createUser } from '../../src/core/users.js';
import { findTenantBySlug } from '../../src/store/tenant-repo.js';
import { fakeIdp, idpAudience, idpIssuer, signingAlgorithms, unsignedToken, type FakeIdp } from '../helpers/oidc.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

/** A token signed with a shared secret: the algorithm-confusion attack on a public key. */
async function hmacToken(now: Date): Promise<string> {
  const { SignJWT } = await import('jose');
  const exp = Math.floor(now.getTime() / 1000) + 300;
  return new SignJWT({ iss: idpIssuer, aud: idpAudience, sub: 's', exp, email: 'ada@corp.example', email_verified: true })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));
}

describe.each(dialects)('SSO on %s', (dialect) => {
  let t: TestStore;
  let idp: FakeIdp;
  let root: Principal;
  afterEach(async () => t?.cleanup());

  async function setup(options: { configure?: boolean } = {}) {
    t = await testStore(dialect);
    const { token } = await initStore(t.deps, { email: 'root@example.com', firstName: 'Root', password: 'Root-Pass-word-1' });
    root = await authenticateSession(t.deps, token);
    idp ??= await fakeIdp();
    for (const slug of ['acme', 'globex']) await createTenant(t.deps, root, { slug, name: slug });
    if (options.configure !== false) await configureSso(t.deps, root, { issuer: idpIssuer, audience: idpAudience, jwks: idp.jwksText });
  }

  const tenant = async (slug: string) => (await findTenantBySlug(t.store.db, slug))!;
  const token = (claims = {}, options = {}) => idp.token(claims, { now: t.clock.now, ...options });
  const counts = async () => {
    const n = async (table: 'users' | 'sessions' | 'role_assignments') =>
      Number((await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { users: await n('users'), sessions: await n('sessions'), roles: await n('role_assignments') };
  };
  const lastEvent = async () => t.store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const setSyncRoles = (on: boolean) =>
    t.store.db.insertInto('tenant_settings').values({ tenant_id: 'main', key: 'sso.syncRoles', value: String(on), updated_at: '2026-01-01T00:00:00.000Z', updated_by: null }).execute();

  describe('configure', () => {
    it('stores the provider, summarizes its keys, audits, and keeps omitted values on reconfigure', async () => {
      await setup();
      const config = await showSso(t.deps);
      expect(config).toMatchObject({ issuer: idpIssuer, audience: idpAudience, syncRoles: false, mappings: 0, updatedBy: 'root@example.com' });
      expect(config.keys.map((k) => [k.alg, k.usable])).toEqual([['RS256', true], ['ES256', true], ['EdDSA', true]]);
      expect((await lastEvent())).toMatchObject({ action: 'sso.configure', actor_id: root.userId, tenant_id: 'main' });
      const changed = await configureSso(t.deps, root, { audience: 'other-client' });
      expect(changed.changed).toEqual(['audience']);
      expect(changed.config).toMatchObject({ issuer: idpIssuer, audience: 'other-client' });
      const seq = (await lastEvent()).seq;
      expect((await configureSso(t.deps, root, { audience: 'other-client' })).changed).toEqual([]);
      expect((await lastEvent()).seq).toBe(seq);
    });

    it('needs everything the first time', async () => {
      await setup({ configure: false });
      await expect(showSso(t.deps)).rejects.toMatchObject({ code: 'not_found' });
      await expect(configureSso(t.deps, root, { issuer: idpIssuer, audience: idpAudience })).rejects.toMatchObject({ code: 'validation', message: /all needed/ });
    });

    it.each([
      ['not JSON', '{keys:', /invalid JWKS: not JSON/],
      ['no keys member', '{"foo":[]}', /invalid JWKS: JSON Web Key Set malformed/],
      ['an empty set', '{"keys":[]}', /invalid JWKS: it has no keys/],
      ['a symmetric key', '{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"s"}]}', /key s is a symmetric key/],
      ['only an unusable algorithm', '{"keys":[{"kty":"RSA","alg":"RS512","n":"AQAB","e":"AQAB"}]}', /no key can verify RS256, ES256, EdDSA/],
      ['a broken RSA key', '{"keys":[{"kty":"RSA","alg":"RS256","kid":"b","n":"AQAB","e":"AQAB"}]}', /key b cannot be used for RS256: an RSA key of 17 bits/],
      ['a broken EC key', '{"keys":[{"kty":"EC","crv":"P-256","kid":"c","x":"","y":""}]}', /key c cannot be used for ES256/],
    ])('refuses a JWKS with %s (3)', async (_name, jwks, message) => {
      await setup({ configure: false });
      await expect(configureSso(t.deps, root, { issuer: idpIssuer, audience: idpAudience, jwks })).rejects.toMatchObject({ code: 'validation', message });
      expect(await t.store.db.selectFrom('sso_config').selectAll().execute()).toEqual([]);
    });

    it('refuses private key material', async () => {
      await setup({ configure: false });
      const { generateKeyPair, exportJWK } = await import('jose');
      const pair = await generateKeyPair('ES256', { extractable: true });
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.privateKey)), kid: 'leak' }] });
      await expect(configureSso(t.deps, root, { issuer: idpIssuer, audience: idpAudience, jwks })).rejects.toMatchObject({ code: 'validation', message: /key leak contains private key material \("d"\)/ });
    });

    it.each([
      ['http://idp.example.test', /must be an https URL/],
      ['not a url', /not a URL/],
      ['https://idp.example.test/?x=1', /no credentials, query or fragment/],
    ])('refuses the issuer %s (3)', async (issuer, message) => {
      await setup({ configure: false });
      await expect(configureSso(t.deps, root, { issuer, audience: idpAudience, jwks: idp.jwksText })).rejects.toMatchObject({ code: 'validation', message });
    });
  });

  describe('group mappings', () => {
    it('map, list in first-match order, unmap one role or all', async () => {
      await setup();
      await mapGroup(t.deps, root, await tenant('acme'), 'eng', 'editor');
      await mapGroup(t.deps, root, await tenant('globex'), 'ops', 'operator');
      await mapGroup(t.deps, root, await tenant('acme'), 'eng', 'viewer');
      expect((await listGroupMappings(t.deps)).map((m) => [m.position, m.group, m.tenant, m.role])).toEqual([
        [1, 'eng', 'acme', 'editor'],
        [2, 'ops', 'globex', 'operator'],
        [3, 'eng', 'acme', 'viewer'],
      ]);
      expect(await unmapGroup(t.deps, root, await tenant('acme'), 'eng', 'viewer')).toEqual(['viewer']);
      expect(await unmapGroup(t.deps, root, await tenant('globex'), 'ops')).toEqual(['operator']);
      expect((await listGroupMappings(t.deps)).map((m) => [m.position, m.group])).toEqual([[1, 'eng']]);
      const event = await lastEvent();
      expect(event).toMatchObject({ action: 'sso.unmap-group', tenant_id: (await tenant('globex')).id });
    });

    it.each([
      ['an unknown role', 'acme', 'eng', 'wizard', 'not_found'],
      ['the main account', 'main', 'eng', 'viewer', 'validation'],
      ['a blank group', 'acme', ' ', 'viewer', 'validation'],
    ])('refuses %s', async (_name, slug, group, role, code) => {
      await setup();
      const row = slug === 'main' ? (await t.store.db.selectFrom('tenants').selectAll().where('id', '=', 'main').executeTakeFirstOrThrow()) : await tenant(slug);
      await expect(mapGroup(t.deps, root, row, group, role)).rejects.toMatchObject({ code });
      expect(await listGroupMappings(t.deps)).toEqual([]);
    });

    it('refuses a duplicate (7) and unmapping what is not mapped (6)', async () => {
      await setup();
      await mapGroup(t.deps, root, await tenant('acme'), 'eng', 'editor');
      await expect(mapGroup(t.deps, root, await tenant('acme'), 'eng', 'editor')).rejects.toMatchObject({ code: 'conflict' });
      await expect(unmapGroup(t.deps, root, await tenant('globex'), 'eng')).rejects.toMatchObject({ code: 'not_found' });
      await expect(unmapGroup(t.deps, root, await tenant('acme'), 'eng', 'viewer')).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('provision', () => {
    it.each(signingAlgorithms)('creates an unknown user in sso-landing as viewer and signs them in (%s)', async (alg) => {
      await setup();
      const result = await provisionFromIdToken(t.deps, await token({}, { alg }));
      expect(result).toMatchObject({ created: true, rolesAdded: [], user: { email: 'ada@corp.example', first_name: 'Ada', last_name: 'Lovelace', status: 'active', password_hash: null } });
      expect(result.user.tenant_id).toBe((await tenant('sso-landing')).id);
      const principal = await authenticateSession(t.deps, result.token);
      expect(principal).toMatchObject({ via: 'sso', email: 'ada@corp.example' });
      expect(principal.access.roles).toEqual([{ role: 'viewer', via: 'direct', origin: 'direct' }]);
      const events = await t.store.db.selectFrom('audit_events').select(['action', 'actor_id', 'target', 'details']).orderBy('seq', 'desc').limit(2).execute();
      expect(events.map((e) => [e.action, e.actor_id])).toEqual([['auth.sso-login', result.user.id], ['user.create', null]]);
      expect(JSON.parse(events[1]!.details)).toMatchObject({ roles: ['viewer'], status: 'active', via: 'sso' });
      expect(JSON.stringify(events)).not.toContain('ada@corp.example');
      expect(await verifyAudit(t.deps)).toMatchObject({ ok: true });
    });

    it('signs an existing active user in without creating anything else', async () => {
      await setup();
      const acme = await tenant('acme');
      await createUser(t.deps, root, acme.id, { email: 'Ada@Corp.example', firstName: 'Ada', roles: ['admin'], password: 'Ada-Pass-word-1' });
      const before = await counts();
      const result = await provisionFromIdToken(t.deps, await token());
      expect(result).toMatchObject({ created: false, rolesAdded: [], user: { tenant_id: acme.id, email: 'Ada@Corp.example' } });
      expect(await counts()).toEqual({ ...before, sessions: before.sessions + 1 });
      expect(JSON.parse((await lastEvent()).details)).toMatchObject({ via: 'sso', created: false });
    });

    it('places a new user by the first matching mapping, with every role mapped in that tenant', async () => {
      await setup();
      await mapGroup(t.deps, root, await tenant('acme'), 'eng', 'editor');
      await mapGroup(t.deps, root, await tenant('globex'), 'ops', 'operator');
      await mapGroup(t.deps, root, await tenant('acme'), 'ops', 'viewer');
      const first = await provisionFromIdToken(t.deps, await token({ groups: ['ops', 'eng', 'unmapped'] }));
      expect(first.user.tenant_id).toBe((await tenant('acme')).id);
      expect(first.rolesAdded.sort()).toEqual(['editor', 'viewer']);
      const second = await provisionFromIdToken(t.deps, await token({ email: 'bob@corp.example', groups: ['ops'] }));
      expect(second.user.tenant_id).toBe((await tenant('globex')).id);
      expect(second.rolesAdded).toEqual(['operator']);
      const third = await provisionFromIdToken(t.deps, await token({ email: 'cy@corp.example', groups: 'nobody-maps-this' }));
      expect(third.user.tenant_id).toBe((await tenant('sso-landing')).id);
    });

    it('with sso.syncRoles on, adds mapped roles of the user\'s tenant at each sign-in and never removes any', async () => {
      await setup();
      const acme = await tenant('acme');
      await createUser(t.deps, root, acme.id, { email: 'ada@corp.example', firstName: 'Ada', roles: ['admin'], password: 'Ada-Pass-word-1' });
      await mapGroup(t.deps, root, acme, 'eng', 'editor');
      await mapGroup(t.deps, root, await tenant('globex'), 'eng', 'operator');
      expect((await provisionFromIdToken(t.deps, await token({ groups: ['eng'] }))).rolesAdded).toEqual([]);
      await setSyncRoles(true);
      const synced = await provisionFromIdToken(t.deps, await token({ groups: ['eng'] }));
      expect(synced.rolesAdded).toEqual(['editor']);
      const roles = async () => (await t.store.db.selectFrom('role_assignments').select(['role_id', 'assigned_by']).where('user_id', '=', synced.user.id).orderBy('role_id').execute());
      expect(await roles()).toEqual([{ role_id: 'admin', assigned_by: root.userId }, { role_id: 'editor', assigned_by: null }]);
      expect((await t.store.db.selectFrom('audit_events').select('details').where('action', '=', 'sso.sync-roles').execute()).map((e) => JSON.parse(e.details))).toEqual([{ added: ['editor'] }]);
      const again = await provisionFromIdToken(t.deps, await token({ groups: [] }));
      expect(again.rolesAdded).toEqual([]);
      expect((await roles()).map((r) => r.role_id)).toEqual(['admin', 'editor']);
    });

    it('accepts exp and nbf within the clock skew (60 s) and refuses them beyond it', async () => {
      await setup();
      const expired = await token({}, { expiresIn: -50 });
      expect((await provisionFromIdToken(t.deps, expired)).created).toBe(true);
      const tooOld = await token({}, { expiresIn: -70 });
      await expect(provisionFromIdToken(t.deps, tooOld)).rejects.toMatchObject({ code: 'unauthenticated', message: /expired/ });
      expect((await provisionFromIdToken(t.deps, await token({}, { notBefore: 50 }))).created).toBe(false);
      await expect(provisionFromIdToken(t.deps, await token({}, { notBefore: 70 }))).rejects.toMatchObject({ message: /not valid before/ });
      t.clock.advanceMinutes(10);
      await expect(provisionFromIdToken(t.deps, await token({}, { now: new Date(t.clock.now.getTime() - 600_000) }))).rejects.toMatchObject({ message: /expired/ });
    });

    const badTokens: [string, (idp: FakeIdp, now: Date) => Promise<string> | string, string, RegExp][] = [
      ['an unknown key', (p, now) => p.token({}, { now, foreignKey: true }), 'bad_signature', /signature does not verify/],
      ['an unknown kid', (p, now) => p.token({}, { now, kid: 'rotated-away' }), 'unknown_key', /key that is not in the configured JWKS/],
      ['alg none', (_p, now) => unsignedToken({ iss: idpIssuer, aud: idpAudience, sub: 's', exp: now.getTime() / 1000 + 300, email: 'ada@corp.example', email_verified: true }), 'alg_none', /unsigned \(alg "none"\)/],
      ['an expired token', (p, now) => p.token({}, { now, expiresIn: -3600 }), 'expired', /expired at/],
      ['a token not yet valid', (p, now) => p.token({}, { now, notBefore: 3600 }), 'not_yet_valid', /not valid before/],
      ['the wrong issuer', (p, now) => p.token({}, { now, issuer: 'https://evil.example' }), 'wrong_issuer', /issuer "https:\/\/evil.example" is not the configured/],
      ['the wrong audience', (p, now) => p.token({}, { now, audience: 'someone-else' }), 'wrong_audience', /audience does not include iamctl-cli/],
      ['no exp', (p, now) => p.token({}, { now, omit: ['exp'] }), 'missing_claim', /no "exp" claim/],
      ['an unverified email', (p, now) => p.token({ email_verified: false }, { now }), 'email_unverified', /not verified the email/],
      ['email_verified as a string', (p, now) => p.token({ email_verified: 'true' }, { now }), 'email_unverified', /not verified/],
      ['no email', (p, now) => p.token({}, { now, omit: ['email'] }), 'email_missing', /no email claim/],
      ['an invalid email', (p, now) => p.token({ email: 'not-an-email' }, { now }), 'email_invalid', /invalid email/],
      ['an HMAC signature (HS256)', (_p, now) => hmacToken(now), 'alg_not_allowed', /algorithm HS256 is not accepted \(only RS256, ES256, EdDSA\)/],
      ['a malformed JWT', () => 'abc.def', 'malformed', /not a JWT/],
      ['a garbage header', () => 'e30x.e30.c2ln', 'malformed', /header is not valid/],
    ];

    it.each(badTokens)('refuses %s (4), creates nothing, and audits the reason', async (_name, make, reason, message) => {
      await setup();
      const before = await counts();
      const bad = await make(idp, t.clock.now);
      const error = await provisionFromIdToken(t.deps, bad).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(message), data: { reason } });
      expect(await counts()).toEqual(before);
      const event = await lastEvent();
      expect(event).toMatchObject({ action: 'auth.sso-login', result: 'failure', actor_id: null, target: null, tenant_id: 'main' });
      expect(JSON.parse(event.details)).toEqual({ reason, via: 'sso' });
    });

    it.each([
      ['inactive', "status = 'inactive'", 'user_inactive'],
      ['deleted', "status = 'deleted'", 'user_deleted'],
      ['invited', "status = 'invited'", 'user_invited'],
    ])('refuses an %s user (4) and changes nothing', async (state, _set, reason) => {
      await setup();
      const acme = await tenant('acme');
      const { user } = await createUser(t.deps, root, acme.id, { email: 'ada@corp.example', firstName: 'Ada', password: 'Ada-Pass-word-1' });
      await t.store.db.updateTable('users').set({ status: state as 'inactive' }).where('id', '=', user.id).execute();
      const before = await counts();
      await expect(provisionFromIdToken(t.deps, await token())).rejects.toMatchObject({ code: 'unauthenticated', message: new RegExp(`is ${state}`), data: { reason } });
      expect(await counts()).toEqual(before);
      expect(await lastEvent()).toMatchObject({ result: 'failure', tenant_id: acme.id, target: `user:${user.id}` });
    });

    it('refuses a user of an inactive tenant, a locked account, and a mapping to an inactive tenant (4)', async () => {
      await setup();
      const acme = await tenant('acme');
      await createUser(t.deps, root, acme.id, { email: 'ada@corp.example', firstName: 'Ada', password: 'Ada-Pass-word-1' });
      await setTenantStatus(t.deps, root, acme, 'inactive');
      await expect(provisionFromIdToken(t.deps, await token())).rejects.toMatchObject({ message: /tenant acme is inactive/ });
      await setTenantStatus(t.deps, root, { ...acme, status: 'inactive' }, 'active');
      const user = await t.store.db.selectFrom('users').select('id').where('email_lower', '=', 'ada@corp.example').executeTakeFirstOrThrow();
      await t.store.db.insertInto('lockouts').values({ tenant_id: acme.id, user_id: user.id, locked_at: t.clock.now.toISOString(), locked_until: '2099-01-01T00:00:00.000Z' }).execute();
      await expect(provisionFromIdToken(t.deps, await token())).rejects.toMatchObject({ data: { reason: 'locked' } });
      const globex = await tenant('globex');
      await mapGroup(t.deps, root, globex, 'ops', 'operator');
      await setTenantStatus(t.deps, root, globex, 'inactive');
      const before = await counts();
      await expect(provisionFromIdToken(t.deps, await token({ email: 'bob@corp.example', groups: ['ops'] }))).rejects.toMatchObject({
        message: /tenant globex that group ops maps to is inactive/,
      });
      expect(await counts()).toEqual(before);
    });

    it('refuses every token while SSO is not configured (4)', async () => {
      await setup({ configure: false });
      await expect(provisionFromIdToken(t.deps, await token())).rejects.toMatchObject({ code: 'unauthenticated', message: /not configured/, data: { reason: 'not_configured' } });
      expect((await counts()).users).toBe(1);
    });
  });
});

describe('names of new SSO users', () => {
  it.each([
    [{ givenName: 'Zoë', familyName: "O'Brien", name: null }, 'z@corp.example', { firstName: 'Zoë', lastName: "O'Brien" }],
    [{ givenName: 'Zoë', familyName: '<script>', name: null }, 'z@corp.example', { firstName: 'Zoë', lastName: '' }],
    [{ givenName: null, familyName: null, name: 'Grace Brewster Hopper' }, 'g@corp.example', { firstName: 'Grace', lastName: 'Brewster Hopper' }],
    [{ givenName: 'X', familyName: null, name: '42' }, 'jean.doe-42@corp.example', { firstName: 'Jean Doe', lastName: '' }],
    [{ givenName: null, familyName: null, name: null }, 'ada@corp.example', { firstName: 'Ada', lastName: '' }],
    [{ givenName: null, familyName: null, name: null }, '4.x@corp.example', { firstName: 'SSO', lastName: 'User' }],
  ])('%j with %s', (claims, email, names) => {
    expect(namesOf({ ...claims, email })).toEqual(names);
  });
});
