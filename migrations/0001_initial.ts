// The whole product's schema, decided up front (SPEC §1, §6, §8). Frozen in time: it takes
// Kysely<any> and imports nothing from the application.
//
// Conventions that hold for every table:
// - ids are random text, never sequential; timestamps are ISO 8601 UTC text of fixed width,
//   so they sort as strings on both dialects; booleans are integers 0/1.
// - every tenant-owned table carries tenant_id in its keys, and refers to other tenant-owned
//   rows through composite (tenant_id, id) foreign keys, so rows of two tenants cannot be
//   linked. The main account is a real tenant row (id 'main'), never NULL.
// - rows that follow their user (sessions, keys, invitations, ...) cascade on update of the
//   user's (tenant_id, id), which is how `user move` carries them, and on delete (`user purge`).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

type Db = Kysely<any>;

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Db): Promise<void> {
  const pg = isPostgres(db);
  const time = 'varchar(32)';

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('slug', 'varchar(63)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)')
    .addColumn('color', 'varchar(7)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('tenant')) // main | system | tenant
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  const users = db.schema
    .createTable('users')
    // An integer row id only for the search index (FTS5 external content needs one that
    // survives VACUUM); never shown. The public id is `id`.
    .addColumn('rid', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('email_lower', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('first_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('name_lower', 'varchar(201)', (c) => c.notNull())
    .addColumn('last_name_lower', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(512)')
    .addColumn('default_tenant_id', 'varchar(32)', (c) => c.references('tenants.id'))
    .addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('last_login_at', time)
    .addColumn('deleted_at', time)
    .addUniqueConstraint('users_tenant_id_key', ['tenant_id', 'id']);
  await users.execute();
  // Collation "C" on PostgreSQL so prefix ranges (>= term, < term + max) use the index the
  // way SQLite's binary collation does.
  const c = pg ? sql` collate "C"` : sql``;
  await sql`create index users_tenant_email on users (tenant_id, email_lower${c})`.execute(db);
  await sql`create index users_tenant_name on users (tenant_id, name_lower${c}, id)`.execute(db);
  await sql`create index users_tenant_last_name on users (tenant_id, last_name_lower${c})`.execute(db);
  await sql`create index users_tenant_created on users (tenant_id, created_at, id)`.execute(db);
  await sql`create index users_tenant_last_login on users (tenant_id, last_login_at, id)`.execute(db);

  if (pg) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index users_search_trgm on users using gin ((email_lower || ' ' || name_lower) gin_trgm_ops)`.execute(db);
  } else {
    await sql`create virtual table users_fts using fts5(email, first_name, last_name, content='users', content_rowid='rid', tokenize='trigram')`.execute(db);
    // Erasure must reach the index too (user purge).
    await sql`insert into users_fts(users_fts, rank) values ('secure-delete', 1)`.execute(db);
    await sql`create trigger users_fts_ai after insert on users begin
      insert into users_fts(rowid, email, first_name, last_name) values (new.rid, new.email, new.first_name, new.last_name);
    end`.execute(db);
    await sql`create trigger users_fts_ad after delete on users begin
      insert into users_fts(users_fts, rowid, email, first_name, last_name) values ('delete', old.rid, old.email, old.first_name, old.last_name);
    end`.execute(db);
    await sql`create trigger users_fts_au after update of email, first_name, last_name on users begin
      insert into users_fts(users_fts, rowid, email, first_name, last_name) values ('delete', old.rid, old.email, old.first_name, old.last_name);
      insert into users_fts(rowid, email, first_name, last_name) values (new.rid, new.email, new.first_name, new.last_name);
    end`.execute(db);
  }

  const userRef = ['tenant_id', 'user_id'] as const;
  const followUser = <T extends { onDelete: (a: 'cascade') => T; onUpdate: (a: 'cascade') => T }>(cb: T) =>
    cb.onDelete('cascade').onUpdate('cascade');

  // Roles: built-in roles have a row in every tenant they apply to (super-admin only in the
  // main account), so assignments always point at a row of their own tenant. Their grants
  // live in code (src/auth/catalog.ts); custom roles' grants live in role_permissions.
  await db.schema
    .createTable('roles')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'varchar(64)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'varchar(1000)', (c) => c.notNull().defaultTo(''))
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('roles_pk', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('role_permissions')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('permission', 'varchar(128)', (c) => c.notNull()) // entity:action, entity:*, area:level
    .addPrimaryKeyConstraint('role_permissions_pk', ['tenant_id', 'role_id', 'permission'])
    .addForeignKeyConstraint('role_permissions_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('role_inherits')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('inherits_role_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_inherits_pk', ['tenant_id', 'role_id', 'inherits_role_id'])
    .addForeignKeyConstraint('role_inherits_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('role_inherits_parent_fk', ['tenant_id', 'inherits_role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('role_assignments')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('assigned_by', 'varchar(32)') // a user id; no FK: the assigner may be gone or in the main account
    .addColumn('assigned_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('role_assignments_pk', ['tenant_id', 'user_id', 'role_id'])
    .addForeignKeyConstraint('role_assignments_user_fk', [...userRef], 'users', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('role_assignments_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('role_assignments_role').on('role_assignments').columns(['tenant_id', 'role_id']).execute();

  await db.schema
    .createTable('teams')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('created_by', 'varchar(32)')
    .addPrimaryKeyConstraint('teams_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('teams_name_key', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('team_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('added_by', 'varchar(32)')
    .addColumn('added_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['tenant_id', 'team_id', 'user_id'])
    .addForeignKeyConstraint('team_members_team_fk', ['tenant_id', 'team_id'], 'teams', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('team_members_user_fk', [...userRef], 'users', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('team_members_user').on('team_members').columns(['tenant_id', 'user_id']).execute();

  await db.schema
    .createTable('team_roles')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('team_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('granted_by', 'varchar(32)')
    .addColumn('granted_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('team_roles_pk', ['tenant_id', 'team_id', 'role_id'])
    .addForeignKeyConstraint('team_roles_team_fk', ['tenant_id', 'team_id'], 'teams', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('team_roles_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();

  // Resource-scoped grants: a user or a team gets a role or a level on one path of one entity.
  await db.schema
    .createTable('resource_grants')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('id', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'varchar(40)', (c) => c.notNull()) // 'user:<id>' | 'team:<id>', for uniqueness
    .addColumn('user_id', 'varchar(32)')
    .addColumn('team_id', 'varchar(32)')
    .addColumn('entity', 'varchar(64)', (c) => c.notNull())
    .addColumn('path', 'varchar(512)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)')
    .addColumn('level', 'varchar(16)') // manager | operator | viewer | none
    .addColumn('created_by', 'varchar(32)')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_grants_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('resource_grants_subject_key', ['tenant_id', 'entity', 'path', 'subject'])
    .addForeignKeyConstraint('resource_grants_user_fk', [...userRef], 'users', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('resource_grants_team_fk', ['tenant_id', 'team_id'], 'teams', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .addForeignKeyConstraint('resource_grants_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('resource_grants_user').on('resource_grants').columns(['tenant_id', 'user_id']).execute();
  await db.schema.createIndex('resource_grants_team').on('resource_grants').columns(['tenant_id', 'team_id']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'varchar(12)', (c) => c.primaryKey()) // the 12-character id inside the key
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull()) // SHA-256 hex of the secret part
    .addColumn('hint', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(32)')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time)
    .addColumn('revoked_at', time)
    .addColumn('revoked_by', 'varchar(32)')
    .addColumn('last_used_at', time)
    .addUniqueConstraint('api_keys_tenant_id_key', ['tenant_id', 'id'])
    .addForeignKeyConstraint('api_keys_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();
  await db.schema.createIndex('api_keys_user').on('api_keys').columns(['tenant_id', 'user_id']).execute();
  await db.schema.createIndex('api_keys_created_by').on('api_keys').columns(['created_by']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('via', 'varchar(16)', (c) => c.notNull()) // password | sso
    .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0)) // MFA enrolment pending
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time)
    .addColumn('revoked_at', time)
    .addForeignKeyConstraint('sessions_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant_id', 'user_id']).execute();

  await db.schema
    .createTable('invitations')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_by', 'varchar(32)')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('accepted_at', time)
    .addColumn('revoked_at', time)
    .addColumn('superseded_at', time) // resend replaced this token
    .addPrimaryKeyConstraint('invitations_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('invitations_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();
  await db.schema.createIndex('invitations_user').on('invitations').columns(['tenant_id', 'user_id']).execute();
  await db.schema.createIndex('invitations_tenant_created').on('invitations').columns(['tenant_id', 'created_at', 'id']).execute();

  // Every sign-in attempt, keyed by the normalized email (also for unknown emails, so the
  // work done does not depend on whether the account exists).
  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('email_lower', 'varchar(254)', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_attempts_email_at').on('sign_in_attempts').columns(['email_lower', 'at']).execute();

  await db.schema
    .createTable('lockouts')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('locked_at', time, (c) => c.notNull())
    .addColumn('locked_until', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('lockouts_pk', ['tenant_id', 'user_id'])
    .addForeignKeyConstraint('lockouts_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();

  await db.schema
    .createTable('mfa_factors')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('secret_enc', 'varchar(512)', (c) => c.notNull()) // AES-256-GCM under the master key
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('confirmed_at', time)
    .addColumn('last_used_step', 'bigint') // replay protection
    .addPrimaryKeyConstraint('mfa_factors_pk', ['tenant_id', 'user_id'])
    .addForeignKeyConstraint('mfa_factors_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['tenant_id', 'user_id', 'code_hash'])
    .addForeignKeyConstraint('mfa_recovery_codes_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();

  // Settings in three scopes: global values are the main account's tenant settings.
  await db.schema
    .createTable('tenant_settings')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull().references('tenants.id'))
    .addColumn('key', 'varchar(100)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull()) // JSON; secrets as an encrypted envelope
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'varchar(32)')
    .addPrimaryKeyConstraint('tenant_settings_pk', ['tenant_id', 'key'])
    .execute();

  await db.schema
    .createTable('user_settings')
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(100)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'varchar(32)')
    .addPrimaryKeyConstraint('user_settings_pk', ['tenant_id', 'user_id', 'key'])
    .addForeignKeyConstraint('user_settings_user_fk', [...userRef], 'users', ['tenant_id', 'id'], followUser)
    .execute();

  await db.schema
    .createTable('sso_config')
    .addColumn('id', 'varchar(16)', (c) => c.primaryKey()) // 'default': one identity provider per store
    .addColumn('issuer', 'varchar(2048)', (c) => c.notNull())
    .addColumn('audience', 'varchar(512)', (c) => c.notNull())
    .addColumn('jwks', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'varchar(32)')
    .execute();

  await db.schema
    .createTable('sso_group_mappings')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('group_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('created_by', 'varchar(32)')
    .addUniqueConstraint('sso_group_mappings_key', ['group_name', 'tenant_id', 'role_id'])
    .addForeignKeyConstraint('sso_group_mappings_role_fk', ['tenant_id', 'role_id'], 'roles', ['tenant_id', 'id'], (cb) =>
      cb.onDelete('cascade'),
    )
    .execute();

  // The audit trail: one hash chain per store. seq is the chain order (assigned under the
  // chain-head lock, so it is gap-free); events refer to users by id only.
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(32)')
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('target', 'varchar(256)')
    .addColumn('result', 'varchar(16)', (c) => c.notNull()) // success | failure
    .addColumn('details', 'text', (c) => c.notNull()) // JSON, never secrets
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_tenant_at').on('audit_events').columns(['tenant_id', 'at', 'seq']).execute();
  await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor_id', 'seq']).execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at']).execute();

  // The chain head: one row, locked (FOR UPDATE on PostgreSQL; the IMMEDIATE transaction on
  // SQLite) by every append. `anchor_*` is where verification starts after a prune.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('anchor_seq', 'bigint', (c) => c.notNull())
    .addColumn('anchor_hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  const zero = '0'.repeat(64);
  await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: zero, anchor_seq: 0, anchor_hash: zero }).execute();

  // The main account exists from the start (it anchors global settings); `init` adds the rest.
  const now = new Date().toISOString();
  await db
    .insertInto('tenants')
    .values({ id: 'main', slug: '-main', name: 'Main account', status: 'active', kind: 'main', created_at: now, updated_at: now })
    .execute();
}

export async function down(db: Db): Promise<void> {
  const tables = [
    'audit_head', 'audit_events', 'sso_group_mappings', 'sso_config', 'user_settings', 'tenant_settings',
    'mfa_recovery_codes', 'mfa_factors', 'lockouts', 'sign_in_attempts', 'invitations', 'sessions', 'api_keys',
    'resource_grants', 'team_roles', 'team_members', 'teams', 'role_assignments', 'role_inherits',
    'role_permissions', 'roles',
  ];
  for (const t of tables) await db.schema.dropTable(t).ifExists().execute();
  if (!isPostgres(db)) await sql`drop table if exists users_fts`.execute(db);
  await db.schema.dropTable('users').ifExists().execute();
  await db.schema.dropTable('tenants').ifExists().execute();
}
