// GoalRunner: starts goal runs in the background — one at a time per goal, at most `concurrentRuns` at once (the rest
// wait, queued) — stores each step as it happens, publishes the run's lifecycle on system.v1, keeps the answer as a
// memory, and cancels a run on request or at close.
import { ulid } from '../../../bus/ulid.ts';
import type { MemoryService } from '../../../memory/service.ts';
import type { ToolAuditRecord } from '../../chat/agentTools.ts';
import type { ApprovalPolicy } from '../../chat/approvals.ts';
import type { ChatTool, ModelClient } from '../../chat/types.ts';
import type { FilesService } from '../../files/service.ts';
import type { GoalStarter } from '../types.ts';
import { unattendedTools } from './access.ts';
import { GoalError } from './goalError.ts';
import { type LoopResult, runGoalLoop } from './loop.ts';
import { goalMessages } from './prompt.ts';
import type { GoalStore } from './store.ts';
import type { Goal, GoalRun, RunTrigger } from './types.ts';

export interface GoalRunnerOptions {
  store: GoalStore;
  model: ModelClient;
  /** The tools there are now (built-in, plugins', MCP servers'), read per run. */
  tools: () => ChatTool[];
  /** The chat's approval policy per tool (Settings → Chat): only its "never" matters here. */
  policyOf: (tool: ChatTool) => ApprovalPolicy;
  files: FilesService;
  memory: MemoryService;
  /** Publishes on system.v1; never throws. */
  publish: (type: string, payload: Record<string, unknown>) => Promise<void>;
  audit: (record: ToolAuditRecord) => void;
  /** Runs working at once across all goals, read when a run wants to start. */
  concurrentRuns: () => number;
  now: () => number;
  onError: (err: unknown, what: string) => void;
  /** Told of every run that ended, as stored (the daemon logs it). */
  onFinished?: (run: GoalRun) => void;
}

interface ActiveRun {
  goalId: string;
  controller: AbortController;
  done: Promise<GoalRun>;
}

/** A memory holds at most this much of a run's answer. */
const ANSWER_MEMORY_CHARS = 2000;

const refusal = (tool: ChatTool) =>
  `${tool.name} is not allowed for this goal: it changes things and nobody is there to approve it. ` +
  "The user can add it to the goal's allowed tools; do not call it again in this run.";

export class GoalRunner implements GoalStarter {
  private readonly o: GoalRunnerOptions;
  private readonly byGoal = new Map<string, string>();
  private readonly active = new Map<string, ActiveRun>();
  private working = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(options: GoalRunnerOptions) {
    this.o = options;
  }

  /** Starts a run and returns its id once it is stored (queued); a disabled goal runs only when started by hand. */
  async startRun(goalId: string, trigger: RunTrigger): Promise<{ run_id: string }> {
    const goal = await this.o.store.get(goalId);
    if (!goal.enabled && trigger.kind !== 'manual') {
      throw new GoalError('goal_disabled', `goal ${goalId} is disabled: enable it to let its ${trigger.kind} run it`);
    }
    if (this.closed) throw new GoalError('shutting_down', 'Titan is shutting down: start the run after it restarts');
    const running = this.byGoal.get(goalId);
    if (running) {
      throw new GoalError(
        'run_in_progress',
        `goal ${goalId} is already running (run ${running}): wait for it to finish or cancel it`,
      );
    }
    // Taken before the first await, so two starts at once cannot both pass the check above.
    const runId = ulid();
    const controller = new AbortController();
    const done = Promise.withResolvers<GoalRun>();
    this.byGoal.set(goalId, runId);
    this.active.set(runId, { goalId, controller, done: done.promise });
    let run: GoalRun;
    try {
      run = await this.o.store.createRun(goal, trigger, runId);
    } catch (err) {
      this.forget(goalId, runId);
      throw err;
    }
    void this.execute(goal, run, controller.signal)
      .then(done.resolve, done.reject)
      .finally(() => this.forget(goalId, runId));
    return { run_id: runId };
  }

  /** Cancels a queued or running run and resolves once it has stopped, with the run as stored. */
  async cancel(goalId: string, runId: string): Promise<GoalRun> {
    const entry = this.active.get(runId);
    if (!entry || entry.goalId !== goalId) {
      const run = await this.o.store.getRun(goalId, runId);
      throw new GoalError('run_finished', `run ${runId} already ended (${run.status}): there is nothing to cancel`);
    }
    entry.controller.abort(new Error('cancelled by the user'));
    return entry.done;
  }

  /** Resolves when the run ends, with the run as stored (at once for a run that already ended). */
  async wait(goalId: string, runId: string): Promise<GoalRun> {
    const entry = this.active.get(runId);
    return entry && entry.goalId === goalId ? entry.done : this.o.store.getRun(goalId, runId);
  }

  /** The run a goal has working now, if any. */
  runningOf(goalId: string): string | null {
    return this.byGoal.get(goalId) ?? null;
  }

  /** Cancels every run and waits for them to be stored as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const r of runs) r.controller.abort(new Error('Titan is shutting down'));
    await Promise.allSettled(runs.map((r) => r.done));
  }

  private forget(goalId: string, runId: string): void {
    this.active.delete(runId);
    if (this.byGoal.get(goalId) === runId) this.byGoal.delete(goalId);
  }

  private async execute(goal: Goal, run: GoalRun, signal: AbortSignal): Promise<GoalRun> {
    const took = await this.slot(signal);
    let result: LoopResult;
    try {
      result = await this.loop(goal, run, signal);
    } catch (err) {
      this.o.onError(err, `goal run ${run.id}`);
      const message = 'the run failed inside Titan; the log has the details';
      result = { status: 'failed', answer: null, steps: 0, tokens: 0, summary: `Failed: ${message}` };
      result.error = { code: 'internal', message };
    } finally {
      if (took) this.release();
    }
    const finished = await this.o.store.finishRun(run.id, result).catch((err) => {
      this.o.onError(err, `storing the end of goal run ${run.id}`);
      return { ...run, ...result, error: result.error ?? null, finished_at: new Date(this.o.now()).toISOString() };
    });
    await this.o.publish('goal.run.finished', {
      goal_id: goal.id,
      run_id: run.id,
      status: finished.status,
      steps: finished.steps,
      tokens: finished.tokens,
      summary: finished.summary,
    });
    this.o.onFinished?.(finished);
    if (finished.status === 'done' && finished.answer?.trim()) await this.remember(goal, finished);
    return finished;
  }

  private async loop(goal: Goal, run: GoalRun, signal: AbortSignal): Promise<LoopResult> {
    if (!signal.aborted) {
      await this.o.store.markRunning(run.id);
      await this.o.publish('goal.run.started', { goal_id: goal.id, run_id: run.id, trigger: run.trigger });
    }
    let seq = 0;
    return runGoalLoop({
      model: this.o.model,
      tools: unattendedTools(this.o.tools(), goal.allowed_tools, this.o.policyOf, refusal),
      toolContext: {
        files: this.o.files,
        memory: this.o.memory,
        who: `goal:${goal.id}`,
        conversationId: run.id,
        signal,
      },
      messages: goalMessages(goal, new Date(this.o.now())),
      budget: run.budget,
      signal,
      audit: this.o.audit,
      step: async (step, totals) => {
        const index = seq++;
        await this.o.store.addStep(run.id, index, step, totals);
        await this.o.publish('goal.step', {
          goal_id: goal.id,
          run_id: run.id,
          index,
          kind: step.kind,
          ...(step.tool ? { tool: step.tool } : {}),
          ...(step.ok === undefined ? {} : { ok: step.ok }),
        });
      },
    });
  }

  /** The answer of a finished run as an event memory, so chat can recall what the goal found. */
  private async remember(goal: Goal, run: GoalRun): Promise<void> {
    const text = `Goal "${goal.title}" (run of ${run.finished_at?.slice(0, 10)}): ${run.answer?.trim()}`;
    try {
      await this.o.memory.save([
        {
          text: text.length > ANSWER_MEMORY_CHARS ? `${text.slice(0, ANSWER_MEMORY_CHARS - 1)}…` : text,
          kind: 'event',
          importance: 0.5,
          source: { origin: 'goal' },
        },
      ]);
    } catch (err) {
      this.o.onError(err, `saving the answer of goal run ${run.id} as a memory`);
    }
  }

  /** Waits for a free slot; false when the run was cancelled while it waited (it took none). */
  private slot(signal: AbortSignal): Promise<boolean> {
    if (this.working < this.o.concurrentRuns()) {
      this.working += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const take = () => {
        signal.removeEventListener('abort', onAbort);
        this.working += 1;
        resolve(true);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      this.waiting.push(take);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    this.working -= 1;
    while (this.working < this.o.concurrentRuns() && this.waiting.length > 0) this.waiting.shift()?.();
  }
}
