import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/sso.js');

// The identity provider is one per store and its mappings reach into any tenant, so all of it
// is for super admins (identity-providers:* checked in the main account). `sso provision` is
// itself the sign-in: it needs no principal.
export const ssoCommands: readonly CommandSpec[] = [
  { path: ['sso', 'configure'], summary: 'Set the OpenID Connect identity provider: issuer, audience (client id) and its public keys (JWKS)',
    options: [
      { flags: '--issuer <url>', description: 'issuer URL; ID tokens must carry exactly this `iss`' },
      { flags: '--audience <client-id>', description: 'audience ID tokens must name (`aud`): the client id at the provider' },
      { flags: '--jwks-file <file>', description: 'the provider\'s JSON Web Key Set (public keys) from a file, or - for stdin' },
      { flags: '--jwks <json>', description: 'the JSON Web Key Set given inline, instead of --jwks-file' },
    ],
    guard: { kind: 'permission', permission: 'identity-providers:update', in: 'main' }, mutates: true,
    examples: [
      'iamctl sso configure --issuer https://login.example.com --audience iamctl --jwks-file jwks.json',
      'curl -s https://login.example.com/.well-known/jwks.json | iamctl sso configure --jwks-file -   # rotate keys',
    ],
    load, handler: 'configure' },
  { path: ['sso', 'show'], summary: 'Show the identity provider, its keys, the number of group mappings and sso.syncRoles',
    guard: { kind: 'permission', permission: 'identity-providers:read', in: 'main' }, load, handler: 'show' },
  { path: ['sso', 'map-group'], summary: 'Place new SSO users of a group in the acting tenant (--tenant) with a role', args: ['<group>'],
    options: [{ flags: '--role <role>', description: 'role of that tenant to give (required)' }],
    guard: { kind: 'permission', permission: 'identity-providers:update', in: 'main' }, mutates: true,
    examples: ['iamctl sso map-group engineering --role editor --tenant acme'],
    load, handler: 'mapGroup' },
  { path: ['sso', 'unmap-group'], summary: "Remove a group's mappings in the acting tenant (--tenant)", args: ['<group>'],
    options: [{ flags: '--role <role>', description: 'remove only the mapping to this role' }],
    guard: { kind: 'permission', permission: 'identity-providers:update', in: 'main' }, mutates: true,
    load, handler: 'unmapGroup' },
  { path: ['sso', 'mappings'], summary: 'List group mappings in first-match order', list: true,
    guard: { kind: 'permission', permission: 'identity-providers:read', in: 'main' }, load, handler: 'mappings' },
  { path: ['sso', 'provision'], summary: 'Sign in with an OpenID Connect ID token (creates the user on first sign-in)',
    options: [{ flags: '--id-token-stdin', description: 'read the ID token from stdin' }],
    guard: { kind: 'none' },
    examples: ['printf \'%s\\n\' "$ID_TOKEN" | iamctl sso provision --id-token-stdin'],
    load, handler: 'provision' },
];
