// `user list` queries: search, filters, sort and keyset pages, built so every shape is answered
// from an index (migrations/0001_initial.ts):
// - without a search, a page walks the sort's index (tenant_id, key, id) from the cursor;
// - a term with a word of 3+ characters finds its candidates in the trigram index: FTS5
//   `trigram` on SQLite (the words as quoted phrases, so input is never query syntax), pg_trgm
//   GIN on PostgreSQL (`(email_lower || ' ' || name_lower) LIKE '%term%'`, the indexed
//   expression); an exact substring test on the email or the full name then drops near misses
//   (a term spanning the email and the name, words found apart);
// - a shorter term is a prefix of the email, the full name or the last name: ranges of the
//   (tenant_id, email_lower | name_lower | last_name_lower) indexes;
// - SQLite cannot weigh those plans (no statistics), so `searchPlan` reads up to DRIVE_LIMIT
//   candidates: all of them drive the page (users by rid, then sorted), more mean a common
//   term, answered by walking the sort index and testing rows. PostgreSQL's planner decides.
// Sort keys compare as bytes on both dialects (collation "C" on PostgreSQL, as indexed), and
// `last_login_at` is paged as two segments (never signed in, then by time), so NULLs need no
// dialect-specific ordering.
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database, UserRow } from './schema.js';

export type UserSort = 'name' | 'email' | 'created' | 'last-login';
export const userSorts: readonly UserSort[] = ['name', 'email', 'created', 'last-login'];

export interface UserQuery {
  /** undefined: every tenant. */
  tenantId?: string | undefined;
  /** Lower-cased, trimmed, non-empty. */
  search?: string | undefined;
  /** One status; undefined: every status but deleted unless includeDeleted. */
  status?: UserRow['status'] | undefined;
  includeDeleted?: boolean | undefined;
  /** A role held directly. */
  role?: string | undefined;
  sort: UserSort;
  desc: boolean;
}

/** Where the previous page ended: the sort key's value (null: never signed in) and the id. */
export interface UserPosition {
  value: string | null;
  id: string;
}

/** Beyond every character: the upper bound of a prefix range (bytewise, UTF-8). */
const AFTER_ALL = '\u{10FFFF}';

const codePoints = (s: string) => [...s].length;

/** The words of a term that the trigram index can look up (3+ characters). */
export function trigramWords(term: string): string[] {
  return term.split(/\s+/).filter((w) => codePoints(w) >= 3);
}

/** An FTS5 query matching each word as a phrase (quotes doubled): input is never syntax. */
export function ftsQuery(words: readonly string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
}

/** A LIKE pattern matching `term` anywhere, wildcards escaped (PostgreSQL's default escape `\`). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function col(db: Kysely<Database>, name: 'email_lower' | 'name_lower' | 'last_name_lower' | 'created_at' | 'last_login_at'): RawBuilder<string> {
  // The text indexes are collate "C" on PostgreSQL: compare and order the same way to use them.
  const text = name === 'email_lower' || name === 'name_lower' || name === 'last_name_lower';
  return text && isPostgres(db) ? sql<string>`${sql.ref(name)} collate "C"` : sql<string>`${sql.ref(name)}`;
}

/**
 * How SQLite answers a search: `driven` reads the candidates from their index first (the
 * FTS5 matches, or the prefix ranges), then each user by rid, then sorts them; `walk` walks
 * the sort index and tests each row, for a term so common that the first page is found long
 * before the candidates could all be read. SQLite has no statistics to choose, so the
 * candidates are read first, up to a cap, and those rids drive the page. PostgreSQL's planner
 * chooses between the same two plans itself, from its statistics.
 */
export type SearchPlan = { kind: 'driven'; rids: number[] } | { kind: 'walk' };

/** Candidates read before a search walks the sort index instead. */
export const DRIVE_LIMIT = 1000;
let driveLimit = DRIVE_LIMIT;

/** Tests: exercise the `walk` plan on a small store. */
export function setDriveLimitForTests(limit: number = DRIVE_LIMIT): void {
  driveLimit = limit;
}

export function searchCondition(db: Kysely<Database>, term: string, tenantId: string | undefined): RawBuilder<SqlBool> {
  const pg = isPostgres(db);
  if (trigramWords(term).length > 0) {
    // The exact test: a substring of the email or the full name (first and last, one space).
    if (!pg) return sql<SqlBool>`(instr(email_lower, ${term}) > 0 or instr(name_lower, ${term}) > 0)`;
    const exact = sql<SqlBool>`(strpos(email_lower, ${term}) > 0 or strpos(name_lower, ${term}) > 0)`;
    return sql<SqlBool>`((email_lower || ' ' || name_lower) like ${containsPattern(term)} and ${exact})`;
  }
  const ranges = prefixColumns.map((name) => {
    const range = sql<SqlBool>`${col(db, name)} >= ${term} and ${col(db, name)} < ${term + AFTER_ALL}`;
    // The tenant inside each branch, so each is a range of one (tenant_id, column) index.
    return tenantId === undefined ? sql<SqlBool>`(${range})` : sql<SqlBool>`(tenant_id = ${tenantId} and ${range})`;
  });
  return sql<SqlBool>`(${sql.join(ranges, sql` or `)})`;
}

const prefixColumns = ['email_lower', 'name_lower', 'last_name_lower'] as const;

/** SQLite: the rids that may match, read from an index (undefined: no index can say). */
function candidateRids(db: Kysely<Database>, q: UserQuery): RawBuilder<{ rid: number }> | undefined {
  if (q.search === undefined || isPostgres(db)) return undefined;
  const words = trigramWords(q.search);
  if (words.length > 0) return sql`select rowid as rid from users_fts where users_fts match ${ftsQuery(words)}`;
  if (q.tenantId === undefined) return undefined;
  const term = q.search;
  // UNION ALL streams each range (a rid in two ranges is counted twice: harmless for a cap).
  const ranges = prefixColumns.map(
    (name) => sql`select rid from users where tenant_id = ${q.tenantId} and ${sql.ref(name)} >= ${term} and ${sql.ref(name)} < ${term + AFTER_ALL}`,
  );
  return sql`${sql.join(ranges, sql` union all `)}`;
}

/** SQLite: the statement that reads a search's candidates, for EXPLAIN in tests. */
export function candidateSql(db: Kysely<Database>, q: UserQuery) {
  const candidates = candidateRids(db, q);
  return candidates && sql`select rid from (${candidates}) limit ${driveLimit + 1}`.compile(db);
}

/** The plan of a query's search on SQLite (undefined: no search to drive, or PostgreSQL). */
export async function searchPlan(db: Kysely<Database>, q: UserQuery): Promise<SearchPlan | undefined> {
  const candidates = candidateRids(db, q);
  if (!candidates) return undefined;
  const { rows } = await sql<{ rid: number }>`select rid from (${candidates}) limit ${driveLimit + 1}`.execute(db);
  if (rows.length > driveLimit) return { kind: 'walk' };
  return { kind: 'driven', rids: [...new Set(rows.map((r) => Number(r.rid)))] };
}

/** The sort's columns: the key (absent for email, which is unique) and the id. */
function sortColumns(db: Kysely<Database>, sort: UserSort): { key: RawBuilder<string>; unique: boolean } {
  switch (sort) {
    case 'name':
      return { key: col(db, 'name_lower'), unique: false };
    case 'email':
      return { key: col(db, 'email_lower'), unique: true };
    case 'created':
      return { key: col(db, 'created_at'), unique: false };
    case 'last-login':
      return { key: col(db, 'last_login_at'), unique: false };
  }
}

/** The stored value a position records for a row. */
export function sortValue(row: UserRow, sort: UserSort): string | null {
  switch (sort) {
    case 'name':
      return row.name_lower;
    case 'email':
      return row.email_lower;
    case 'created':
      return row.created_at;
    case 'last-login':
      return row.last_login_at;
  }
}

function filtered(db: Kysely<Database>, q: UserQuery, plan: SearchPlan | undefined) {
  let query = db.selectFrom('users').selectAll();
  if (plan?.kind === 'driven') {
    // CROSS JOIN makes SQLite read the candidates first, then each user by rid; left to itself
    // it walks the sort index and tests every row of the tenant.
    query = db
      .selectFrom(sql<{ rid: number }>`(select value as rid from json_each(${JSON.stringify(plan.rids)}))`.as('m'))
      .crossJoin('users')
      .selectAll('users')
      .whereRef('users.rid', '=', sql.ref('m.rid')) as unknown as typeof query;
  }
  if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  else if (!q.includeDeleted) query = query.where('status', '!=', 'deleted');
  if (q.role !== undefined) {
    const role = q.role;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('role_assignments as ra')
          .select(sql`1`.as('one'))
          .whereRef('ra.tenant_id', '=', 'users.tenant_id')
          .whereRef('ra.user_id', '=', 'users.id')
          .where('ra.role_id', '=', role),
      ),
    );
  }
  if (q.search !== undefined) query = query.where(searchCondition(db, q.search, q.tenantId));
  return query;
}

/**
 * One segment of a page: rows whose sort key is non-null (or, `nulls`, null: last-login only),
 * after `after` in the order, at most `limit`.
 */
function segment(db: Kysely<Database>, q: UserQuery, plan: SearchPlan | undefined, limit: number, nulls: boolean, after: UserPosition | undefined) {
  const { key, unique } = sortColumns(db, q.sort);
  const dir = q.desc ? sql.raw('desc') : sql.raw('asc');
  const beyond = q.desc ? sql.raw('<') : sql.raw('>');
  let query = filtered(db, q, plan);
  if (q.sort === 'last-login') query = query.where('last_login_at', nulls ? 'is' : 'is not', null);
  if (nulls) {
    if (after) query = query.where(sql<SqlBool>`id ${beyond} ${after.id}`);
    return query.orderBy(sql`id ${dir}`).limit(limit);
  }
  if (after) {
    query = unique
      ? query.where(sql<SqlBool>`${key} ${beyond} ${after.value}`)
      : query.where(sql<SqlBool>`(${key}, id) ${beyond} (${after.value}, ${after.id})`);
  }
  query = query.orderBy(sql`${key} ${dir}`);
  if (!unique) query = query.orderBy(sql`id ${dir}`);
  return query.limit(limit);
}

/**
 * Up to `limit` rows after `after`, in the query's order. For last-login, users who never
 * signed in sort lowest (first ascending, last descending), as NULLs do on SQLite.
 */
export async function userPageRows(db: Kysely<Database>, q: UserQuery, limit: number, after: UserPosition | undefined): Promise<UserRow[]> {
  const plan = await searchPlan(db, q);
  if (q.sort !== 'last-login') return segment(db, q, plan, limit, false, after).execute();
  // Segment order: ascending = nulls then times; descending = times then nulls.
  const order: boolean[] = q.desc ? [false, true] : [true, false];
  const inNulls = after !== undefined && after.value === null;
  const start = after === undefined ? 0 : order.indexOf(inNulls);
  const rows: UserRow[] = [];
  for (let i = start; i < order.length && rows.length < limit; i++) {
    const nulls = order[i]!;
    rows.push(...(await segment(db, q, plan, limit - rows.length, nulls, i === start ? after : undefined).execute()));
  }
  return rows;
}

/** The statement of a page (its first segment), for EXPLAIN in tests. */
export async function userPageSql(db: Kysely<Database>, q: UserQuery, limit: number, after: UserPosition | undefined) {
  const nulls = q.sort === 'last-login' && (after ? after.value === null : !q.desc);
  return segment(db, q, await searchPlan(db, q), limit, nulls, after).compile();
}
