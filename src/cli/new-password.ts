// Reading a new password: the next stdin line with its *-stdin flag, or, on a terminal, a
// prompt with the strength indicator (SPEC §6), typed twice (a typo there would lock the user
// out of the account they are setting up).
import { validationError } from '../core/errors.js';
import type { CommandContext } from './context.js';

export async function readNewPassword(
  ctx: CommandContext,
  flag: string,
  fromStdin: boolean,
  prompt = 'New password:',
  userInputs: string[] = [],
): Promise<string> {
  const password = await ctx.secret(flag, fromStdin, prompt);
  if (!fromStdin) {
    const { passwordStrength } = await import('../auth/password-strength.js');
    const strength = await passwordStrength(password, userInputs);
    const paint = { Weak: ctx.out.chalk.red, Fair: ctx.out.chalk.yellow, Good: ctx.out.chalk.green, Strong: ctx.out.chalk.green }[strength];
    ctx.out.say(`strength: ${paint(strength)}`);
    const again = await ctx.prompter.password('Again:');
    if (again !== password) throw validationError('the passwords do not match');
  }
  return password;
}
