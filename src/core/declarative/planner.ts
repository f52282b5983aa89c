// The planner's state and the helpers its parts share: problems at file, line and field, plan
// entries, the permissions each change needs, and the steps by phase.
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.js';
import type { Database } from '../../store/schema.js';
import { isAppError, validationError } from '../errors.js';
import { fieldKey, type PlanAction, type PlanEntry, type PlanKind, type Problem, type Where } from './model.js';
import type { TenantState } from './state.js';
import type { Step } from './steps.js';

export interface Plan {
  entries: PlanEntry[];
  steps: Step[];
  problems: Problem[];
  /** Permissions the changes need: [permission, tenantId, what]. */
  needs: [string, string, string][];
}

export interface PlanOptions {
  prune: boolean;
}

export class Planner {
  readonly plan: Plan = { entries: [], steps: [], problems: [], needs: [] };
  /**
   * Steps by phase, so that everything exists before anything refers to it: 0 tenants, 1 global
   * settings, 2 new roles (then their parents), 3 role changes and tenant settings (a default role
   * may be new), 4 users, 5 teams, 6 grants, 7 team deletions, 8 role deletions and user deletions.
   */
  readonly phases: Step[][] = [[], [], [], [], [], [], [], [], []];

  constructor(readonly db: Kysely<Database>, readonly actor: Principal, readonly options: PlanOptions, readonly lines: Map<string, number>) {}

  /** A problem at the object, or at its field `sub` (on the line that field was written). */
  problem(where: Where, reason: string, sub?: string): void {
    const field = sub ? `${where.field}.${sub}` : where.field;
    this.plan.problems.push({ file: where.file, line: this.lines.get(fieldKey(where.file, field)) ?? where.line, field, reason });
  }

  /** Runs a validator; its AppError becomes a problem at `where`. */
  check<T>(where: Where, sub: string | undefined, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (!isAppError(error)) throw error;
      this.problem(where, error.message, sub);
      return undefined;
    }
  }

  entry(action: PlanAction, kind: PlanKind, tenant: string | null, name: string, changes: string[] = []): void {
    this.plan.entries.push({ action, kind, tenant, name, changes });
  }

  need(permission: string, tenantId: string, what: string): void {
    this.plan.needs.push([permission, tenantId, what]);
  }

  step(phase: number, step: Step): void {
    this.phases[phase]!.push(step);
  }
}

export const sameSorted = (a: readonly string[], b: readonly string[]) => {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((x, i) => x === sortedB[i]);
};

/** Stored JSON text, normalized for comparison. */
export const normalizedJson = (text: string | undefined) => (text === undefined ? undefined : JSON.stringify(JSON.parse(text)));

export const secretRefusal = (key: string) =>
  validationError(`secret setting ${key} is not applied from files`, `set it with \`iamctl settings set ${key} --value-stdin\``);

export interface TenantTarget {
  id: string;
  slug: string;
  state: TenantState;
  existing: boolean;
}

/** The roles that exist once the file is applied (built-in, listed, and stored ones unless pruned). */
export interface RoleSet {
  has(name: string): boolean;
  links: import('../../auth/role-graph.js').RoleLinks;
}

/** Users that exist once applied, by lower-cased email. */
export type UserSet = Set<string>;
