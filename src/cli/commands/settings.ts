// settings list | get | set | unset, at the acting tenant (global in the main account),
// --global, or --user U.
import { usageError } from '../../core/errors.js';
import { isSelfRef } from '../../core/keys.js';
import {
  getSetting,
  listSettings,
  setSetting,
  settingsPermission,
  settingsTarget,
  unsetSetting,
  writePermissions,
  type SecretBox,
  type SettingsTarget,
} from '../../core/settings-admin.js';
import { isSecret, settingDef } from '../../core/settings-registry.js';
import { notFound } from '../../core/errors.js';
import { findUserRow } from '../../store/user-repo.js';
import type { CommandContext } from '../context.js';
import { effectiveSettingColumns, settingColumns, settingFields, settingText } from '../views.js';

type Opts = Record<string, any>;

/**
 * The scope a command works on. Another user's values need users:<mode> in the acting tenant
 * before the user is even looked up; one's own user is found wherever one acts.
 */
async function resolveTarget(ctx: CommandContext, opts: Opts, mode: 'read' | 'update'): Promise<SettingsTarget> {
  if (opts.global && opts.user !== undefined) throw usageError('give --global or --user, not both');
  const [deps, principal, acting] = [await ctx.deps(), await ctx.principal(), await ctx.actingTenant()];
  let user;
  if (opts.user !== undefined) {
    const self = isSelfRef(principal, opts.user);
    if (!self) await ctx.authorize(`users:${mode}`, acting.row.id);
    user = await findUserRow(deps.store.db, self ? { ref: principal.userId, tenantId: principal.tenantId } : { ref: opts.user, tenantId: acting.row.id });
    if (!user) throw notFound(`user ${opts.user}`);
  }
  return settingsTarget(acting.row, { global: opts.global === true, user });
}

async function authorizeRead(ctx: CommandContext, target: SettingsTarget): Promise<void> {
  // Anyone may read their own effective values (may I use API keys?).
  if (target.scope === 'user' && target.userId === (await ctx.principal()).userId) return;
  const needed = settingsPermission(target, 'read');
  await ctx.authorize(needed.permission, needed.tenantId);
}

async function authorizeWrite(ctx: CommandContext, target: SettingsTarget, key: string): Promise<void> {
  for (const needed of writePermissions(target, key)) await ctx.authorize(needed.permission, needed.tenantId);
}

function where(target: SettingsTarget): string {
  if (target.scope === 'global') return 'globally';
  return target.scope === 'tenant' ? `in tenant ${target.slug}` : `for ${target.email}`;
}

export async function list(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const target = await resolveTarget(ctx, opts, 'read');
  await authorizeRead(ctx, target);
  const entries = await listSettings(await ctx.deps(), target, { effective: opts.effective === true });
  await ctx.out.list(entries, opts.effective ? effectiveSettingColumns : settingColumns);
  if (entries.length === 0) ctx.out.say(`no values are set ${where(target)}; --effective shows every key's value and where it comes from`);
}

export async function get(ctx: CommandContext, [key]: (string | undefined)[], opts: Opts): Promise<void> {
  settingDef(key!);
  const target = await resolveTarget(ctx, opts, 'read');
  await authorizeRead(ctx, target);
  const entry = await getSetting(await ctx.deps(), target, key!);
  if (ctx.out.format === 'table') ctx.out.text(settingText(entry.value));
  else await ctx.out.object(entry, settingFields(entry));
}

async function valueOf(ctx: CommandContext, key: string, given: string | undefined, fromStdin: boolean): Promise<string> {
  const secret = isSecret(settingDef(key));
  if (given !== undefined && fromStdin) throw usageError('give the value or --value-stdin, not both');
  if (given !== undefined && secret) {
    throw usageError(`${key} is a secret: it is never taken as an argument`, `pipe it: printf '%s\\n' "$VALUE" | iamctl settings set ${key} --value-stdin`);
  }
  if (given !== undefined) return given;
  if (secret) return ctx.secret('--value-stdin', fromStdin, `${key}:`);
  if (fromStdin) return ctx.stdin.next('--value-stdin');
  throw usageError(`missing value for ${key}`, `iamctl settings set ${key} <value>`);
}

async function secretBox(ctx: CommandContext): Promise<SecretBox> {
  const [{ loadMasterKey }, { encryptSecret }] = await Promise.all([import('../master-key.js'), import('../../auth/secrets.js')]);
  const masterKey = loadMasterKey(ctx.home, ctx.io.env);
  return { encrypt: (plaintext) => encryptSecret(masterKey, plaintext) };
}

export async function set(ctx: CommandContext, [key, given]: (string | undefined)[], opts: Opts): Promise<void> {
  settingDef(key!);
  const target = await resolveTarget(ctx, opts, 'update');
  await authorizeWrite(ctx, target, key!);
  const raw = await valueOf(ctx, key!, given, opts.valueStdin === true);
  const secrets = isSecret(settingDef(key!)) ? await secretBox(ctx) : undefined;
  const entry = await setSetting(await ctx.deps(), await ctx.principal(), target, key!, raw, secrets);
  await ctx.out.object(entry, settingFields(entry));
  ctx.out.success(`set ${key} ${where(target)}`);
}

export async function unset(ctx: CommandContext, [key]: (string | undefined)[], opts: Opts): Promise<void> {
  settingDef(key!);
  const target = await resolveTarget(ctx, opts, 'update');
  await authorizeWrite(ctx, target, key!);
  const { entry, removed } = await unsetSetting(await ctx.deps(), await ctx.principal(), target, key!);
  await ctx.out.object(entry, settingFields(entry));
  ctx.out.success(removed ? `unset ${key} ${where(target)}; the ${entry.source} value applies` : `${key} was not set ${where(target)}; nothing changed`);
}
