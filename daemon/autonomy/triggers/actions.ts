// What a rule does when it fires: ingest the event's file, react and notify, start a goal run, or call a plugin
// tool. Each returns what it did for the firing record, or throws a TriggerError a user can act on.
import type { BusEvent } from '../../../bus/event.ts';
import type { JobView } from '../../files/jobs.ts';
import type { AutonomyDeps } from '../types.ts';
import { type FileFacts, fileFacts } from './fileFacts.ts';
import { react } from './reaction.ts';
import { eventPath, type TriggerRule } from './rules.ts';
import { TriggerError } from './triggerError.ts';

export interface ActionResult {
  outcome: 'ok' | 'skipped';
  detail: Record<string, unknown>;
  /** Why it was skipped. */
  reason?: string;
}

const JOB_POLL_MS = 50;

/** Resolves when an ingest job has finished (jobs report progress by mutating their view). */
async function finished(job: JobView, signal: AbortSignal): Promise<JobView> {
  while (job.state === 'running') {
    signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, JOB_POLL_MS));
  }
  return job;
}

async function ingest(deps: AutonomyDeps, event: BusEvent, signal: AbortSignal): Promise<ActionResult> {
  const path = eventPath(event);
  if (!path) throw new TriggerError('no_file', `a ${event.event_type} event carries no file path to ingest`);
  if (event.event_type === 'file.deleted') {
    return { outcome: 'skipped', detail: { path }, reason: 'the file was deleted: there is nothing to ingest' };
  }
  const job = await finished(deps.files.ingestFiles([path]), signal);
  const row = (await deps.files.status([path])).get(path);
  const detail = { path, job_id: job.id, status: row?.status ?? null, chunks: row?.chunks ?? 0 };
  const failure = job.failures[0]?.error ?? job.error;
  if (job.outcomes.failed > 0 || job.state === 'failed') {
    throw new TriggerError('ingest_failed', `${path} could not be ingested: ${failure ?? 'the reason is in the log'}`);
  }
  return { outcome: 'ok', detail };
}

async function notify(
  deps: AutonomyDeps,
  rule: TriggerRule,
  event: BusEvent,
  note: string | undefined,
  signal: AbortSignal,
): Promise<ActionResult> {
  const notifier = deps.services.notifications;
  if (!notifier) {
    throw new TriggerError(
      'service_unavailable',
      `rule ${rule.id} cannot notify: the notifications feature is not running`,
    );
  }
  const path = eventPath(event);
  const file: FileFacts | null =
    path && event.topic === 'fs.v1' ? await fileFacts(path, deps.files, deps.memory) : null;
  const reaction = await react({ model: deps.model, settings: () => deps.settings.get() }, event, file, note, signal);
  const conversation = await deps.chatStore.createConversation({ title: reaction.title });
  // Through chat, not the store: the cache that later turns read their history from gets it too.
  await deps.chat.addMessage(conversation.id, {
    role: 'assistant',
    content: reaction.text,
    meta: {
      trigger: { rule_id: rule.id, event_id: event.event_id, topic: event.topic, event_type: event.event_type },
      ...(path ? { path } : {}),
      written_by: reaction.by,
      ...(reaction.model_error ? { model_error: reaction.model_error } : {}),
    },
  });
  const body = reaction.text.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
  const { id } = await notifier.notify({
    title: reaction.title,
    body: body.length > 300 ? `${body.slice(0, 299)}…` : body,
    source: `trigger:${rule.id}`,
    conversation_id: conversation.id,
    level: file?.status === 'failed' ? 'warn' : 'info',
  });
  return {
    outcome: 'ok',
    detail: {
      conversation_id: conversation.id,
      notification_id: id,
      written_by: reaction.by,
      ...(reaction.model_error ? { model_error: reaction.model_error } : {}),
      ...(file ? { path: file.path, status: file.status } : {}),
    },
  };
}

/** Fills {{path}}, {{name}}, {{event_type}}, {{topic}} and {{event_id}} in the string values of a rule's arguments. */
export function fillArguments(args: unknown, event: BusEvent): unknown {
  const path = eventPath(event) ?? '';
  const values: Record<string, string> = {
    path,
    name: path.split(/[\\/]/).pop() ?? '',
    event_type: event.event_type,
    topic: event.topic,
    event_id: event.event_id,
  };
  if (typeof args === 'string') return args.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m);
  if (Array.isArray(args)) return args.map((a) => fillArguments(a, event));
  if (args && typeof args === 'object') {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, fillArguments(v, event)]));
  }
  return args;
}

export async function runAction(
  deps: AutonomyDeps,
  rule: TriggerRule,
  event: BusEvent,
  signal: AbortSignal,
): Promise<ActionResult> {
  const action = rule.action;
  switch (action.type) {
    case 'ingest':
      return ingest(deps, event, signal);
    case 'notify':
      return notify(deps, rule, event, action.message, signal);
    case 'goal': {
      // The settings schema requires goal_id for a goal action (and plugin, tool for a plugin_tool one).
      const goalId = action.goal_id ?? '';
      const goals = deps.services.goals;
      if (!goals) {
        throw new TriggerError(
          'service_unavailable',
          `rule ${rule.id} cannot start goal ${goalId}: the goals feature is not running`,
        );
      }
      const path = eventPath(event);
      const { run_id } = await goals.startRun(goalId, {
        kind: 'trigger',
        detail: `rule ${rule.id}: ${event.event_type}${path ? ` ${path}` : ''}`,
      });
      return { outcome: 'ok', detail: { goal_id: goalId, run_id } };
    }
    case 'plugin_tool': {
      const { plugin = '', tool = '' } = action;
      const plugins = deps.services.plugins;
      if (!plugins) {
        throw new TriggerError(
          'service_unavailable',
          `rule ${rule.id} cannot call ${plugin}/${tool}: the plugins feature is not running`,
        );
      }
      const result = await plugins.callTool(plugin, tool, fillArguments(action.arguments ?? {}, event), signal);
      const text = JSON.stringify(result) ?? 'null';
      return {
        outcome: 'ok',
        detail: {
          plugin,
          tool,
          result: text.length > 1000 ? `${text.slice(0, 1000)}… (${text.length} characters)` : result,
        },
      };
    }
  }
}
