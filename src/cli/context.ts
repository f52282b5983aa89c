// What a command runs with, each part built on first use: output, stdin, prompts, the store,
// the context file, the principal and the acting tenant.
import fs from 'node:fs';
import type { Decision } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import type { Deps } from '../core/deps.js';
import { AppError, notFound, unauthenticated, usageError } from '../core/errors.js';
import { isPostgresUrl, openStore, type Store } from '../store/db.js';
import { assertSchemaCurrent } from '../store/schema-check.js';
import { findTenantById, findTenantBySlug, publicSlug } from '../store/tenant-repo.js';
import { authenticateSession } from '../auth/sessions.js';
import { authorizeOrThrow } from './guard.js';
import type { TenantRow } from '../store/schema.js';
import { Renderer, type OutputFormat } from '../output/render.js';
import { ContextFile, type StoreContext } from './context-file.js';
import { resolveHome, resolveStoreLocation } from './home.js';
import { colorEnabled, type IO } from './io.js';
import type { GlobalOptions } from './program.js';
import { inquirerPrompter, type Prompter } from './prompter.js';
import type { CommandSpec } from './registry-types.js';
import { StdinLines } from './stdin.js';

export type TenantSource = 'flag' | 'env' | 'context' | 'own' | 'main';

export interface ActingTenant {
  row: TenantRow;
  /** Slug, or null for the main account. */
  slug: string | null;
  source: TenantSource;
}

export { resolveHome };

export class CommandContext {
  readonly out: Renderer;
  readonly stdin: StdinLines;
  readonly contextFile: ContextFile;
  /** Set by a command that answers with a non-zero code without an error (can-i, verify). */
  exitCode = 0;
  /** The clock every use case reads. */
  readonly now = (): Date => new Date();
  #store: Promise<Store> | undefined;
  #principal: Promise<Principal> | undefined;
  #acting: Promise<ActingTenant> | undefined;
  #prompter: Prompter | undefined;

  constructor(
    readonly io: IO,
    readonly globals: GlobalOptions,
    readonly spec: CommandSpec,
    readonly options: Record<string, unknown>,
  ) {
    const format: OutputFormat = globals.output ?? 'table';
    const columns = typeof options.columns === 'string' ? options.columns.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    this.out = new Renderer(io, { format, columns, color: colorEnabled(io, globals.color === false), quiet: globals.quiet === true });
    this.stdin = new StdinLines(() => io.stdin);
    this.contextFile = new ContextFile(this.home);
  }

  get home(): string {
    return resolveHome(this.io.env);
  }

  /** $IAMCTL_HOME, created owner-only when missing. */
  ensureHome(): string {
    const home = this.home;
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    return home;
  }

  get storeLocation(): string {
    return resolveStoreLocation(this.globals.db, this.io.env);
  }

  /** Opens the store without checking its schema (db migrate/status, init). */
  async openStore(options: { create?: boolean } = {}): Promise<Store> {
    this.#store ??= (async () => {
      const location = this.storeLocation;
      if (options.create && !isPostgresUrl(location) && !this.globals.db && !this.io.env.IAMCTL_DB) this.ensureHome();
      return openStore(location, options);
    })();
    return this.#store;
  }

  /** The store, refusing a missing, older or newer schema with the fix. */
  async store(): Promise<Store> {
    const store = await this.openStore();
    await assertSchemaCurrent(store);
    return store;
  }

  async deps(): Promise<Deps> {
    return { store: await this.store(), now: this.now };
  }

  async close(): Promise<void> {
    if (this.#store) await (await this.#store.catch(() => undefined))?.close();
  }

  async storeContext(): Promise<StoreContext> {
    return this.contextFile.get((await this.openStore()).key);
  }

  async updateStoreContext(patch: Partial<Record<keyof StoreContext, string | undefined>>): Promise<void> {
    const store = await this.openStore();
    this.ensureHome();
    await this.contextFile.update(store.key, patch);
  }

  /** The signed-in principal: API key (stdin or IAMCTL_API_KEY) first, else the session. */
  async principal(): Promise<Principal> {
    this.#principal ??= (async () => {
      const deps = await this.deps();
      const apiKey = await this.#apiKey();
      if (apiKey !== undefined) {
        const { authenticateApiKey } = await import('../auth/api-keys.js');
        return authenticateApiKey(deps, apiKey);
      }
      const { session } = await this.storeContext();
      if (!session) {
        const initialized = await deps.store.db.selectFrom('roles').select('id').where('id', '=', 'super-admin').executeTakeFirst();
        if (!initialized) throw new AppError('not_initialized', 'the store is not initialized', { hint: 'run `iamctl init`' });
        throw unauthenticated('not signed in', 'run `iamctl login` (or set IAMCTL_API_KEY)');
      }
      return authenticateSession(deps, session);
    })();
    return this.#principal;
  }

  async #apiKey(): Promise<string | undefined> {
    if (this.globals.apiKeyStdin) return (await this.stdin.next('--api-key-stdin')).trim();
    const fromEnv = this.io.env.IAMCTL_API_KEY;
    return fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : undefined;
  }

  /**
   * The tenant this command acts in (SPEC §1): --tenant / IAMCTL_TENANT, else the context
   * file's active tenant (super admins), else the user's own; the main account for a super
   * admin with none of these. A tenant user naming another tenant finds nothing (6).
   */
  async actingTenant(): Promise<ActingTenant> {
    this.#acting ??= (async () => {
      const principal = await this.principal();
      const { db } = await this.store();
      // An empty IAMCTL_TENANT is unset, like IAMCTL_HOME and IAMCTL_API_KEY.
      const named = this.globals.tenant ?? (this.io.env.IAMCTL_TENANT || undefined);
      const source: TenantSource | undefined = this.globals.tenant ? 'flag' : this.io.env.IAMCTL_TENANT ? 'env' : undefined;
      const superAdmin = principal.access.isSuperAdmin;
      let slug = named;
      let from: TenantSource | undefined = source;
      if (slug === undefined && superAdmin) {
        const active = (await this.storeContext()).tenant;
        if (active) {
          slug = active;
          from = 'context';
        }
      }
      if (slug !== undefined) {
        const row = await findTenantBySlug(db, slug);
        if (!row || (!superAdmin && row.id !== principal.tenantId)) {
          throw notFound(`tenant ${slug}`, superAdmin ? 'see `iamctl tenant list`' : undefined);
        }
        return { row, slug: row.slug, source: from! };
      }
      const own = await findTenantById(db, principal.tenantId);
      if (!own) throw new AppError('internal', 'the tenant of the signed-in user is missing');
      return { row: own, slug: publicSlug(own), source: superAdmin ? 'main' : 'own' };
    })();
    return this.#acting;
  }

  /** Authorizes through the one function; throws forbidden (5) with the reason. */
  async authorize(permission: string, tenantId: string, resourcePath?: string): Promise<Decision> {
    const principal = await this.principal();
    return authorizeOrThrow(principal, permission, tenantId, resourcePath);
  }

  get canPrompt(): boolean {
    const noInput = this.globals.input === false || isTruthy(this.io.env.IAMCTL_NO_INPUT);
    return this.io.stdinIsTTY && this.io.stdoutIsTTY && !noInput;
  }

  get prompter(): Prompter {
    this.#prompter ??= inquirerPrompter();
    return this.#prompter;
  }

  /**
   * A secret: the next stdin line when its *-stdin flag is given, else a prompt on a terminal,
   * else a usage error naming the flag.
   */
  async secret(flag: string, fromStdin: boolean, prompt: string, validate?: (value: string) => string | true): Promise<string> {
    if (fromStdin) return this.stdin.next(flag);
    if (this.canPrompt) return this.prompter.password(prompt, validate ? { validate } : {});
    throw usageError(`${prompt.replace(/:$/, '')} required: pass ${flag}`, `secrets are never taken as arguments; pipe it: printf '%s\\n' "$SECRET" | iamctl ... ${flag}`);
  }

  /** A plain value: the flag, else a prompt on a terminal, else a usage error naming the flag. */
  async value(flag: string, given: string | undefined, prompt: string, validate?: (value: string) => string | true): Promise<string> {
    if (given !== undefined) return given;
    if (this.canPrompt) return this.prompter.text(prompt, validate ? { validate } : {});
    throw usageError(`missing ${flag}`, `pass ${flag} <value>`);
  }

  /** Destructive actions: --yes, or a confirmation at a terminal; otherwise refuse (2). */
  async confirm(action: string): Promise<void> {
    if (this.globals.yes) return;
    if (!this.canPrompt) throw usageError(`${action} needs confirmation: pass --yes`, 'no terminal to ask on');
    if (!(await this.prompter.confirm(`${action}?`, false))) throw new AppError('cancelled', 'declined');
  }
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
