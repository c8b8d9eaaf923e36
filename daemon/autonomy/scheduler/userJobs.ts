// What a user job does when it runs: one tool call (through runToolCall: validation, the allow-list guard, audit) under
// the unattended rule — read-only tools and memory_save, plus the tools the user granted the job — or a goal's run.

import { runToolCall } from '../../chat/agentTools.ts';
import { type ApprovalPolicy, Approvals } from '../../chat/approvals.ts';
import type { ChatTool } from '../../chat/types.ts';
import type { AutonomyDeps, JobOutput, JobRunContext } from '../types.ts';
import type { UserJob } from './jobStore.ts';

/** Saving a memory changes nothing outside Titan's own store, so unattended work may do it unasked. */
export const UNATTENDED_EXTRA = ['memory_save'];

const RESULT_CHARS = 8_000;

/**
 * Null when the job may call the tool with nobody watching, else why not and how to allow it. A tool the user set to
 * "never" is refused whatever the grants; one that would ask is allowed only when granted (nobody could answer).
 */
export function unattendedRefusal(
  tool: Pick<ChatTool, 'name' | 'risk'>,
  policy: ApprovalPolicy,
  jobId: string,
  grants: readonly string[],
): string | null {
  if (policy === 'never') {
    return `${tool.name} is set to "never" in Settings → Chat (tool approvals), so no job may call it`;
  }
  if (grants.includes(tool.name)) return null;
  if (UNATTENDED_EXTRA.includes(tool.name)) return null;
  if (tool.risk === 'read' && policy === 'auto') return null;
  const why =
    tool.risk === 'read'
      ? `${tool.name} is set to "ask" in Settings → Chat`
      : `${tool.name} can change files or memory`;
  return (
    `${why}, and nobody is there to approve it during a scheduled run: grant it to this job ` +
    `(PATCH /api/scheduler/jobs/${jobId} with {"grants": ["${tool.name}"]}) or pick a read-only tool`
  );
}

async function runTool(
  deps: AutonomyDeps,
  job: UserJob,
  action: { tool: string; arguments: Record<string, unknown> },
  ctx: JobRunContext,
): Promise<JobOutput> {
  const tool = deps.tools.get(action.tool);
  if (!tool) {
    const names = deps.tools.list().map((t) => t.name);
    throw new Error(`there is no tool named "${action.tool}" (any more); the tools are: ${names.join(', ')}`);
  }
  const policy = deps.approvals.policyOf(tool);
  const refusal = unattendedRefusal(tool, policy, job.id, job.grants);
  const who = `job:${job.id}`;
  if (refusal) {
    deps.logs.audit.warn({ event: 'job.tool', who, tool: tool.name, outcome: 'refused', message: refusal }, refusal);
    throw new Error(`refused: ${refusal}`);
  }
  ctx.progress(`calling ${tool.name}`);
  const result = await runToolCall(
    { id: ctx.run_id, name: tool.name, arguments: JSON.stringify(action.arguments) },
    {
      tools: new Map([[tool.name, tool]]),
      // Checked above: this call is allowed, so nothing waits for an approval nobody can give.
      approvals: new Approvals({ policies: () => ({ [tool.name]: 'auto' }) }),
      toolContext: { files: deps.files, memory: deps.memory, who, conversationId: who, signal: ctx.signal },
      conversationId: who,
      signal: ctx.signal,
      emit: () => {},
      audit: (record) => deps.logs.audit.info(record, 'job tool call'),
    },
  );
  if (!result.ok) {
    const message = (() => {
      try {
        return (JSON.parse(result.content) as { error?: { message?: string } }).error?.message ?? result.content;
      } catch {
        return result.content;
      }
    })();
    throw new Error(`${tool.name} failed (${result.outcome}): ${message}`);
  }
  let value: unknown = result.content;
  try {
    value = JSON.parse(result.content);
  } catch {
    // A cut result is no longer JSON; it is kept as text.
  }
  const size = result.content.length;
  return {
    summary: `called ${tool.name}: ok, ${size} characters of result`,
    details: {
      tool: tool.name,
      result: size <= RESULT_CHARS ? value : `${result.content.slice(0, RESULT_CHARS)}…(${size} characters)`,
    },
  };
}

async function startGoal(deps: AutonomyDeps, job: UserJob, goalId: string, ctx: JobRunContext): Promise<JobOutput> {
  const goals = deps.services.goals;
  if (!goals) throw new Error(`goal ${goalId} was not started: the goals feature is not running (the log says why)`);
  const { run_id } = await goals.startRun(goalId, { kind: 'schedule', detail: `job:${job.id}` });
  ctx.progress(`goal run ${run_id} started`);
  return {
    summary: `started a run of goal ${goalId} (run ${run_id}); GET /api/goals shows how it goes`,
    details: { goal_id: goalId, goal_run_id: run_id },
  };
}

export function runUserJob(deps: AutonomyDeps, job: UserJob, ctx: JobRunContext): Promise<JobOutput> {
  const { action } = job;
  return action.type === 'tool' ? runTool(deps, job, action, ctx) : startGoal(deps, job, action.goal_id, ctx);
}
