// Tool-call approvals: the per-tool policy (auto, ask, never) from settings, and the calls waiting for the user to
// approve or deny — each settled once, by the user, by its timeout (denied) or by its turn's abort (denied).
import { ulid } from '../../bus/ulid.ts';
import type { ApprovalDecision, ChatTool, ToolCall } from './types.ts';

export type ApprovalPolicy = 'auto' | 'ask' | 'never';

export interface ApprovalsOptions {
  /** The per-tool policies (settings `chat.tools`), read on every question so edits apply at once. Default: none set. */
  policies?: () => Partial<Record<string, ApprovalPolicy>>;
  /** How long a call waits for the user before it counts as denied. Default 600 000 ms (10 min). */
  timeoutMs?: number;
}

/** Who settled a request: the user, its timeout, or its turn being stopped. */
export type ApprovalSettledBy = 'user' | 'timeout' | 'abort';

export interface ApprovalOutcome {
  decision: ApprovalDecision;
  by: ApprovalSettledBy;
}

export interface PendingApproval {
  approval_id: string;
  conversation_id: string;
  call: ToolCall;
  created_at: string;
  expires_at: string;
}

export interface ApprovalRequest {
  approval_id: string;
  /** Resolves once: approved, or denied (by the user, the timeout or the abort). Never rejects. */
  decision: Promise<ApprovalDecision>;
  /** The same, with who settled it. */
  outcome: Promise<ApprovalOutcome>;
}

interface Entry extends PendingApproval {
  settle(outcome: ApprovalOutcome): void;
}

export class Approvals {
  private readonly policies: () => Partial<Record<string, ApprovalPolicy>>;
  private readonly timeoutMs: number;
  private readonly waiting = new Map<string, Entry>();

  constructor(options: ApprovalsOptions = {}) {
    this.policies = options.policies ?? (() => ({}));
    this.timeoutMs = options.timeoutMs ?? 600_000;
  }

  /**
   * The policy for a tool: the one set in settings, else by risk — auto for read-only tools, ask for tools that
   * write or delete. Given only a name that settings do not know, ask (the safe side).
   */
  policyOf(tool: string | Pick<ChatTool, 'name' | 'risk'>): ApprovalPolicy {
    const name = typeof tool === 'string' ? tool : tool.name;
    const set = this.policies()[name];
    if (set) return set;
    return typeof tool !== 'string' && tool.risk === 'read' ? 'auto' : 'ask';
  }

  /** Puts a call before the user. The signal (the turn's) denies it when it aborts. */
  request(input: { conversation_id: string; call: ToolCall; signal?: AbortSignal }): ApprovalRequest {
    const approval_id = ulid();
    const now = Date.now();
    let resolve: (o: ApprovalOutcome) => void = () => {};
    const outcome = new Promise<ApprovalOutcome>((r) => {
      resolve = r;
    });
    const { signal } = input;
    const onAbort = () => entry.settle({ decision: 'denied', by: 'abort' });
    const timer = setTimeout(() => entry.settle({ decision: 'denied', by: 'timeout' }), this.timeoutMs);
    timer.unref?.();
    const entry: Entry = {
      approval_id,
      conversation_id: input.conversation_id,
      call: input.call,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.timeoutMs).toISOString(),
      settle: (o) => {
        if (!this.waiting.delete(approval_id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(o);
      },
    };
    this.waiting.set(approval_id, entry);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return { approval_id, outcome, decision: outcome.then((o) => o.decision) };
  }

  /** The user's answer. False when no call waits under that id (unknown, already decided, or its turn ended). */
  decide(approvalId: string, decision: ApprovalDecision): boolean {
    const entry = this.waiting.get(approvalId);
    if (!entry) return false;
    entry.settle({ decision, by: 'user' });
    return true;
  }

  /** The calls waiting now, oldest first; only one conversation's when given. */
  pending(conversationId?: string): PendingApproval[] {
    return [...this.waiting.values()]
      .filter((e) => conversationId === undefined || e.conversation_id === conversationId)
      .map(({ settle: _settle, ...p }) => p);
  }
}
