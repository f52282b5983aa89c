// mfa enroll | confirm | disable | recovery-codes: one's own second factor.
import { confirmMfa, disableMfa, enrollMfa, regenerateRecoveryCodes } from '../../core/mfa.js';
import { settingBool } from '../../core/settings.js';
import { named } from '../../util/interop.js';
import type { CommandContext } from '../context.js';
import { loadMasterKey } from '../master-key.js';
import { userFields } from '../views.js';

type Opts = Record<string, any>;

const codePrompt = 'Authentication code:';

export async function enroll(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const masterKey = loadMasterKey(ctx.home, ctx.io.env);
  const enrolment = await enrollMfa(await ctx.deps(), await ctx.principal(), masterKey, { force: opts.force === true });
  await ctx.out.object(enrolment, [
    ['account', enrolment.account],
    ['secret', enrolment.secret],
    ['uri', enrolment.uri],
  ]);
  if (ctx.out.format === 'table') ctx.out.text(await qrCode(ctx, enrolment.uri));
  ctx.out.success('enrolment started: scan the QR code (or type the secret) into an authenticator app');
  ctx.out.say('then turn MFA on with a current code: iamctl mfa confirm --code-stdin (nothing is enforced until then)');
}

/**
 * The URI as a QR code for the terminal: ANSI colours (dark on light, whatever the terminal's
 * theme) on a colour terminal; otherwise plain Unicode blocks, no escape codes.
 */
async function qrCode(ctx: CommandContext, uri: string): Promise<string> {
  const { toString } = named(await import('qrcode'));
  const colour = ctx.out.chalk.level > 0;
  return colour ? toString(uri, { type: 'terminal', small: true }) : toString(uri, { type: 'utf8', margin: 2 });
}

async function printRecoveryCodes(ctx: CommandContext, codes: string[], value: unknown): Promise<void> {
  if (ctx.out.format === 'json' || ctx.out.format === 'yaml') await ctx.out.data(value);
  else ctx.out.text(codes.join('\n'));
  ctx.out.warn(`store these ${codes.length} recovery codes somewhere safe now: they are not shown again; each signs in once in place of a code`);
}

export async function confirm(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const masterKey = loadMasterKey(ctx.home, ctx.io.env);
  const code = await ctx.secret('--code-stdin', opts.codeStdin === true, codePrompt);
  const result = await confirmMfa(await ctx.deps(), await ctx.principal(), masterKey, code);
  await printRecoveryCodes(ctx, result.recoveryCodes, { user: result.user, recoveryCodes: result.recoveryCodes });
  ctx.out.success(`MFA is on for ${result.user.email}${result.unrestricted ? '; this session is no longer restricted' : ''}`);
}

export async function disable(ctx: CommandContext, _args: unknown[], opts: Opts): Promise<void> {
  const masterKey = loadMasterKey(ctx.home, ctx.io.env);
  const code = await ctx.secret('--code-stdin', opts.codeStdin === true, 'Authentication code (or a recovery code):');
  const principal = await ctx.principal();
  const user = await disableMfa(await ctx.deps(), principal, masterKey, code);
  await ctx.out.object(user, userFields(user));
  ctx.out.success(`MFA is off for ${user.email}`);
  if (settingBool(principal.settings, 'security.mfaRequiredForAdmins') && principal.access.isAdmin) {
    ctx.out.warn('security.mfaRequiredForAdmins applies to you: your next sign-in is restricted until you enrol again');
  }
}

export async function recoveryCodes(ctx: CommandContext): Promise<void> {
  const codes = await regenerateRecoveryCodes(await ctx.deps(), await ctx.principal());
  await printRecoveryCodes(ctx, codes, { recoveryCodes: codes });
  ctx.out.success('new recovery codes issued; the previous ones no longer work');
}
