// The shape of the command registry: what each command is, takes, and needs to run.
import type { CommandContext } from './context.js';

/**
 * What must hold before a command runs. The runner enforces it through the one authorization
 * function; a handler may authorize further (e.g. against the tenant of the object it found).
 * - none: no principal (init, login, db, completion...);
 * - signed-in: any principal (whoami, logout, own password...);
 * - permission: the principal must hold it in the acting tenant, or in the main account
 *   (`in: 'main'`: super admins only), or the handler checks it against the object's tenant
 *   (`in: 'object'`).
 */
export type Guard =
  | { kind: 'none' }
  | { kind: 'signed-in'; restrictedOk?: boolean }
  | { kind: 'permission'; permission: string; in?: 'acting' | 'main' | 'object' };

export interface EditionRequirement {
  rbac?: 'basic' | 'enterprise';
  tenants?: true;
}

export interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  /** Repeatable (`--role a --role b`, also `--role a,b`). */
  repeatable?: boolean;
  /** A positive integer. */
  integer?: boolean;
  default?: string | boolean;
}

export type Handler = (ctx: CommandContext, args: (string | undefined)[], opts: Record<string, any>) => Promise<void>;

export interface CommandSpec {
  /** Words after `iamctl`: ['tenant', 'create']. */
  path: readonly string[];
  summary: string;
  args?: readonly string[];
  options?: readonly OptionSpec[];
  /** Other names for the last word. */
  aliases?: readonly string[];
  guard: Guard;
  /**
   * Editions the command needs (SPEC §6): `rbac: 'basic'` (RBAC on), `rbac: 'enterprise'`
   * (custom roles, teams), `tenants: true` (tenant management). Refused with 5 otherwise.
   */
  edition?: EditionRequirement;
  /** Changes the store: in a terminal, the acting tenant is shown first. */
  mutates?: boolean;
  /** Prints a list: takes --columns. */
  list?: boolean;
  /** Shown under the command's --help. */
  examples?: readonly string[];
  load: () => Promise<Record<string, unknown>>;
  handler: string;
}

export interface GroupSpec {
  name: string;
  aliases?: readonly string[];
  summary: string;
}
