// Reading users: `user list` (search, filters, sort, keyset pages), `user show` (with role
// assignments) and `user stats`. Query building lives in src/store/user-search.ts.
import { createHash } from 'node:crypto';
import type { RbacEdition } from '../auth/access.js';
import { descendantsOf } from '../auth/role-graph.js';
import { loadRoleLinks } from '../store/role-repo.js';
import type { UserRow } from '../store/schema.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import { userPageRows, userSorts, sortValue, type UserPosition, type UserQuery, type UserSort } from '../store/user-search.js';
import { emailsById, findUserRow, toUserObject, toUsers } from '../store/user-repo.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Deps } from './deps.js';
import { notFound, validationError } from './errors.js';
import type { Page, RoleAssignment, User, UserStatus } from './model.js';

export { userSorts, type UserSort };

export const userStatuses: readonly UserStatus[] = ['active', 'invited', 'inactive', 'deleted'];

export interface ListUsersOptions {
  /** undefined: every tenant (super admins). */
  tenantId: string | undefined;
  search?: string | undefined;
  status?: string | undefined;
  includeDeleted?: boolean | undefined;
  role?: string | undefined;
  sort?: string | undefined;
  desc?: boolean | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export const MAX_SEARCH = 254;
export const MAX_LIMIT = 1000;

/** The search term as compared: trimmed, NFC, lower-cased; refused (3) when it cannot match. */
export function normalizeSearch(raw: string): string {
  const term = raw.trim().normalize('NFC').toLowerCase();
  if (term === '') throw validationError('--search needs at least one character', 'omit --search to list everyone');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(term)) throw validationError('--search must not contain control characters');
  if ([...term].length > MAX_SEARCH) throw validationError(`--search is at most ${MAX_SEARCH} characters`);
  return term.replace(/\s+/g, ' ');
}

interface UserCursor extends Record<string, unknown> {
  /** Which query (sort, direction, filters) the cursor continues. */
  q: string;
  v: string | null;
  i: string;
}

const isUserCursor = (x: unknown): x is UserCursor =>
  typeof x === 'object' && x !== null &&
  typeof (x as UserCursor).q === 'string' &&
  typeof (x as UserCursor).i === 'string' &&
  ((x as UserCursor).v === null || typeof (x as UserCursor).v === 'string');

function queryKey(q: UserQuery): string {
  const identity = JSON.stringify([q.tenantId ?? '*', q.search ?? '', q.status ?? '', q.includeDeleted === true, q.role ?? '', q.sort, q.desc]);
  return createHash('sha256').update(identity).digest('base64url').slice(0, 8);
}

/** Checks and normalizes `user list` options into a query (3 for bad values). */
export function userQuery(options: ListUsersOptions): UserQuery {
  const sort = (options.sort ?? 'name') as UserSort;
  if (!userSorts.includes(sort)) throw validationError(`unknown sort "${options.sort}"`, `sort by ${userSorts.join(', ')}`);
  const status = options.status as UserStatus | undefined;
  if (status !== undefined && !userStatuses.includes(status)) {
    throw validationError(`unknown status "${options.status}"`, `statuses: ${userStatuses.join(', ')}`);
  }
  return {
    tenantId: options.tenantId,
    search: options.search === undefined ? undefined : normalizeSearch(options.search),
    status,
    includeDeleted: options.includeDeleted === true,
    role: options.role,
    sort,
    desc: options.desc === true,
  };
}

export async function listUsers(deps: Deps, options: ListUsersOptions): Promise<Page<User>> {
  const q = userQuery(options);
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw validationError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const key = queryKey(q);
  let after: UserPosition | undefined;
  if (options.cursor !== undefined) {
    const cursor = decodeCursor(options.cursor, isUserCursor);
    if (cursor.q !== key) {
      throw validationError('this --cursor continues another listing', 'give the same --search, filters, --sort and --desc as the page it came from');
    }
    after = { value: cursor.v, id: cursor.i };
  }
  const { db } = deps.store;
  if (q.role !== undefined) {
    let roleQuery = db.selectFrom('roles').select('id').where('id', '=', q.role);
    if (q.tenantId !== undefined) roleQuery = roleQuery.where('tenant_id', '=', q.tenantId);
    if (!(await roleQuery.executeTakeFirst())) throw notFound(`role ${q.role}`, 'see `iamctl role list`');
  }
  const rows = await userPageRows(db, q, limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await toUsers(db, page),
    nextCursor: rows.length > limit && last ? encodeCursor({ q: key, v: sortValue(last, q.sort), i: last.id }) : null,
  };
}

export interface UserDetail extends User {
  roleAssignments: RoleAssignment[];
  teams: string[];
}

/**
 * A user of the tenant by email or id, deleted ones included (their status says so); another
 * tenant's user is not found, exactly like a missing one.
 */
export async function showUser(deps: Deps, tenantId: string, ref: string): Promise<UserDetail> {
  const { db } = deps.store;
  const row = await findUserRow(db, { ref, tenantId, includeDeleted: true });
  if (!row) throw notFound(`user ${ref}`, 'see `iamctl user list`');
  return { ...(await toUserObject(db, row)), ...(await assignmentsOf(deps, row)) };
}

async function assignmentsOf(deps: Deps, row: UserRow): Promise<{ roleAssignments: RoleAssignment[]; teams: string[] }> {
  const { db } = deps.store;
  const [direct, teams, viaTeams] = await Promise.all([
    db.selectFrom('role_assignments').select(['role_id', 'assigned_by', 'assigned_at'])
      .where('tenant_id', '=', row.tenant_id).where('user_id', '=', row.id).execute(),
    db.selectFrom('team_members as m')
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
      .select('t.name').where('m.tenant_id', '=', row.tenant_id).where('m.user_id', '=', row.id).orderBy('t.name').execute(),
    db.selectFrom('team_members as m')
      .innerJoin('teams as t', (j) => j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.team_id'))
      .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
      .select(['t.name', 'r.role_id', 'r.granted_by', 'r.granted_at'])
      .where('m.tenant_id', '=', row.tenant_id).where('m.user_id', '=', row.id).execute(),
  ]);
  const by = await emailsById(db, [...direct.map((d) => d.assigned_by), ...viaTeams.map((t) => t.granted_by)]);
  const who = (id: string | null) => (id === null ? null : (by.get(id) ?? id));
  const roleAssignments: RoleAssignment[] = [
    ...direct.map((d) => ({ role: d.role_id, assignedBy: who(d.assigned_by), assignedAt: d.assigned_at, via: 'direct' })),
    ...viaTeams.map((t) => ({ role: t.role_id, assignedBy: who(t.granted_by), assignedAt: t.granted_at, via: `team:${t.name}` })),
  ].sort((a, b) => a.role.localeCompare(b.role) || (a.via === 'direct' ? -1 : b.via === 'direct' ? 1 : a.via.localeCompare(b.via)));
  return { roleAssignments, teams: teams.map((t) => t.name) };
}

export interface UserStats {
  tenant: string | null;
  /** Users not deleted. */
  total: number;
  /** Users (not deleted) holding the administrator role: `admin` in a tenant, `super-admin` in the main account. */
  administrators: number;
  active: number;
  /** Created in the last 7 days (not deleted). */
  newThisWeek: number;
  since: string;
}

/**
 * The seed's overview cards for one tenant. Administrators hold the admin role directly or,
 * with edition.rbac=enterprise, through a team or a custom role that inherits it.
 */
export async function userStats(deps: Deps, tenantId: string, tenantSlug: string | null, edition: RbacEdition): Promise<UserStats> {
  const { db } = deps.store;
  const since = new Date(deps.now().getTime() - 7 * 86_400_000).toISOString();
  return deps.store.read(async (trx) => {
    const counts = await trx
      .selectFrom('users')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('total'),
        eb.fn.sum<number | string | null>(eb.case().when('status', '=', 'active').then(1).else(0).end()).as('active'),
        eb.fn.sum<number | string | null>(eb.case().when('created_at', '>=', since).then(1).else(0).end()).as('recent'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('status', '!=', 'deleted')
      .executeTakeFirstOrThrow();
    const adminRole = tenantId === MAIN_TENANT_ID ? 'super-admin' : 'admin';
    const enterprise = edition === 'enterprise';
    const adminRoles = enterprise ? [adminRole, ...descendantsOf((await loadRoleLinks(trx, tenantId)).inherits, adminRole)] : [adminRole];
    const admins = await trx
      .selectFrom('users as u')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('u.tenant_id', '=', tenantId)
      .where('u.status', '!=', 'deleted')
      .where(({ exists, selectFrom, or }) => {
        const direct = exists(
          selectFrom('role_assignments as a').select('a.role_id')
            .whereRef('a.tenant_id', '=', 'u.tenant_id').whereRef('a.user_id', '=', 'u.id').where('a.role_id', 'in', adminRoles),
        );
        if (!enterprise) return direct;
        return or([
          direct,
          exists(
            selectFrom('team_members as m')
              .innerJoin('team_roles as r', (j) => j.onRef('r.tenant_id', '=', 'm.tenant_id').onRef('r.team_id', '=', 'm.team_id'))
              .select('r.role_id')
              .whereRef('m.tenant_id', '=', 'u.tenant_id').whereRef('m.user_id', '=', 'u.id').where('r.role_id', 'in', adminRoles),
          ),
        ]);
      })
      .executeTakeFirstOrThrow();
    return {
      tenant: tenantSlug,
      total: Number(counts.total),
      administrators: Number(admins.n),
      active: Number(counts.active ?? 0),
      newThisWeek: Number(counts.recent ?? 0),
      since,
    };
  });
}
