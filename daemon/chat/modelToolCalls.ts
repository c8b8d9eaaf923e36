// Streamed tool calls arrive as fragments (id and name first, the JSON arguments in pieces), keyed by index: this
// puts them back together into complete calls, tolerant of servers that repeat an index for a new call or omit it.
import type { ToolCall } from './types.ts';

/** One `delta.tool_calls[]` entry of a streamed chunk, as OpenAI-compatible servers send it. */
export interface ToolCallFragment {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

export class ToolCallAssembler {
  private readonly calls: ToolCall[] = [];
  /** The server's index → our position (a repeated index with a new id starts a new call). */
  private readonly positions = new Map<number, number>();

  add(fragments: readonly ToolCallFragment[]): void {
    fragments.forEach((f, i) => {
      const index = f.index ?? i;
      const known = this.positions.get(index);
      let call = known === undefined ? undefined : this.calls[known];
      if (call === undefined || (f.id && call.id && f.id !== call.id)) {
        call = { id: f.id ?? '', name: '', arguments: '' };
        this.positions.set(index, this.calls.push(call) - 1);
      }
      if (f.id && !call.id) call.id = f.id;
      // The name comes whole (some servers repeat it in every fragment: the first one counts).
      if (f.function?.name && !call.name) call.name = f.function.name;
      if (f.function?.arguments) call.arguments += f.function.arguments;
    });
  }

  /** The complete calls in order; a call the server sent without an id gets one, so its result can refer to it. */
  result(): ToolCall[] {
    return this.calls.map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
  }
}
