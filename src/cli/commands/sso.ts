// sso configure | show | map-group | unmap-group | mappings | provision
import fs from 'node:fs';
import { idTokenAlgorithms } from '../../auth/oidc.js';
import { usageError, validationError } from '../../core/errors.js';
import type { SsoSignIn } from '../../core/model.js';
import { configureSso, isSsoConfigured, listGroupMappings, mapGroup as mapGroupToRole, showSso, unmapGroup as unmapGroupRoles } from '../../core/sso.js';
import { provisionFromIdToken } from '../../core/sso-provision.js';
import { defaultTenantSlug } from '../../core/tenants.js';
import { toUserObject } from '../../store/user-repo.js';
import type { CommandContext } from '../context.js';
import { ssoFields, ssoMappingColumns } from '../views.js';

type Opts = Record<string, any>;

/** The JWKS text from --jwks (inline JSON) or --jwks-file (a file, or - for stdin). */
async function jwksText(ctx: CommandContext, opts: Opts): Promise<string | undefined> {
  if (opts.jwks !== undefined && opts.jwksFile !== undefined) throw usageError('give --jwks-file or --jwks, not both');
  if (opts.jwks !== undefined) return String(opts.jwks);
  if (opts.jwksFile === undefined) return undefined;
  if (opts.jwksFile === '-') return ctx.stdin.rest('--jwks-file -');
  try {
    return fs.readFileSync(opts.jwksFile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw validationError(`cannot read JWKS file ${opts.jwksFile}: ${reason}`);
  }
}

export async function configure(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const deps = await ctx.deps();
  const jwks = await jwksText(ctx, opts);
  if (!(await isSsoConfigured(deps))) {
    const missing = [opts.issuer === undefined && '--issuer', opts.audience === undefined && '--audience', jwks === undefined && '--jwks-file (or --jwks)'].filter(Boolean);
    if (missing.length > 0) throw usageError(`SSO is not configured yet: missing ${missing.join(', ')}`, 'the first configuration needs all three');
  } else if (opts.issuer === undefined && opts.audience === undefined && jwks === undefined) {
    throw usageError('nothing to change', 'pass --issuer, --audience, --jwks-file or --jwks');
  }
  const { config, changed } = await configureSso(deps, await ctx.principal(), { issuer: opts.issuer, audience: opts.audience, jwks });
  for (const key of config.keys.filter((k) => !k.usable)) {
    ctx.out.warn(`key ${key.kid ?? '(no kid)'} (${key.alg ?? key.kty}) is not used: ID tokens must be signed with ${idTokenAlgorithms.join(', ')}`);
  }
  await ctx.out.object(config, ssoFields(config));
  ctx.out.success(changed.length > 0 ? `SSO configured (${changed.join(', ')} changed)` : 'SSO configuration unchanged');
}

export async function show(ctx: CommandContext): Promise<void> {
  const config = await showSso(await ctx.deps());
  await ctx.out.object(config, ssoFields(config));
}

export async function mapGroup(ctx: CommandContext, [group]: (string | undefined)[], opts: Opts): Promise<void> {
  if (opts.role === undefined) throw usageError('missing --role', 'pass --role <role> (a role of the tenant given with --tenant)');
  const acting = await ctx.actingTenant();
  const mapping = await mapGroupToRole(await ctx.deps(), await ctx.principal(), acting.row, group!, opts.role);
  await ctx.out.object(mapping, [
    ['position', mapping.position],
    ['group', mapping.group],
    ['tenant', mapping.tenant],
    ['role', mapping.role],
  ]);
  ctx.out.success(`new SSO users in group ${mapping.group} go to ${mapping.tenant} as ${mapping.role} (position ${mapping.position})`);
}

export async function unmapGroup(ctx: CommandContext, [group]: (string | undefined)[], opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const roles = await unmapGroupRoles(await ctx.deps(), await ctx.principal(), acting.row, group!, opts.role);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data({ group, tenant: acting.slug, roles });
  ctx.out.success(`unmapped group ${group} in ${acting.slug} (${roles.join(', ')})`);
}

export async function mappings(ctx: CommandContext): Promise<void> {
  await ctx.out.list(await listGroupMappings(await ctx.deps()), ssoMappingColumns);
}

export async function provision(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const token = (await ctx.secret('--id-token-stdin', opts.idTokenStdin === true, 'ID token:')).trim();
  const deps = await ctx.deps();
  const result = await provisionFromIdToken(deps, token);
  const tenant = await defaultTenantSlug(deps, result.user.default_tenant_id);
  await ctx.updateStoreContext({ session: result.token, tenant: tenant ?? undefined });
  const user = await toUserObject(deps.store.db, result.user);
  const value: SsoSignIn = { user, tenant: tenant ?? user.tenant, via: 'sso', created: result.created, rolesAdded: result.rolesAdded, expiresAt: result.session.expires_at };
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(value);
  const where = `${user.tenant ?? 'the main account'} as ${user.roles.join(', ')}`;
  const news = result.created ? ` (new user in ${where})` : result.rolesAdded.length > 0 ? ` (roles added: ${result.rolesAdded.join(', ')})` : '';
  ctx.out.success(`signed in as ${user.email} via SSO${news}; session ends ${result.session.expires_at}`);
}
