// Every command of the tool, declared in one place: its words, arguments, options, guard and
// the module that implements it (loaded only when the command runs). Tests build their
// matrices (authorization, isolation, hostile input) from this list.
import type { CommandSpec, GroupSpec } from './registry-types.js';

const session = () => import('./commands/session.js');
const tenant = () => import('./commands/tenant.js');
const audit = () => import('./commands/audit.js');
const db = () => import('./commands/db.js');
const env = () => import('./commands/env.js');
const user = () => import('./commands/user.js');

export const groups: readonly GroupSpec[] = [
  { name: 'tenant', aliases: ['tenants'], summary: 'Manage tenants and the tenant you act in' },
  { name: 'user', aliases: ['users'], summary: 'Manage users' },
  { name: 'audit', summary: 'Read and verify the audit trail' },
  { name: 'db', summary: 'Create, migrate and inspect the store' },
];

const tenantStatus = ['active', 'inactive', 'all'] as const;

export const commands: readonly CommandSpec[] = [
  {
    path: ['init'],
    summary: 'Create the store, the built-in roles and the first super admin, and sign in',
    options: [
      { flags: '--admin-email <email>', description: 'email of the first super admin' },
      { flags: '--admin-first-name <name>', description: 'first name of the first super admin' },
      { flags: '--admin-last-name <name>', description: 'last name of the first super admin' },
      { flags: '--admin-password-stdin', description: 'read the password from stdin' },
    ],
    guard: { kind: 'none' },
    mutates: true,
    examples: ["printf '%s\\n' \"$PASSWORD\" | iamctl init --admin-email root@example.com --admin-first-name Root --admin-password-stdin"],
    load: session,
    handler: 'init',
  },
  {
    path: ['login'],
    summary: 'Sign in with email and password',
    options: [
      { flags: '--email <email>', description: 'your email' },
      { flags: '--password-stdin', description: 'read the password from stdin' },
    ],
    guard: { kind: 'none' },
    load: session,
    handler: 'login',
  },
  {
    path: ['logout'],
    summary: 'Sign out (--all: end every session of your account)',
    options: [{ flags: '--all', description: 'end every session of your account, on every machine' }],
    // Works with an expired session too: it then only clears the context file.
    guard: { kind: 'none' },
    load: session,
    handler: 'logout',
  },
  {
    path: ['whoami'],
    summary: 'Show who you are signed in as, where you act and what you may do',
    guard: { kind: 'signed-in', restrictedOk: true },
    load: session,
    handler: 'whoami',
  },

  { path: ['tenant', 'create'], summary: 'Create a tenant', args: ['<slug>'],
    options: [
      { flags: '--name <name>', description: 'display name (required)' },
      { flags: '--email <email>', description: 'contact email' },
      { flags: '--color <color>', description: 'colour theme, #RRGGBB' },
    ],
    guard: { kind: 'permission', permission: 'tenants:create', in: 'main' }, mutates: true,
    examples: ['iamctl tenant create acme --name "Acme Corp" --email ops@acme.example --color "#1f6feb"'],
    load: tenant, handler: 'create' },
  { path: ['tenant', 'list'], summary: 'List tenants', list: true,
    options: [{ flags: '--status <status>', description: 'active, inactive or all', choices: tenantStatus, default: 'active' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load: tenant, handler: 'list' },
  { path: ['tenant', 'show'], summary: 'Show a tenant', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenant-settings:read', in: 'object' }, load: tenant, handler: 'show' },
  { path: ['tenant', 'update'], summary: "Change a tenant's name, email or colour", args: ['<slug>'],
    options: [
      { flags: '--name <name>', description: 'display name' },
      { flags: '--email <email>', description: 'contact email ("" to clear)' },
      { flags: '--color <color>', description: 'colour theme, #RRGGBB ("" to clear)' },
    ],
    guard: { kind: 'permission', permission: 'tenant-settings:update', in: 'object' }, mutates: true,
    load: tenant, handler: 'update' },
  { path: ['tenant', 'deactivate'], summary: 'Deactivate a tenant: its users cannot sign in or use keys', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenants:update', in: 'main' }, mutates: true, load: tenant, handler: 'deactivate' },
  { path: ['tenant', 'activate'], summary: 'Activate a tenant again', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenants:update', in: 'main' }, mutates: true, load: tenant, handler: 'activate' },
  { path: ['tenant', 'switch'], summary: 'Act in another tenant (super admins); --main returns to the main account',
    args: ['[slug]'], options: [{ flags: '--main', description: 'return to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load: tenant, handler: 'switchTenant' },
  { path: ['switch-tenant'], summary: 'Same as `tenant switch`', args: ['[slug]'],
    options: [{ flags: '--main', description: 'return to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load: tenant, handler: 'switchTenant' },
  { path: ['tenant', 'current'], summary: 'Show the tenant you act in, and why',
    guard: { kind: 'signed-in' }, load: tenant, handler: 'current' },
  { path: ['tenant', 'default'], summary: 'Show or set the tenant applied at login', args: ['[slug]'],
    options: [{ flags: '--clear', description: 'sign in to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, mutates: true, load: tenant, handler: 'defaultTenant' },

  { path: ['user', 'create'], summary: 'Create a user: active with --password-stdin, otherwise invited',
    options: [
      { flags: '--email <email>', description: 'email (unique, cannot change later)' },
      { flags: '--first-name <name>', description: 'first name (2-100 characters)' },
      { flags: '--last-name <name>', description: 'last name' },
      { flags: '--role <role>', description: 'role (repeatable; default: the setting users.defaultRole)', repeatable: true },
      { flags: '--team <team>', description: 'team to join (repeatable)', repeatable: true },
      { flags: '--password-stdin', description: 'read the password from stdin: the user is active' },
      { flags: '--invite', description: 'invite the user to set a password (the default off a terminal)' },
    ],
    guard: { kind: 'permission', permission: 'users:create' }, mutates: true,
    examples: [
      'iamctl user create --tenant acme --email ada@acme.example --first-name Ada --role admin --invite',
      "printf '%s\\n' \"$PW\" | iamctl user create --email ops@acme.example --first-name Ops --password-stdin",
    ],
    load: user, handler: 'create' },

  { path: ['audit', 'list'], summary: 'List audit events, newest first', list: true,
    options: [
      { flags: '--limit <n>', description: 'events per page (default 50)', integer: true },
      { flags: '--cursor <cursor>', description: 'continue after a previous page' },
    ],
    guard: { kind: 'permission', permission: 'audit:read' }, load: audit, handler: 'list' },
  { path: ['audit', 'verify'], summary: 'Walk the hash chain; exit 8 naming the first broken event',
    guard: { kind: 'permission', permission: 'audit:read', in: 'main' }, load: audit, handler: 'verify' },

  { path: ['env'], summary: 'Environment information: version, store, schema, counts, editions and limits',
    guard: { kind: 'permission', permission: 'environment:read', in: 'main' }, load: env, handler: 'env' },

  { path: ['db', 'migrate'], summary: 'Create or upgrade the schema of the store', guard: { kind: 'none' }, mutates: true,
    load: db, handler: 'migrate' },
  { path: ['db', 'status'], summary: 'Show the schema version, applied and pending migrations', guard: { kind: 'none' },
    load: db, handler: 'status' },
];
