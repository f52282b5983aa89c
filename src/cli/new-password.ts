// Reading a new password: the next stdin line with its *-stdin flag, or a prompt typed twice on
// a terminal (a typo there would lock the user out of the account they are setting up).
import { validationError } from '../core/errors.js';
import type { CommandContext } from './context.js';

export async function readNewPassword(ctx: CommandContext, flag: string, fromStdin: boolean, prompt = 'New password:'): Promise<string> {
  const password = await ctx.secret(flag, fromStdin, prompt);
  if (!fromStdin) {
    const again = await ctx.prompter.password('Again:');
    if (again !== password) throw validationError('the passwords do not match');
  }
  return password;
}
