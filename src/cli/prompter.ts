// The only place @inquirer/prompts is used. Prompts run only when stdin and stdout are
// terminals and --no-input is unset (the context decides); a cancelled prompt exits 130.
import { AppError } from '../core/errors.js';

export interface Prompter {
  text(message: string, options?: { validate?: (value: string) => string | true; default?: string }): Promise<string>;
  password(message: string, options?: { validate?: (value: string) => string | true }): Promise<string>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  select<T extends string>(message: string, choices: readonly { value: T; name: string; description?: string }[]): Promise<T>;
}

function cancelled(error: unknown): never {
  const name = (error as { name?: string }).name;
  if (name === 'ExitPromptError' || name === 'AbortPromptError') {
    throw new AppError('cancelled', 'cancelled at the prompt');
  }
  throw error;
}

export function inquirerPrompter(): Prompter {
  const prompts = () => import('@inquirer/prompts');
  return {
    async text(message, options = {}) {
      const { input } = await prompts();
      return input({ message, ...(options.default ? { default: options.default } : {}), ...(options.validate ? { validate: options.validate } : {}) }).catch(cancelled);
    },
    async password(message, options = {}) {
      const { password } = await prompts();
      return password({ message, mask: '*', ...(options.validate ? { validate: options.validate } : {}) }).catch(cancelled);
    },
    async confirm(message, defaultValue = false) {
      const { confirm } = await prompts();
      return confirm({ message, default: defaultValue }).catch(cancelled);
    },
    async select(message, choices) {
      const { select } = await prompts();
      return select({ message, choices: choices.map((c) => ({ ...c })) }).catch(cancelled) as Promise<(typeof choices)[number]['value']>;
    },
  };
}
