// What every use case gets: the store and a clock (injected, so tests can move time).
import type { Store } from '../store/db.js';

export interface Deps {
  store: Store;
  now: () => Date;
}

export function isoNow(deps: Pick<Deps, 'now'>): string {
  return deps.now().toISOString();
}

export function addHours(date: Date, hours: number): string {
  return new Date(date.getTime() + hours * 3_600_000).toISOString();
}

export function addMinutes(date: Date, minutes: number): string {
  return new Date(date.getTime() + minutes * 60_000).toISOString();
}

/** What library functions accept: an open store, or a store with a clock (what the CLI passes). */
export type StoreOrDeps = Store | Deps;

export function depsOf(target: StoreOrDeps): Deps {
  return 'store' in target ? target : { store: target, now: () => new Date() };
}
