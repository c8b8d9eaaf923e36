// The goals feature: goals the user sets for Titan to work on unattended — by hand, on a schedule or from a trigger —
// each run a ReAct loop with the chat's model and tools inside the unattended allow-list, stored step by step.
// Puts its GoalStarter into deps.services.goals.
import type { AutonomyDeps, Feature } from '../types.ts';
import { goalRoutes } from './routes.ts';
import { GoalRunner } from './runner.ts';
import { GoalService } from './service.ts';
import { GoalStore } from './store.ts';

export type { Goal, GoalRun, GoalStep } from './types.ts';

export async function openGoals(deps: AutonomyDeps): Promise<Feature> {
  const log = deps.logs.app.child({ feature: 'goals' });
  const store = new GoalStore(deps.engines.sql);
  // A run cannot outlive its daemon: one found unfinished was cut off.
  const interrupted = await store.failUnfinished('interrupted by a restart: the daemon stopped while this run worked');
  if (interrupted > 0) log.warn({ runs: interrupted }, 'goal runs interrupted by a restart marked failed');

  const runner = new GoalRunner({
    store,
    model: deps.model,
    tools: () => deps.tools.list(),
    policyOf: (tool) => deps.approvals.policyOf(tool),
    files: deps.files,
    memory: deps.memory,
    publish: async (type, payload) => {
      try {
        await deps.bus.publish('system.v1', type, payload, { source: 'goals' });
      } catch (err) {
        log.warn({ err: (err as Error).message, type }, 'a goal event could not be published');
      }
    },
    audit: (record) => deps.logs.audit.info(record, 'goal tool call'),
    concurrentRuns: () => deps.settings.get().goals.concurrent_runs,
    now: deps.now,
    onError: (err, what) => log.error({ err: (err as Error).message }, `${what} failed`),
    onFinished: (run) =>
      log.info(
        { goal_id: run.goal_id, run_id: run.id, status: run.status, steps: run.steps, tokens: run.tokens },
        'goal run finished',
      ),
  });
  const service = new GoalService({
    store,
    runner,
    tools: deps.tools,
    scheduler: () => deps.services.scheduler,
    defaults: () => {
      const { max_steps, max_tokens } = deps.settings.get().goals;
      return { max_steps, max_tokens };
    },
    audit: (record) => deps.logs.audit.info(record, record.event),
  });
  deps.services.goals = runner;

  return {
    name: 'goals',
    routes(api) {
      goalRoutes(api, { service, store, runner });
    },
    async start() {
      const scheduled = await service.scheduleAll();
      if (scheduled > 0 && !deps.services.scheduler) {
        log.warn({ goals: scheduled }, 'goals have schedules but the scheduler is not running: they run only by hand');
      }
    },
    async close() {
      if (deps.services.goals === runner) deps.services.goals = undefined;
      await runner.close();
    },
  };
}
