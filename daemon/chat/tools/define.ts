// defineTool: a chat tool from a valibot schema and a typed `run` — the model's arguments are validated before anything
// runs, and the services' typed errors (guard refusals, missing memories, unreadable files) become results it can read.
import * as v from 'valibot';
import type { ChatToolName } from '../../config/schema.ts';
import { FileAccessError } from '../../files/errors/fileAccessError.ts';
import type { ChatTool, ToolContext } from '../types.ts';

/** What a tool returns when it did nothing: the model reads `message`, the audit keeps `code` and `reason`. */
export interface ToolError {
  error: { code: string; reason?: string; message: string };
  /** The resolved path, when the refusal was about one that exists and is allowed (e.g. "exists"). */
  path?: string;
}

export function toolError(code: string, message: string, extra: { reason?: string; path?: string } = {}): ToolError {
  return {
    error: { code, ...(extra.reason ? { reason: extra.reason } : {}), message },
    ...(extra.path ? { path: extra.path } : {}),
  };
}

export function isToolError(result: unknown): result is ToolError {
  if (typeof result !== 'object' || result === null || !('error' in result)) return false;
  const e = (result as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Titan's typed errors use snake_case codes; SQLSTATEs ("42601") and errno codes ("ENOENT") are not ours. */
const OWN_CODE = /^[a-z]+(?:_[a-z]+)*$/;

/**
 * A typed error of the services as a result: FileAccessError keeps its code and reason (which guard rule refused);
 * ExtractError, MemoryError, embedder and graph errors carry a stable snake_case `code` and a message written for a
 * user. Anything else (a database or system error) is not ours to explain: null, and the caller rethrows it.
 */
export function errorResult(err: unknown): ToolError | null {
  if (err instanceof FileAccessError) return toolError(err.code, err.message, { reason: err.reason });
  if (err instanceof Error && err.name !== 'AbortError') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && OWN_CODE.test(code)) return toolError(code, err.message);
  }
  return null;
}

/** Valibot's issues as one line per argument: `k: expected a whole number from 1 to 20 (got 50)`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export interface ToolDefinition<S extends v.GenericSchema> {
  name: ChatToolName;
  description: string;
  schema: S;
  risk: 'read' | 'write';
  run(args: v.InferOutput<S>, ctx: ToolContext): Promise<unknown>;
}

export function defineTool<S extends v.GenericSchema>(def: ToolDefinition<S>): ChatTool {
  return {
    name: def.name,
    description: def.description,
    schema: def.schema,
    risk: def.risk,
    async run(args, ctx) {
      ctx.signal.throwIfAborted();
      const parsed = v.safeParse(def.schema, args);
      if (!parsed.success) {
        return toolError('invalid_arguments', `${def.name} was called with ${describeIssues(parsed.issues)}`);
      }
      try {
        return await def.run(parsed.output, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const result = errorResult(err);
        if (result) return result;
        throw err;
      }
    },
  };
}
