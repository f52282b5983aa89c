import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/tenant.js');
const tenantStatus = ['active', 'inactive', 'all'] as const;

export const tenantCommands: readonly CommandSpec[] = [
  { path: ['tenant', 'create'], summary: 'Create a tenant', args: ['<slug>'],
    options: [
      { flags: '--name <name>', description: 'display name (required)' },
      { flags: '--email <email>', description: 'contact email' },
      { flags: '--color <color>', description: 'colour theme, #RRGGBB' },
    ],
    guard: { kind: 'permission', permission: 'tenants:create', in: 'main' }, mutates: true,
    examples: ['iamctl tenant create acme --name "Acme Corp" --email ops@acme.example --color "#1f6feb"'],
    load, handler: 'create' },
  { path: ['tenant', 'list'], summary: 'List tenants', list: true,
    options: [{ flags: '--status <status>', description: 'active, inactive or all', choices: tenantStatus, default: 'active' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load, handler: 'list' },
  { path: ['tenant', 'show'], summary: 'Show a tenant', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenant-settings:read', in: 'object' }, load, handler: 'show' },
  { path: ['tenant', 'update'], summary: "Change a tenant's name, email or colour", args: ['<slug>'],
    options: [
      { flags: '--name <name>', description: 'display name' },
      { flags: '--email <email>', description: 'contact email ("" to clear)' },
      { flags: '--color <color>', description: 'colour theme, #RRGGBB ("" to clear)' },
    ],
    guard: { kind: 'permission', permission: 'tenant-settings:update', in: 'object' }, mutates: true,
    load, handler: 'update' },
  { path: ['tenant', 'deactivate'], summary: 'Deactivate a tenant: its users cannot sign in or use keys', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenants:update', in: 'main' }, edition: { tenants: true }, mutates: true, load, handler: 'deactivate' },
  { path: ['tenant', 'activate'], summary: 'Activate a tenant again', args: ['<slug>'],
    guard: { kind: 'permission', permission: 'tenants:update', in: 'main' }, edition: { tenants: true }, mutates: true, load, handler: 'activate' },
  { path: ['tenant', 'switch'], summary: 'Act in another tenant (super admins); --main returns to the main account',
    args: ['[slug]'], options: [{ flags: '--main', description: 'return to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load, handler: 'switchTenant' },
  { path: ['switch-tenant'], summary: 'Same as `tenant switch`', args: ['[slug]'],
    options: [{ flags: '--main', description: 'return to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, load, handler: 'switchTenant' },
  { path: ['tenant', 'current'], summary: 'Show the tenant you act in, and why',
    guard: { kind: 'signed-in' }, load, handler: 'current' },
  { path: ['tenant', 'default'], summary: 'Show or set the tenant applied at login', args: ['[slug]'],
    options: [{ flags: '--clear', description: 'sign in to the main account' }],
    guard: { kind: 'permission', permission: 'tenants:read', in: 'main' }, mutates: true, load, handler: 'defaultTenant' },
];
