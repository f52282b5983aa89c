// key create | list | show | regenerate | revoke | verify
import { usageError } from '../../core/errors.js';
import {
  createKey,
  findKey,
  findKeyOwner,
  isSelfRef,
  listTenantKeys,
  listUserKeys,
  regenerateKey,
  revokeKey,
  showKey,
  verifyKeyPrincipal,
  type FoundKey,
} from '../../core/keys.js';
import type { IssuedApiKey } from '../../core/model.js';
import type { CommandContext } from '../context.js';
import { keyColumns, keyFields, verifiedKeyFields } from '../views.js';

type Opts = Record<string, any>;

/** The secret once: alone on stdout (or in the JSON object), with a warning on stderr. */
async function printIssued(ctx: CommandContext, issued: IssuedApiKey, done: string): Promise<void> {
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(issued);
  else ctx.out.text(issued.secret);
  ctx.out.warn('this is the only time the key is shown: store it now (iamctl keeps only a hash)');
  ctx.out.success(`${done} key ${issued.id} for ${issued.user}; ${issued.expiresAt ? `expires ${issued.expiresAt}` : 'does not expire'}`);
}

export async function create(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const [deps, principal, acting] = [await ctx.deps(), await ctx.principal(), await ctx.actingTenant()];
  if (!isSelfRef(principal, opts.user)) await ctx.authorize('api-keys:create', acting.row.id);
  const owner = await findKeyOwner(deps, principal, acting.row.id, opts.user);
  const issued = await createKey(deps, principal, owner, { name: opts.name, expiresInDays: opts.expiresInDays });
  await printIssued(ctx, issued, 'created');
}

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  if (opts.all && opts.user !== undefined) throw usageError('give --user or --all, not both');
  if (!opts.all && (opts.limit !== undefined || opts.cursor !== undefined)) throw usageError('--limit and --cursor page through --all');
  const [deps, principal, acting] = [await ctx.deps(), await ctx.principal(), await ctx.actingTenant()];
  if (opts.all) {
    await ctx.authorize('api-keys:read', acting.row.id);
    const page = await listTenantKeys(deps, acting.row.id, { limit: opts.limit, cursor: opts.cursor });
    await ctx.out.list(page.items, keyColumns, page);
    return;
  }
  if (!isSelfRef(principal, opts.user)) await ctx.authorize('api-keys:read', acting.row.id);
  const owner = await findKeyOwner(deps, principal, acting.row.id, opts.user);
  await ctx.out.list(await listUserKeys(deps, owner), keyColumns);
}

/** A key by id: one's own anywhere, others' in the acting tenant with the permission. */
async function findAllowed(ctx: CommandContext, ref: string, permission: string): Promise<FoundKey> {
  const found = await findKey(await ctx.deps(), await ctx.principal(), (await ctx.actingTenant()).row.id, ref);
  if (!found.own) await ctx.authorize(permission, found.row.tenant_id);
  return found;
}

export async function show(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const { row } = await findAllowed(ctx, ref!, 'api-keys:read');
  const key = await showKey(await ctx.deps(), row);
  await ctx.out.object(key, keyFields(key));
}

export async function regenerate(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const { row } = await findAllowed(ctx, ref!, 'api-keys:update');
  const issued = await regenerateKey(await ctx.deps(), await ctx.principal(), row);
  await printIssued(ctx, issued, 'regenerated (the old secret no longer works)');
}

export async function revoke(ctx: CommandContext, [ref]: (string | undefined)[]): Promise<void> {
  const deps = await ctx.deps();
  const { row } = await findAllowed(ctx, ref!, 'api-keys:delete');
  const current = await showKey(deps, row);
  await ctx.confirm(`Revoke key ${current.id}${current.name ? ` (${current.name})` : ''} of ${current.user}`);
  const key = await revokeKey(deps, await ctx.principal(), row);
  await ctx.out.object(key, keyFields(key));
  ctx.out.success(`revoked key ${key.id} of ${key.user}`);
}

export async function verify(ctx: CommandContext): Promise<void> {
  const key = (await ctx.stdin.next('key verify (the key on stdin)')).trim();
  const verified = await verifyKeyPrincipal(await ctx.deps(), key);
  await ctx.out.object(verified, verifiedKeyFields(verified));
}
