// `user export`: the users of a tenant (or of every tenant) in the shape `user import` reads,
// so a file can move users between stores. Read page by page inside one consistent snapshot
// and handed to a sink one at a time (the sink waits for a slow reader). Every export is
// audited before the first row leaves; password hashes only when asked (super admins).
import type { Principal } from '../auth/principal.js';
import { appendAudit } from '../store/audit-repo.js';
import { directRolesOf } from '../store/role-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import type { Deps } from './deps.js';

export interface ExportedUser {
  email: string;
  firstName: string;
  lastName: string;
  roles: string[];
  teams: string[];
  /** Tenant slug; null for the main account. */
  tenant: string | null;
  status: 'active' | 'invited' | 'inactive';
  /** Only with --with-hashes (null for users without a password). */
  passwordHash?: string | null;
}

export interface UserExportQuery {
  /** One tenant, or every tenant and the main account. */
  tenantId: string | 'all';
  withHashes: boolean;
  format: string;
}

const pageSize = 1000;

/** Audits the export, then streams the users (deleted ones excluded), by email. Returns how many. */
export async function exportUsers(deps: Deps, actor: Principal, actingTenantId: string, query: UserExportQuery, sink: (user: ExportedUser) => Promise<void>): Promise<number> {
  const { db } = deps.store;
  await deps.store.write(async (trx) => {
    let count = trx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'deleted');
    if (query.tenantId !== 'all') count = count.where('tenant_id', '=', query.tenantId);
    const { n } = await count.executeTakeFirstOrThrow();
    await appendAudit(trx, {
      at: deps.now().toISOString(),
      tenantId: query.tenantId === 'all' ? actingTenantId : query.tenantId,
      actorId: actor.userId,
      action: 'user.export',
      details: { format: query.format, withHashes: query.withHashes, allTenants: query.tenantId === 'all', users: Number(n) },
    });
  });
  const tenants = await db.selectFrom('tenants').select(['id', 'slug']).execute();
  const slugs = new Map(tenants.map((t) => [t.id, t.id === MAIN_TENANT_ID ? null : t.slug]));
  return deps.store.read(async (trx) => {
    let after: string | null = null;
    let exported = 0;
    for (;;) {
      let q = trx
        .selectFrom('users')
        .select(['id', 'tenant_id', 'email', 'email_lower', 'first_name', 'last_name', 'status', 'password_hash'])
        .where('status', '!=', 'deleted');
      if (query.tenantId !== 'all') q = q.where('tenant_id', '=', query.tenantId);
      if (after !== null) q = q.where('email_lower', '>', after);
      const rows = await q.orderBy('email_lower').limit(pageSize).execute();
      if (rows.length === 0) return exported;
      const byTenant = new Map<string, string[]>();
      for (const r of rows) {
        const ids = byTenant.get(r.tenant_id);
        if (ids) ids.push(r.id);
        else byTenant.set(r.tenant_id, [r.id]);
      }
      const roles = new Map<string, string[]>();
      const teams = new Map<string, string[]>();
      for (const [tenantId, ids] of byTenant) {
        for (const [userId, list] of await directRolesOf(trx, tenantId, ids)) roles.set(userId, list);
        const memberships = await trx
          .selectFrom('team_members')
          .innerJoin('teams', (j) => j.onRef('teams.tenant_id', '=', 'team_members.tenant_id').onRef('teams.id', '=', 'team_members.team_id'))
          .select(['team_members.user_id as userId', 'teams.name as name'])
          .where('team_members.tenant_id', '=', tenantId)
          .where('team_members.user_id', 'in', ids)
          .orderBy('teams.name')
          .execute();
        for (const m of memberships) {
          const names = teams.get(m.userId);
          if (names) names.push(m.name);
          else teams.set(m.userId, [m.name]);
        }
      }
      for (const r of rows) {
        await sink({
          email: r.email,
          firstName: r.first_name,
          lastName: r.last_name,
          roles: roles.get(r.id) ?? [],
          teams: teams.get(r.id) ?? [],
          tenant: slugs.get(r.tenant_id) ?? null,
          status: r.status as ExportedUser['status'],
          ...(query.withHashes ? { passwordHash: r.password_hash } : {}),
        });
        exported++;
      }
      after = rows.at(-1)!.email_lower;
    }
  });
}
