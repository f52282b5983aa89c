// The context file ($IAMCTL_HOME/context.json, 0600), through conf with dot-notation off:
// per store (keyed `sqlite:<real path>` or a password-free postgres URL), the session token
// and the active tenant. Shared by every shell on the machine that uses the same store.
//
// conf writes it (atomically, owner-only). Reading, which every signed-in command does, parses
// the same plain JSON file directly: constructing conf costs several milliseconds of start-up
// for what is one small JSON read (no schema, no encryption, no migrations are configured).
// A file that does not parse reads as empty, and conf's clearInvalidConfig replaces it at the
// next write.
import fs from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';

export interface StoreContext {
  /** Session token (the only copy outside the store's hash). */
  session?: string;
  /** Active tenant slug set by `tenant switch` / login; absent = the user's own (or main). */
  tenant?: string;
}

type ContextData = Record<string, StoreContext>;

export class ContextFile {
  #conf: Conf<ContextData> | undefined;

  constructor(private readonly home: string) {}

  async #open(): Promise<Conf<ContextData>> {
    if (!this.#conf) {
      const { default: ConfClass } = await import('conf');
      this.#conf = new ConfClass<ContextData>({
        cwd: this.home,
        configName: 'context',
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
        clearInvalidConfig: true,
      });
    }
    return this.#conf;
  }

  get file(): string {
    return path.join(this.home, 'context.json');
  }

  async get(storeKey: string): Promise<StoreContext> {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      return {};
    }
    const entry = data && typeof data === 'object' ? (data as ContextData)[storeKey] : undefined;
    return entry && typeof entry === 'object' ? { ...entry } : {};
  }

  async update(storeKey: string, patch: Partial<Record<keyof StoreContext, string | undefined>>): Promise<void> {
    const conf = await this.#open();
    const next: StoreContext = { ...(conf.get(storeKey) ?? {}) };
    for (const [k, v] of Object.entries(patch) as [keyof StoreContext, string | undefined][]) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (Object.keys(next).length === 0) conf.delete(storeKey);
    else conf.set(storeKey, next);
  }
}
