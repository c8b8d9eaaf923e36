// The chat tools: the list the agent loop offers and their JSON schemas for OpenAI function calling. A tool returns
// `{error: {code, reason?, message}}` (see isToolError) when it did nothing: a refusal, a missing file, bad arguments.
import { toJsonSchema } from '@valibot/to-json-schema';
import type { ChatTool, ToolSpecForModel } from '../types.ts';
import { graphQuery } from './graphQuery.ts';
import { ingestFile } from './ingestFile.ts';
import { listFiles } from './listFiles.ts';
import { memoryForget } from './memoryForget.ts';
import { memorySave } from './memorySave.ts';
import { memorySearch } from './memorySearch.ts';
import { readFile } from './readFile.ts';
import { searchFiles } from './searchFiles.ts';
import { writeFile } from './writeFile.ts';

export { defineTool, errorResult, isToolError, type ToolError, toolError } from './define.ts';

/** Every tool, in the order the model is shown them. */
export function chatTools(): ChatTool[] {
  return [listFiles, readFile, writeFile, searchFiles, ingestFile, memorySearch, memorySave, memoryForget, graphQuery];
}

/** A tool's arguments as JSON schema: `type: 'object'`, `additionalProperties: false`, no `$schema`. */
export function parametersOf(tool: ChatTool): Record<string, unknown> {
  if (tool.parameters) return tool.parameters;
  // Transforms (trim) and cross-field checks have no JSON-schema form; they still run when the arguments are parsed.
  const { $schema: _, ...schema } = toJsonSchema(tool.schema, { errorMode: 'ignore' }) as Record<string, unknown>;
  if (schema.type !== 'object') throw new Error(`the arguments of ${tool.name} must be an object schema`);
  return { ...schema, additionalProperties: false };
}

export function toolSpecs(tools: readonly ChatTool[]): ToolSpecForModel[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: parametersOf(tool) },
  }));
}
