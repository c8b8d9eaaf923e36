// What an unattended run (a goal nobody watches) may use: read-only tools and memory_save, plus the tools the user
// granted it; a "never" in Settings → Chat always wins. Nobody is there to approve, so nothing ever asks: a call to a
// tool that is not allowed gets a refusal the model can read, and the tool does not run.
import { type ApprovalPolicy, Approvals } from '../../chat/approvals.ts';
import { toolError } from '../../chat/tools/index.ts';
import type { ChatTool } from '../../chat/types.ts';

/** Allowed without a grant, though it writes: memory is where an unattended run keeps what it found. */
export const UNATTENDED_WRITES: readonly string[] = ['memory_save'];

export function allowedUnattended(tool: Pick<ChatTool, 'name' | 'risk'>, granted: readonly string[]): boolean {
  return tool.risk === 'read' || UNATTENDED_WRITES.includes(tool.name) || granted.includes(tool.name);
}

export interface UnattendedTools {
  /** The tools shown to the model: allowed and not "never". */
  offered: ChatTool[];
  /** Every tool by name, those not allowed replaced by a refusal, so a call to one is answered, not run. */
  callable: Map<string, ChatTool>;
  /** Policies for runToolCall: "never" as set, everything else "auto" (allowed tools run; the rest refuse). */
  approvals: Approvals;
}

/**
 * `policyOf` is the chat's (Settings → Chat), read at each call so a tool set to "never" mid-run is refused from then on;
 * `refusal` is the message a call to a tool not granted gets, saying how to grant it.
 */
export function unattendedTools(
  all: readonly ChatTool[],
  granted: readonly string[],
  policyOf: (tool: ChatTool) => ApprovalPolicy,
  refusal: (tool: ChatTool) => string,
): UnattendedTools {
  const allowed = all.filter((t) => allowedUnattended(t, granted));
  const callable = new Map(
    all.map((t) => [
      t.name as string,
      allowed.includes(t) ? t : { ...t, run: async () => toolError('not_allowed', refusal(t)) },
    ]),
  );
  const approvals = new Approvals({
    policies: () =>
      Object.fromEntries(
        all.map((t): [string, ApprovalPolicy] => [t.name, policyOf(t) === 'never' ? 'never' : 'auto']),
      ),
  });
  return { offered: allowed.filter((t) => policyOf(t) !== 'never'), callable, approvals };
}
