// The context file ($IAMCTL_HOME/context.json, 0600), through conf with dot-notation off:
// per store (keyed `sqlite:<real path>` or a password-free postgres URL), the session token
// and the active tenant. Shared by every shell on the machine that uses the same store.
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

  async get(storeKey: string): Promise<StoreContext> {
    const conf = await this.#open();
    return { ...(conf.get(storeKey) ?? {}) };
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
