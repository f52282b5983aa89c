// team create | list | show | delete | add-member | remove-member | grant | revoke
import type { Team } from '../../core/model.js';
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  grantTeamRole,
  listTeams,
  removeTeamMember,
  revokeTeamRole,
  showTeam,
} from '../../core/teams.js';
import type { CommandContext } from '../context.js';
import { teamColumns, teamFields } from '../views.js';

type Args = (string | undefined)[];

async function showChanged(ctx: CommandContext, team: Team, message: string): Promise<void> {
  await ctx.out.object(team, teamFields(team));
  ctx.out.success(message);
}

export async function create(ctx: CommandContext, [name]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const team = await createTeam(await ctx.deps(), await ctx.principal(), acting.row.id, name!);
  await showChanged(ctx, team, `created team ${team.name}`);
}

export async function list(ctx: CommandContext): Promise<void> {
  const acting = await ctx.actingTenant();
  await ctx.out.list(await listTeams(await ctx.deps(), acting.row.id), teamColumns);
}

export async function show(ctx: CommandContext, [name]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const { memberDetails, ...team } = await showTeam(await ctx.deps(), acting.row.id, name!);
  await ctx.out.object(team, [
    ...teamFields(team).filter(([label]) => label !== 'members'),
    ['members', memberDetails.length > 0 ? memberDetails.map((m) => `${m.email} (${m.name})`) : '(none)'],
  ]);
}

export async function remove(ctx: CommandContext, [name]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  await ctx.confirm(`Delete team ${name} (its members lose the roles it grants)`);
  const team = await deleteTeam(await ctx.deps(), await ctx.principal(), acting.row.id, name!);
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(team);
  ctx.out.success(`deleted team ${team.name} (${team.members.length} member(s), roles: ${team.roles.join(', ') || 'none'})`);
}

export async function addMember(ctx: CommandContext, [name, user]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const team = await addTeamMember(await ctx.deps(), await ctx.principal(), acting.row.id, name!, user!);
  await showChanged(ctx, team, `added ${user} to team ${team.name}`);
}

export async function removeMember(ctx: CommandContext, [name, user]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const team = await removeTeamMember(await ctx.deps(), await ctx.principal(), acting.row.id, name!, user!);
  await showChanged(ctx, team, `removed ${user} from team ${team.name}`);
}

export async function grant(ctx: CommandContext, [name, role]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  const team = await grantTeamRole(await ctx.deps(), await ctx.principal(), acting.row.id, name!, role!);
  await showChanged(ctx, team, `granted ${role} to team ${team.name}`);
}

export async function revoke(ctx: CommandContext, [name, role]: Args): Promise<void> {
  const acting = await ctx.actingTenant();
  await ctx.confirm(`Revoke ${role} from team ${name}`);
  const team = await revokeTeamRole(await ctx.deps(), await ctx.principal(), acting.row.id, name!, role!);
  await showChanged(ctx, team, `revoked ${role} from team ${team.name}`);
}
