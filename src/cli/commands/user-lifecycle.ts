// user update | move | deactivate | activate | delete | restore | purge: thin adapters over
// src/core/user-lifecycle.ts and src/core/user-move.ts (users of the acting tenant; move:
// super admins, any tenant).
import { notFound, usageError } from '../../core/errors.js';
import { assertLifecycleChange, changeUserStatus, lifecycleTarget, purgeUser, updateUser, type StatusVerb } from '../../core/user-lifecycle.js';
import { assertMovable, moveUser } from '../../core/user-move.js';
import { findUserRow } from '../../store/user-repo.js';
import { findTenantById, findTenantBySlug } from '../../store/tenant-repo.js';
import type { CommandContext } from '../context.js';
import { userFields } from '../views.js';

type Opts = Record<string, any>;
type Args = (string | undefined)[];

export async function update(ctx: CommandContext, [ref]: Args, opts: Opts): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const input = { firstName: opts.firstName, lastName: opts.lastName, email: opts.email };
  if (input.email === undefined && input.firstName === undefined && input.lastName === undefined) {
    throw usageError('nothing to update', 'pass --first-name and/or --last-name');
  }
  const { user, changed } = await updateUser(deps, await ctx.principal(), acting.row.id, ref!, input);
  await ctx.out.object(user, userFields(user));
  ctx.out.success(changed.length === 0 ? `${user.email}: nothing changed` : `updated ${user.email} (${changed.join(', ')})`);
}

const confirmations: Partial<Record<StatusVerb, (email: string) => string>> = {
  deactivate: (email) => `Deactivate ${email} (their sessions end and their keys stop working)`,
  delete: (email) => `Delete ${email} (their sessions end and their keys stop working; \`user restore\` undoes it)`,
};

const done: Record<StatusVerb, string> = { deactivate: 'deactivated', activate: 'activated', delete: 'deleted', restore: 'restored' };

async function changeStatus(ctx: CommandContext, ref: string, verb: StatusVerb): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const ask = confirmations[verb];
  if (ask) {
    // Refusals come before the question.
    const user = await lifecycleTarget(deps.store.db, acting.row.id, ref);
    assertLifecycleChange(principal, user, verb);
    await ctx.confirm(ask(user.email));
  }
  const result = await changeUserStatus(deps, principal, acting.row.id, ref, verb);
  await ctx.out.object(result.user, userFields(result.user));
  const ended = ask ? `; ended ${result.sessionsEnded} session(s)${result.invitationsRevoked > 0 ? `, revoked ${result.invitationsRevoked} invitation(s)` : ''}` : '';
  ctx.out.success(`${done[verb]} ${result.user.email}${ended}`);
}

export const deactivate = (ctx: CommandContext, [ref]: Args) => changeStatus(ctx, ref!, 'deactivate');
export const activate = (ctx: CommandContext, [ref]: Args) => changeStatus(ctx, ref!, 'activate');
export const remove = (ctx: CommandContext, [ref]: Args) => changeStatus(ctx, ref!, 'delete');
export const restore = (ctx: CommandContext, [ref]: Args) => changeStatus(ctx, ref!, 'restore');

export async function purge(ctx: CommandContext, [ref]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const deps = await ctx.deps();
  const principal = await ctx.principal();
  const user = await lifecycleTarget(deps.store.db, acting.row.id, ref!, { includeDeleted: true });
  assertLifecycleChange(principal, user, 'purge');
  await ctx.confirm(`Erase ${user.email} for good (this cannot be undone)`);
  const before = await purgeUser(deps, principal, acting.row.id, ref!);
  await ctx.out.object(before, userFields(before));
  ctx.out.success(`purged ${before.email}: the user and their personal data are erased`);
}

export async function move(ctx: CommandContext, [ref]: Args, opts: Opts): Promise<void> {
  // SPEC §4 writes the destination as the global --tenant; IAMCTL_TENANT (a shell's standing
  // choice) is not taken as one, so a move always names where the user goes.
  const slug: string | undefined = opts.to ?? ctx.globals.tenant;
  if (!slug) throw usageError('missing --to', 'name the destination tenant: --to <slug>');
  const deps = await ctx.deps();
  const { db } = deps.store;
  const to = await findTenantBySlug(db, slug);
  if (!to) throw notFound(`tenant ${slug}`, 'see `iamctl tenant list`');
  const user = await findUserRow(db, { ref: ref! });
  if (!user) throw notFound(`user ${ref}`, 'see `iamctl user list --all-tenants`');
  assertMovable(user, (await findTenantById(db, user.tenant_id))!, to);
  await ctx.confirm(`Move ${user.email} to ${to.slug} (sessions end; keys and invitations are revoked; teams, grants and custom roles are removed)`);
  const { user: moved, summary } = await moveUser(deps, await ctx.principal(), ref!, to);
  await ctx.out.object({ ...moved, move: summary }, userFields(moved));
  const given = summary.rolesGiven.length > 0 ? `; given ${summary.rolesGiven.join(', ')}` : '';
  ctx.out.success(
    `moved ${moved.email} from ${summary.from} to ${summary.to}: ended ${summary.sessionsEnded} session(s), revoked ${summary.keysRevoked} key(s) and ` +
      `${summary.invitationsRevoked} invitation(s), left ${summary.teamsLeft} team(s), removed ${summary.grantsRemoved} grant(s)` +
      `${summary.rolesRemoved.length > 0 ? ` and role(s) ${summary.rolesRemoved.join(', ')}` : ''}${given}`,
  );
}
