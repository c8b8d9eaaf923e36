// Which tools the model is offered: every tool but those the user set to "never" (a refused tool is not worth a round).
import type { ChatTool } from './types.ts';

export function toolSpecsAllowed(
  tools: ChatTool[],
  policyOf: (tool: ChatTool) => 'auto' | 'ask' | 'never',
): ChatTool[] {
  return tools.filter((t) => policyOf(t) !== 'never');
}
