// access grant | revoke | list: resource-scoped grants.
import { findGrantToRevoke, grantAccess, parseResourceFilter, revokeAccess } from '../../core/access-grants.js';
import { assertMayListGrants, effectiveAccess, listAccess } from '../../core/access-list.js';
import { subjectPrincipal } from '../../core/can-i.js';
import { userInTenant } from '../../core/role-assignments.js';
import type { CommandContext } from '../context.js';
import { effectiveAccessColumns, grantColumns, grantFields, grantName } from '../views.js';

type Args = (string | undefined)[];
type Opts = Record<string, any>;

const structured = (ctx: CommandContext) => ctx.out.format === 'json' || ctx.out.format === 'yaml';
const resourceFlag = (ctx: CommandContext, opts: Opts) => ctx.value('--on', opts.on, 'Resource (<entity>:<path>, e.g. flows:/finance):');

export async function grant(ctx: CommandContext, [subject, what]: Args, opts: Opts): Promise<void> {
  const on = await resourceFlag(ctx, opts);
  const acting = await ctx.actingTenant();
  const result = await grantAccess(await ctx.deps(), await ctx.principal(), acting.row.id, { subject: subject!, grant: what!, on });
  const g = result.grant;
  await ctx.out.object(g, grantFields(g));
  const where = `${g.entity}:${g.path}`;
  ctx.out.success(result.outcome === 'created' ? `granted ${grantName(g)} on ${where} to ${g.subject}` : `changed ${g.subject} on ${where} from ${result.previous} to ${grantName(g)}`);
}

export async function revoke(ctx: CommandContext, [subject]: Args, opts: Opts): Promise<void> {
  const on = await resourceFlag(ctx, opts);
  const [deps, principal, acting] = await Promise.all([ctx.deps(), ctx.principal(), ctx.actingTenant()]);
  // A grant that does not exist is 6 before anything is asked.
  const found = await findGrantToRevoke(deps, principal, acting.row.id, { subject: subject!, on });
  await ctx.confirm(`Revoke ${found.grant} on ${found.entity}:${found.path} from ${found.label}`);
  const g = await revokeAccess(deps, principal, acting.row.id, { subject: subject!, on });
  if (structured(ctx)) await ctx.out.data(g);
  ctx.out.success(`revoked ${grantName(g)} on ${g.entity}:${g.path} from ${g.subject}`);
}

function isSelf(email: string, userId: string, ref: string): boolean {
  const bare = ref.startsWith('user:') ? ref.slice(5) : ref;
  return bare.toLowerCase() === email.toLowerCase() || bare === userId;
}

export async function list(ctx: CommandContext, _args: Args, opts: Opts): Promise<void> {
  const [deps, principal, acting] = await Promise.all([ctx.deps(), ctx.principal(), ctx.actingTenant()]);
  const tenantId = acting.row.id;
  const on = opts.on !== undefined ? parseResourceFilter(opts.on) : undefined;
  const userRef: string | undefined = opts.user;
  const self = userRef === undefined ? opts.effective === true : isSelf(principal.email, principal.userId, userRef);
  // Authorized before any user is looked up, so a refusal says nothing about who exists.
  assertMayListGrants(principal, tenantId, { on, self, otherUser: userRef !== undefined && !self });
  if (opts.effective) {
    const subject = self ? principal : (await subjectPrincipal(deps, tenantId, userRef!)).principal;
    const rows = effectiveAccess(subject, tenantId, on);
    await ctx.out.list(rows, effectiveAccessColumns);
    if (rows.length === 0) ctx.out.say(`no grants reach ${subject.email}: the tenant-wide roles decide everywhere (see \`iamctl can-i\`)`);
    return;
  }
  const userId = userRef === undefined ? undefined : self ? principal.userId : (await userInTenant(deps.store.db, tenantId, userRef.replace(/^user:/, ''))).id;
  const grants = await listAccess(deps.store.db, tenantId, { on, userId });
  const hidden = new Set([...(userId === undefined ? ['via'] : []), ...(on?.path === undefined ? ['relation'] : [])]);
  await ctx.out.list(grants, grantColumns.filter((c) => !hidden.has(c.key)));
}
