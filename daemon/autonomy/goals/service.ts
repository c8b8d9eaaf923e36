// GoalService: goals created, edited and deleted with their input checked against what exists — tool names against the
// tool registry, schedules as cron — and kept in line with the scheduler.
import type { ToolRegistry } from '../../chat/toolRegistry.ts';
import { cronProblem } from '../scheduler/cron.ts';
import type { JobScheduler } from '../types.ts';
import { GoalError } from './goalError.ts';
import type { GoalRunner } from './runner.ts';
import { syncJob } from './schedule.ts';
import type { GoalStore } from './store.ts';
import type { Budget, Goal, GoalPatch, NewGoal } from './types.ts';

export interface GoalServiceOptions {
  store: GoalStore;
  runner: GoalRunner;
  tools: ToolRegistry;
  /** Read at each call: the scheduler may open after goals in some builds, or not at all. */
  scheduler: () => JobScheduler | undefined;
  /** A new goal's budget when it names none (settings `goals`). */
  defaults: () => Budget;
  /** The audit trail: what unattended work may do is the user's decision, so every change is kept. */
  audit: (record: GoalAuditRecord) => void;
}

export interface GoalAuditRecord {
  event: 'goal.create' | 'goal.update' | 'goal.delete';
  goal_id: string;
  title?: string;
  schedule?: string | null;
  allowed_tools?: string[];
  enabled?: boolean;
}

const audited = (g: Goal) => ({
  goal_id: g.id,
  title: g.title,
  schedule: g.schedule,
  allowed_tools: g.allowed_tools,
  enabled: g.enabled,
});

export type GoalInput = Omit<NewGoal, 'budget' | 'schedule' | 'allowed_tools' | 'enabled'> & {
  schedule?: string | null;
  budget?: Partial<Budget>;
  allowed_tools?: string[];
  enabled?: boolean;
};

export class GoalService {
  private readonly o: GoalServiceOptions;

  constructor(options: GoalServiceOptions) {
    this.o = options;
  }

  async create(input: GoalInput): Promise<Goal> {
    const goal: NewGoal = {
      title: input.title,
      instructions: input.instructions,
      schedule: this.checkSchedule(input.schedule ?? null),
      budget: { ...this.o.defaults(), ...input.budget },
      allowed_tools: this.checkTools(input.allowed_tools ?? []),
      enabled: input.enabled ?? true,
    };
    const created = await this.o.store.create(goal);
    this.o.audit({ event: 'goal.create', ...audited(created) });
    syncJob(this.o.scheduler(), this.o.runner, created);
    return created;
  }

  async update(id: string, input: Omit<GoalPatch, 'budget'> & { budget?: Partial<Budget> }): Promise<Goal> {
    const current = await this.o.store.get(id);
    const { budget, ...rest } = input;
    const patch: GoalPatch = {
      ...rest,
      ...(input.schedule !== undefined ? { schedule: this.checkSchedule(input.schedule) } : {}),
      ...(input.allowed_tools ? { allowed_tools: this.checkTools(input.allowed_tools) } : {}),
      ...(budget ? { budget: { ...current.budget, ...budget } } : {}),
    };
    const updated = await this.o.store.update(id, patch);
    this.o.audit({ event: 'goal.update', ...audited(updated) });
    syncJob(this.o.scheduler(), this.o.runner, updated);
    return updated;
  }

  /** Cancels a running run first, then deletes the goal with its history and its job. */
  async delete(id: string): Promise<void> {
    await this.o.store.get(id);
    const running = this.o.runner.runningOf(id);
    if (running) await this.o.runner.cancel(id, running).catch(() => {});
    await this.o.store.delete(id);
    this.o.audit({ event: 'goal.delete', goal_id: id });
    syncJob(this.o.scheduler(), this.o.runner, { id });
  }

  /** Defines the jobs of every scheduled goal (at start). */
  async scheduleAll(): Promise<number> {
    const scheduled = (await this.o.store.list()).filter((g) => g.schedule);
    for (const goal of scheduled) syncJob(this.o.scheduler(), this.o.runner, goal);
    return scheduled.length;
  }

  private checkTools(names: string[]): string[] {
    const known = this.o.tools.list().map((t) => t.name as string);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw new GoalError(
        'unknown_tool',
        `no tool named ${unknown.map((n) => `"${n}"`).join(', ')}; the tools are: ${known.join(', ')}`,
      );
    }
    return [...new Set(names)];
  }

  private checkSchedule(schedule: string | null): string | null {
    const cron = schedule?.trim() || null;
    if (cron === null) return null;
    const problem = cronProblem(cron);
    if (problem)
      throw new GoalError('invalid_schedule', `the schedule is not a cron expression Titan can use: ${problem}`);
    return cron;
  }
}
