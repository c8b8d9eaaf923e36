import * as v from 'valibot';
import type { ApprovalPolicy, Approvals } from './approvals.ts';
import { isToolError } from './tools/define.ts';
import type { ChatTool, ToolCall, ToolContext, TurnEvent } from './types.ts';

/** A tool result longer than this (JSON characters) is cut, with a note, before it goes to the model. */
export const TOOL_RESULT_MAX_CHARS = 20_000;
/** Argument strings longer than this are shortened in the audit trail (a write_file's content, say). */
const AUDIT_STRING_MAX = 1_000;

export type ToolOutcome =
  | 'ok'
  | 'error'
  | 'unknown_tool'
  | 'bad_json'
  | 'invalid_arguments'
  | 'refused'
  | 'denied'
  | 'aborted';

/** One line of the audit trail per tool call the model made, whatever became of it. */
export interface ToolAuditRecord {
  event: 'chat.tool';
  who: string;
  conversation_id: string;
  call_id: string;
  tool: string;
  /** The parsed arguments (long strings shortened), or the raw text when it was not JSON. */
  args: unknown;
  approval: ApprovalPolicy;
  outcome: ToolOutcome;
  /** Set when the user was asked: who settled it. */
  decided_by?: 'user' | 'timeout' | 'abort';
  /** The resolved path the tool reported (its result's or its error's `path`), when there is one. */
  path?: string;
  code?: string;
  /** A refusal's rule (a PathRefusedError's reason), when the tool's error had one. */
  reason?: string;
  message?: string;
  ms: number;
}

export interface ToolCallDeps {
  tools: ReadonlyMap<string, ChatTool>;
  approvals: Approvals;
  toolContext: ToolContext;
  conversationId: string;
  signal: AbortSignal;
  emit: (e: TurnEvent) => void;
  audit: (record: ToolAuditRecord) => void;
}

export interface ToolCallResult {
  ok: boolean;
  outcome: ToolOutcome;
  /** The tool message's content for the model: JSON, at most TOOL_RESULT_MAX_CHARS plus a note. */
  content: string;
}

/** JSON for the model, cut to the cap with a note that says how to get the rest. */
export function capResult(value: unknown, max = TOOL_RESULT_MAX_CHARS): string {
  const json = JSON.stringify(value === undefined ? null : value) ?? 'null';
  if (json.length <= max) return json;
  return (
    `${json.slice(0, max)}\n…[truncated by Titan: the result was ${json.length} characters, only the first ${max} ` +
    'are shown; ask for less — a narrower path, fewer results or a page range]'
  );
}

function clip(value: unknown, depth = 0): unknown {
  if (typeof value === 'string' && value.length > AUDIT_STRING_MAX) {
    return `${value.slice(0, AUDIT_STRING_MAX)}…(${value.length} characters)`;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((x) => clip(x, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, clip(x, depth + 1)]));
}

/** A string field of a result or an error (`path`, `code`, `reason`), when it has one. */
function field(x: unknown, name: string): string | undefined {
  const value = x && typeof x === 'object' ? (x as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.map((i) => `${v.getDotPath(i) ?? '(arguments)'}: ${i.message}`).join('; ');
}

export async function runToolCall(call: ToolCall, d: ToolCallDeps): Promise<ToolCallResult> {
  const started = Date.now();
  const tool = d.tools.get(call.name);
  const approval: ApprovalPolicy = tool ? d.approvals.policyOf(tool) : 'never';
  let args: unknown = call.arguments;
  const extra: Partial<ToolAuditRecord> = {};
  d.emit({ type: 'tool_call', call, approval });

  const finish = (outcome: ToolOutcome, ok: boolean, result: unknown, code?: string, message?: string) => {
    const content = capResult(result);
    d.emit({
      type: 'tool_result',
      call_id: call.id,
      name: call.name,
      ok,
      // Cut results reach the UI as the model saw them.
      result: content.length > TOOL_RESULT_MAX_CHARS ? content : result,
    });
    d.audit({
      event: 'chat.tool',
      who: d.toolContext.who,
      conversation_id: d.conversationId,
      call_id: call.id,
      tool: call.name,
      args: clip(args),
      approval,
      outcome,
      ...extra,
      ...(code ? { code } : {}),
      ...(message ? { message } : {}),
      ms: Date.now() - started,
    });
    return { ok, outcome, content };
  };
  const fail = (outcome: ToolOutcome, code: string, message: string) =>
    finish(outcome, false, { error: { code, message } }, code, message);

  if (!tool) {
    const names = [...d.tools.keys()].join(', ') || 'none';
    return fail('unknown_tool', 'unknown_tool', `there is no tool named "${call.name}"; the tools are: ${names}`);
  }
  try {
    // Some servers send "" for a call without arguments.
    args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return fail('bad_json', 'bad_arguments', `the arguments are not valid JSON (${why}): send one JSON object`);
  }
  if (approval === 'never') {
    const message = `refused by policy: the user set ${tool.name} to "never" in Settings → Chat; do not call it again`;
    return fail('refused', 'refused_by_policy', message);
  }
  const parsed = v.safeParse(tool.schema, args);
  if (!parsed.success) {
    return fail(
      'invalid_arguments',
      'invalid_arguments',
      `invalid arguments for ${tool.name}: ${issuesText(parsed.issues)}`,
    );
  }
  if (approval === 'ask') {
    const asked = d.approvals.request({ conversation_id: d.conversationId, call, signal: d.signal });
    d.emit({ type: 'approval_required', approval_id: asked.approval_id, call });
    const { decision, by } = await asked.outcome;
    d.emit({ type: 'approval_decided', approval_id: asked.approval_id, decision });
    extra.decided_by = by;
    if (by === 'abort') return fail('aborted', 'aborted', 'not run: the user stopped the answer');
    if (decision === 'denied') {
      const message =
        by === 'timeout'
          ? 'the user did not answer the approval request in time, so this call was not run'
          : 'the user denied this call, so it was not run; do not retry it unless the user asks';
      return fail('denied', 'denied', message);
    }
  }
  if (d.signal.aborted) return fail('aborted', 'aborted', 'not run: the user stopped the answer');
  try {
    const result = await tool.run(parsed.output, d.toolContext);
    const path = field(result, 'path');
    if (path) extra.path = path;
    // Tools answer refusals (the guard's, a file that exists) as results the model can read: not a success.
    if (isToolError(result)) {
      const { code, reason, message } = result.error;
      if (reason) extra.reason = reason;
      return finish('error', false, result, code, message);
    }
    return finish('ok', true, result);
  } catch (err) {
    const path = field(err, 'path');
    if (path) extra.path = path;
    const reason = field(err, 'reason');
    if (reason) extra.reason = reason;
    if (d.signal.aborted) return fail('aborted', 'aborted', 'stopped: the user stopped the answer');
    const message = err instanceof Error ? err.message : String(err);
    return fail('error', field(err, 'code') ?? 'tool_failed', message);
  }
}
