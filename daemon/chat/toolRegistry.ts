// ToolRegistry: the tools the assistant can call — the built-in ones plus those contributed at run time by plugins and
// MCP servers, each set replaced or withdrawn as a whole by its source. Chat, goals and MCP read it per use.
import type { ChatTool } from './types.ts';

/** OpenAI function names: letters, digits, `_` and `-`, at most 64. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export class ToolNameError extends Error {
  readonly code = 'tool_name_taken';
}

export class ToolRegistry {
  private readonly builtIn: ChatTool[];
  private readonly bySource = new Map<string, ChatTool[]>();
  private readonly listeners = new Set<() => void>();

  constructor(builtIn: ChatTool[]) {
    this.builtIn = builtIn;
  }

  /**
   * Sets the tools of one source (`plugin:<name>`, `mcp:<server>`), replacing what it had. A name that is not a valid
   * function name, or that another source (or a built-in tool) already uses, is refused with the owner named.
   */
  set(source: string, tools: ChatTool[]): void {
    const seen = new Set<string>();
    for (const tool of tools) {
      if (!TOOL_NAME.test(tool.name)) {
        throw new ToolNameError(
          `${source}: tool name "${tool.name}" is not usable: use 1–64 letters, digits, "_" or "-"`,
        );
      }
      if (seen.has(tool.name)) throw new ToolNameError(`${source}: tool "${tool.name}" is declared twice`);
      seen.add(tool.name);
      const owner = this.ownerOf(tool.name);
      if (owner && owner !== source) {
        throw new ToolNameError(`${source}: tool "${tool.name}" is already provided by ${owner}: rename it`);
      }
    }
    this.bySource.set(source, tools);
    this.changed();
  }

  /** Withdraws a source's tools (a plugin disabled, an MCP server gone). */
  delete(source: string): void {
    if (this.bySource.delete(source)) this.changed();
  }

  /** Every tool, built-in first, then by source in the order they were added. */
  list(): ChatTool[] {
    return [...this.builtIn, ...[...this.bySource.values()].flat()];
  }

  get(name: string): ChatTool | undefined {
    return this.list().find((t) => t.name === name);
  }

  /** "built-in", the source that added the tool, or null. */
  ownerOf(name: string): string | null {
    if (this.builtIn.some((t) => t.name === name)) return 'built-in';
    for (const [source, tools] of this.bySource) if (tools.some((t) => t.name === name)) return source;
    return null;
  }

  /** Called after every change (the MCP server tells its clients the tool list changed). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
