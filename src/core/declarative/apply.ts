// `apply`: parse every file, plan against the store inside one transaction, check that the
// principal may make every change, and run the steps there (or, with dry run, only plan).
import type { Principal } from '../../auth/principal.js';
import type { Deps } from '../deps.js';
import { isUniqueViolation } from '../../store/db.js';
import { conflict, validationError } from '../errors.js';
import type { ApplyResult, PlanAction, Problem } from './model.js';
import { parseSources, type Env, type Source } from './parse.js';
import { authorizePlan, buildPlan, type Plan } from './plan.js';
import type { StepContext } from './steps.js';

export interface ApplyOptions {
  dryRun: boolean;
  prune: boolean;
  env: Env;
  deliver?: StepContext['deliver'];
}

/** Problems as one validation error (exit 3): the first in the message, all of them in the data. */
export function problemsError(problems: Problem[]) {
  const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const first = sorted[0]!;
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? 's' : ''})` : '';
  return validationError(`${first.file}:${first.line} ${first.field || '(file)'}: ${first.reason}${more}`, 'nothing was written; fix the file and apply it again', {
    problems: sorted,
    total: sorted.length,
  });
}

export async function applyDeclaration(deps: Deps, actor: Principal, sources: readonly Source[], options: ApplyOptions): Promise<ApplyResult> {
  const { declaration, problems } = parseSources(sources, options.env);
  if (problems.length > 0) throw problemsError(problems);
  const now = deps.now();
  const ctx: StepContext = { actorId: actor.userId, now, at: now.toISOString(), deliver: options.deliver, invited: [] };
  const planned = async (db: Parameters<typeof buildPlan>[0]): Promise<Plan> => {
    const plan = await buildPlan(db, actor, declaration, { prune: options.prune });
    if (plan.problems.length > 0) throw problemsError(plan.problems);
    authorizePlan(actor, plan);
    return plan;
  };
  let plan: Plan;
  if (options.dryRun) {
    plan = await planned(deps.store.db);
  } else {
    plan = await deps.store
      .write(async (trx) => {
        const inTrx = await planned(trx);
        for (const step of inTrx.steps) await step(trx, ctx);
        return inTrx;
      })
      .catch((error: unknown) => {
        // Another writer made one of the same objects meanwhile (PostgreSQL; SQLite writers queue).
        throw isUniqueViolation(error) ? conflict('the store changed while the file was applied: nothing was written', 'apply the file again') : error;
      });
  }
  const counts: Record<PlanAction, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  for (const entry of plan.entries) counts[entry.action] += 1;
  return {
    dryRun: options.dryRun,
    prune: options.prune,
    changed: counts.created + counts.updated + counts.deleted > 0,
    counts,
    plan: plan.entries,
    invited: ctx.invited,
  };
}
