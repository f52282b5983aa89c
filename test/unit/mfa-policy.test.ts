// security.mfaRequiredForAdmins on both dialects: who gets a restricted session at sign-in,
// how confirming a factor lifts it, and what the policy leaves alone (API keys, SSO sign-ins).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticateApiKey, generateKey } from '../../src/auth/api-keys.js';
import { authenticateSession, login } from '../../src/auth/sessions.js';
import { confirmMfa, enrollMfa } from '../../src/core/mfa.js';
import { configureSso } from '../../src/core/sso.js';
import { provisionFromIdToken } from '../../src/core/sso-provision.js';
import { addTeamMember, createTeam, grantTeamRole } from '../../src/core/teams.js';
import { goodPassword, rootEmail, rootPassword, seed, type Seeded } from '../helpers/fixtures.js';
import { codeAt } from '../helpers/mfa.js';
import { fakeIdp, idpAudience, idpIssuer } from '../helpers/oidc.js';
import { putSetting } from '../helpers/settings.js';
import { dialects, testStore, type TestStore } from '../helpers/store.js';

const masterKey = randomBytes(32);
const policy = 'security.mfaRequiredForAdmins';

describe.each(dialects)('the admin MFA policy on %s', (dialect) => {
  let t: TestStore;
  let s: Seeded;
  afterEach(async () => t?.cleanup());

  async function setup() {
    t = await testStore(dialect);
    s = await seed(t);
  }

  type Case = { who: string; roles: string[]; global?: boolean; tenant?: boolean; restricted: boolean };
  const cases: Case[] = [
    { who: 'an admin, policy off (the default)', roles: ['admin'], restricted: false },
    { who: 'an admin, policy on globally', roles: ['admin'], global: true, restricted: true },
    { who: 'an editor, policy on globally', roles: ['editor'], global: true, restricted: false },
    { who: 'a viewer, policy on globally', roles: ['viewer'], global: true, restricted: false },
    { who: 'an admin, on globally but off for the tenant', roles: ['admin'], global: true, tenant: false, restricted: false },
    { who: 'an admin, off globally but on for the tenant', roles: ['admin'], global: false, tenant: true, restricted: true },
    { who: 'an admin who is also a viewer, on for the tenant', roles: ['viewer', 'admin'], tenant: true, restricted: true },
  ];
  it.each(cases)('$who: restricted $restricted', async ({ roles, global, tenant, restricted }) => {
    await setup();
    if (global !== undefined) await putSetting(t.store.db, 'main', policy, global);
    if (tenant !== undefined) await putSetting(t.store.db, s.acme.id, policy, tenant);
    await s.activeUser('u@acme.example', { roles });
    const result = await login(t.deps, { email: 'u@acme.example', password: goodPassword });
    expect(result.restricted).toBe(restricted);
    expect((await authenticateSession(t.deps, result.token)).restricted).toBe(restricted);
    const event = await t.store.db.selectFrom('audit_events').select('details').where('action', '=', 'auth.login').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details).restricted).toBe(restricted ? true : undefined);
  });

  it('applies to super admins (the global value; tenant values do not reach the main account)', async () => {
    await setup();
    await putSetting(t.store.db, s.acme.id, policy, true);
    expect((await login(t.deps, { email: rootEmail, password: rootPassword })).restricted).toBe(false);
    await putSetting(t.store.db, 'main', policy, true);
    expect((await login(t.deps, { email: rootEmail, password: rootPassword })).restricted).toBe(true);
  });

  it('counts admins by team membership too', async () => {
    await setup();
    await putSetting(t.store.db, 'main', policy, true);
    await s.activeUser('member@acme.example', { roles: ['viewer'] });
    await createTeam(t.deps, s.root, s.acme.id, 'ops');
    await grantTeamRole(t.deps, s.root, s.acme.id, 'ops', 'admin');
    await addTeamMember(t.deps, s.root, s.acme.id, 'ops', 'member@acme.example');
    expect((await login(t.deps, { email: 'member@acme.example', password: goodPassword })).restricted).toBe(true);
  });

  it('confirming a factor lifts the restriction of that session; later sign-ins need the code and are full', async () => {
    await setup();
    await putSetting(t.store.db, 'main', policy, true);
    await s.activeUser('boss@acme.example', { roles: ['admin'] });
    const first = await login(t.deps, { email: 'boss@acme.example', password: goodPassword });
    const other = await login(t.deps, { email: 'boss@acme.example', password: goodPassword });
    const principal = await authenticateSession(t.deps, first.token);
    const { secret } = await enrollMfa(t.deps, principal, masterKey);
    const confirmed = await confirmMfa(t.deps, principal, masterKey, codeAt(secret, t.clock.now));
    expect(confirmed.unrestricted).toBe(true);
    expect((await authenticateSession(t.deps, first.token)).restricted).toBe(false);
    // Another session opened with the password alone stays restricted.
    expect((await authenticateSession(t.deps, other.token)).restricted).toBe(true);
    t.clock.advanceMinutes(1);
    const next = await login(t.deps, { email: 'boss@acme.example', password: goodPassword, secondFactor: { code: codeAt(secret, t.clock.now), masterKey } });
    expect(next).toMatchObject({ restricted: false, secondFactor: 'totp' });
  });

  it('leaves API keys alone: an admin without a factor keeps full use of their key', async () => {
    await setup();
    await putSetting(t.store.db, 'main', policy, true);
    const admin = await s.activeUser('boss@acme.example', { roles: ['admin'] });
    const key = generateKey();
    const at = t.clock.now.toISOString();
    await t.store.db
      .insertInto('api_keys')
      .values({ id: key.id, tenant_id: s.acme.id, user_id: admin.id, name: 'ci', secret_hash: key.secretHash, hint: key.hint, created_by: null, created_at: at, expires_at: null, revoked_at: null, revoked_by: null, last_used_at: null })
      .execute();
    const principal = await authenticateApiKey(t.deps, key.key);
    expect(principal).toMatchObject({ via: 'apiKey', restricted: false });
    expect(principal.access.isAdmin).toBe(true);
  });

  it('leaves SSO sign-ins alone (the identity provider does MFA there)', async () => {
    await setup();
    await putSetting(t.store.db, 'main', policy, true);
    await s.activeUser('ada@corp.example', { roles: ['admin'] });
    const idp = await fakeIdp();
    await configureSso(t.deps, s.root, { issuer: idpIssuer, audience: idpAudience, jwks: idp.jwksText });
    const result = await provisionFromIdToken(t.deps, await idp.token({}, { now: t.clock.now }));
    expect(result.session.restricted).toBe(0);
    expect((await authenticateSession(t.deps, result.token)).restricted).toBe(false);
  });
});
