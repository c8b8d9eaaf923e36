// The answer being written, from the daemon's server-sent events: text and tool calls in the order they came, the
// approvals waiting for the user, the live context, and stop. A turn started elsewhere (another tab, a reload) is
// re-attached when the conversation opens.
import { createStore, produce } from 'solid-js/store';
import { api, readEvents, request, type SseEvent } from '../lib/api.ts';
import type { ContextItem, Message, ToolCall } from './types.ts';

export interface ToolStep {
  kind: 'tool';
  call: ToolCall;
  approval: 'auto' | 'ask' | 'never';
  approvalId?: string;
  decision?: 'approved' | 'denied';
  result?: { ok: boolean; result: unknown };
}
export type Step = { kind: 'text'; text: string } | ToolStep;

export interface TurnState {
  active: boolean;
  /** The user's text until the daemon confirms it as a saved message. */
  pendingText: string | null;
  steps: Step[];
  context: ContextItem[] | null;
  error: { code: string; message: string } | null;
  stopping: boolean;
}

const idle = (): TurnState => ({
  active: false,
  pendingText: null,
  steps: [],
  context: null,
  error: null,
  stopping: false,
});

export function createTurn(
  conversationId: string,
  hooks: { onMessage: (m: Message) => void; onDone: () => Promise<void> | void },
) {
  const [state, set] = createStore<TurnState>(idle());
  const base = `/api/chat/conversations/${conversationId}`;
  let reader: AbortController | null = null;

  function handle(e: SseEvent): void {
    const d = e.data as Record<string, unknown>;
    if (e.event === 'message') {
      const m = d.message as Message;
      if (m.role === 'user') set('pendingText', null);
      hooks.onMessage(m);
      return;
    }
    set(
      produce((s) => {
        if (e.event === 'context') s.context = d.items as ContextItem[];
        else if (e.event === 'token') {
          const last = s.steps.at(-1);
          if (last?.kind === 'text') last.text += String(d.text);
          else s.steps.push({ kind: 'text', text: String(d.text) });
        } else if (e.event === 'tool_call') {
          s.steps.push({ kind: 'tool', call: d.call as ToolCall, approval: d.approval as ToolStep['approval'] });
        } else if (e.event === 'approval_required' || e.event === 'approval_decided' || e.event === 'tool_result') {
          const id = e.event === 'tool_result' ? d.call_id : (d.call as ToolCall | undefined)?.id;
          const step = s.steps.find(
            (x): x is ToolStep =>
              x.kind === 'tool' && (x.call.id === id || (!!x.approvalId && x.approvalId === d.approval_id)),
          );
          if (!step) return;
          if (e.event === 'approval_required') step.approvalId = String(d.approval_id);
          else if (e.event === 'approval_decided') step.decision = d.decision as ToolStep['decision'];
          else step.result = { ok: Boolean(d.ok), result: d.result };
        } else if (e.event === 'error') s.error = { code: String(d.code), message: String(d.message) };
      }),
    );
  }

  async function follow(res: Response): Promise<void> {
    try {
      await readEvents(res, handle);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') set('error', { code: 'stream', message: (err as Error).message });
    }
    await hooks.onDone();
    // A turn's own error is in its saved answer now; only a broken stream still needs saying here.
    set({ ...idle(), context: state.context, error: state.error?.code === 'stream' ? state.error : null });
  }

  async function send(text: string, attachments: string[]): Promise<void> {
    if (state.active) return;
    reader = new AbortController();
    set({ ...idle(), active: true, pendingText: text });
    let res: Response;
    try {
      res = await request(`${base}/messages`, {
        method: 'POST',
        json: attachments.length ? { text, attachments } : { text },
        signal: reader.signal,
      });
    } catch (err) {
      set({ ...idle(), error: { code: 'network', message: (err as Error).message } });
      return;
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      set({ ...idle(), error: { code: body.error?.code ?? 'http', message: body.error?.message ?? res.statusText } });
      return;
    }
    await follow(res);
  }

  /** Picks up an answer still being written (after a reload); nothing when there is none. */
  async function reattach(): Promise<void> {
    reader = new AbortController();
    const res = await request(`${base}/stream`, { signal: reader.signal }).catch(() => null);
    // 204: no answer is being written.
    if (!res?.ok || res.status === 204) return;
    set({ ...idle(), active: true });
    await follow(res);
  }

  async function stop(): Promise<void> {
    set('stopping', true);
    await api(`${base}/stop`, { method: 'POST' }).catch(() => {});
  }

  async function decide(approvalId: string, decision: 'approved' | 'denied'): Promise<void> {
    await api(`/api/chat/approvals/${approvalId}`, { method: 'POST', json: { decision } }).catch((err: Error) =>
      set('error', { code: 'approval', message: err.message }),
    );
  }

  /** Stops reading (leaving the conversation); the daemon goes on with the answer. */
  const detach = () => reader?.abort();

  return { state, send, reattach, stop, decide, detach };
}

export type Turn = ReturnType<typeof createTurn>;
