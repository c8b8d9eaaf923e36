// A goal with a schedule is a scheduler job of kind "goal": each due time starts a run and waits for it, and the run's
// summary is the job's output. Job ids are "goal-<id in lower case>" (job ids are lower case).
import type { JobDefinition, JobScheduler } from '../types.ts';
import type { GoalRunner } from './runner.ts';
import type { Goal } from './types.ts';

export const jobIdOf = (goalId: string) => `goal-${goalId.toLowerCase()}`;

export function goalJob(goal: Goal & { schedule: string }, runner: GoalRunner): JobDefinition {
  return {
    id: jobIdOf(goal.id),
    kind: 'goal',
    cron: goal.schedule,
    enabled: goal.enabled,
    description: `Goal: ${goal.title}`,
    async run(ctx) {
      const { run_id } = await runner.startRun(goal.id, { kind: 'schedule', detail: ctx.run_id });
      ctx.progress(`goal run ${run_id} started`);
      // The scheduler stopping (or cancelling its job) cancels the goal run too.
      const cancel = () => void runner.cancel(goal.id, run_id).catch(() => {});
      ctx.signal.addEventListener('abort', cancel, { once: true });
      try {
        const run = await runner.wait(goal.id, run_id);
        const summary = `${run.status}: ${run.summary ?? ''}`.trim();
        if (run.status === 'failed') throw new Error(summary);
        return { summary, details: { run_id, status: run.status, steps: run.steps, tokens: run.tokens } };
      } finally {
        ctx.signal.removeEventListener('abort', cancel);
      }
    },
  };
}

/** Puts a goal's job in line with the goal: defined while it has a schedule, removed when it has none or is gone. */
export function syncJob(scheduler: JobScheduler | undefined, runner: GoalRunner, goal: Goal | { id: string }): void {
  if (!scheduler) return;
  if ('schedule' in goal && goal.schedule) scheduler.define(goalJob({ ...goal, schedule: goal.schedule }, runner));
  else scheduler.remove(jobIdOf(goal.id));
}
