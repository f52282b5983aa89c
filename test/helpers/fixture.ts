// A store with two tenants, a super admin principal and a few users, for core tests of roles,
// teams and can-i; plus a snapshot of every authorization table to prove a refusal changed nothing.
import { buildPrincipal, type Principal } from '../../src/auth/principal.js';
import { createTenant } from '../../src/core/tenants.js';
import { createUser } from '../../src/core/users.js';
import { insertBuiltinRoles } from '../../src/store/role-repo.js';
import type { UserRow } from '../../src/store/schema.js';
import { MAIN_TENANT_ID } from '../../src/store/tenant-repo.js';
import { findUserRow } from '../../src/store/user-repo.js';
import { principalWith } from './principals.js';
import { testStore, type DialectName, type TestStore } from './store.js';

export interface Fixture extends TestStore {
  root: Principal;
  acme: string;
  globex: string;
  /** Creates an invited user in a tenant with the given roles. */
  user(tenantId: string, email: string, roles?: string[]): Promise<UserRow>;
  /** The principal of a stored user (their roles, teams and inheritance, as the CLI builds it). */
  principal(user: UserRow): Promise<Principal>;
  snapshot(): Promise<Record<string, number>>;
}

const tables = ['roles', 'role_permissions', 'role_inherits', 'role_assignments', 'teams', 'team_members', 'team_roles', 'resource_grants', 'audit_events'] as const;

export async function fixture(dialect: DialectName): Promise<Fixture> {
  const t = await testStore(dialect);
  await insertBuiltinRoles(t.store.db, MAIN_TENANT_ID, t.clock.now.toISOString());
  const bootstrap = principalWith(['super-admin'], { userId: 'bootstrap', email: 'root@example.com' });
  await createUser(t.deps, bootstrap, MAIN_TENANT_ID, { email: 'root@example.com', firstName: 'Root', roles: ['super-admin'] });
  const rootRow = (await findUserRow(t.store.db, { ref: 'root@example.com' }))!;
  const root = principalWith(['super-admin'], { userId: rootRow.id, email: rootRow.email });
  const acme = (await createTenant(t.deps, root, { slug: 'acme', name: 'Acme' })).id;
  const globex = (await createTenant(t.deps, root, { slug: 'globex', name: 'Globex' })).id;
  return {
    ...t,
    root,
    acme,
    globex,
    async user(tenantId, email, roles = ['viewer']) {
      await createUser(t.deps, root, tenantId, { email, firstName: 'Test', roles });
      return (await findUserRow(t.store.db, { ref: email }))!;
    },
    principal: (user) => buildPrincipal(t.store.db, user, { via: 'session', sessionId: null, keyId: null, restricted: false }),
    async snapshot() {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const row = await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        counts[table] = Number(row.n);
      }
      return counts;
    },
  };
}
