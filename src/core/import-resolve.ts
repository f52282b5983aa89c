// What a user import looks up in the store, each thing once: the tenants a file names (and
// whether the importer may add users there), the roles of each combination named per tenant
// (same rules as `user create`), and each tenant's teams.
import type { Kysely } from 'kysely';
import { authorize } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import type { Database } from '../store/schema.js';
import { findTenantBySlug, MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { isAppError } from './errors.js';
import type { FieldProblem } from './import-rows.js';
import { resolveNewUserRoles } from './users.js';

/** Distinct role combinations remembered; past this they are looked up every time. */
const memoLimit = 10_000;

export class ImportResolver {
  readonly #tenants = new Map<string, string | FieldProblem>();
  readonly #roles = new Map<string, string[] | FieldProblem>();
  readonly #teams = new Map<string, Map<string, string>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor: Principal,
    private readonly actingTenantId: string,
    private readonly needsUpdate: boolean,
  ) {}

  /**
   * The tenant id of a row: the acting tenant when the row names none (the command's guard
   * checked it), else the named tenant if the importer may create (and, with updates, update)
   * users there. Tenants the importer may not act in look missing, as everywhere.
   */
  async tenantId(slug: string | null): Promise<string | FieldProblem> {
    if (slug === null) return this.actingTenantId;
    let result = this.#tenants.get(slug);
    if (result === undefined) {
      const row = await findTenantBySlug(this.db, slug);
      const allowed =
        row !== undefined &&
        authorize(this.actor, 'create', 'users', row.id).allowed &&
        (!this.needsUpdate || authorize(this.actor, 'update', 'users', row.id).allowed);
      result = allowed ? row.id : { field: 'tenant', reason: `tenant ${slug} not found` };
      this.#tenants.set(slug, result);
    }
    return result;
  }

  /** Role ids for a new user (or an update naming roles) in a tenant, or why not. */
  async roles(tenantId: string, requested: readonly string[]): Promise<string[] | FieldProblem> {
    const key = `${tenantId}\u0000${requested.join(',')}`;
    const known = this.#roles.get(key);
    if (known !== undefined) return known;
    let result: string[] | FieldProblem;
    if (requested.length === 0 && tenantId === MAIN_TENANT_ID) {
      result = { field: 'roles', reason: 'a main-account user needs the role super-admin (or name a tenant in the tenant column)' };
    } else {
      try {
        result = await resolveNewUserRoles(this.db, tenantId, requested, this.actor.access.edition);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const reason = error.code === 'not_found' ? `unknown ${error.message.replace(/ not found$/, '')}` : error.message;
        result = { field: 'roles', reason: reason.replace(/--role /g, '') };
      }
    }
    if (this.#roles.size < memoLimit) this.#roles.set(key, result);
    return result;
  }

  /** Team ids by name in a tenant, or the first unknown name. */
  async teams(tenantId: string, names: readonly string[]): Promise<string[] | FieldProblem> {
    if (names.length === 0) return [];
    let teams = this.#teams.get(tenantId);
    if (!teams) {
      const rows = await this.db.selectFrom('teams').select(['id', 'name']).where('tenant_id', '=', tenantId).execute();
      teams = new Map(rows.map((r) => [r.name, r.id]));
      this.#teams.set(tenantId, teams);
    }
    const ids: string[] = [];
    for (const name of names) {
      const id = teams.get(name);
      if (id === undefined) return { field: 'teams', reason: `unknown team ${name}` };
      ids.push(id);
    }
    return ids;
  }
}
