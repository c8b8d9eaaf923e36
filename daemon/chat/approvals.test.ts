// Approvals: the policy comes from settings (read live) or the tool's risk; each request is settled exactly once —
// by the user, by its timeout (denied) or by its turn's abort (denied) — and unknown or repeated answers are refused.
import { describe, expect, it } from 'vitest';
import { type ApprovalPolicy, Approvals } from './approvals.ts';
import type { ToolCall } from './types.ts';

const call = (id: string): ToolCall => ({ id, name: 'write_file', arguments: '{"path":"Desktop/a.md"}' });

describe('Approvals', () => {
  it('takes the policy from settings, read on every question, else auto for read-only and ask for writing tools', () => {
    const tools: Partial<Record<string, ApprovalPolicy>> = { read_file: 'never' };
    const approvals = new Approvals({ policies: () => tools });
    expect(approvals.policyOf({ name: 'read_file', risk: 'read' })).toBe('never');
    expect(approvals.policyOf({ name: 'list_files', risk: 'read' })).toBe('auto');
    expect(approvals.policyOf({ name: 'write_file', risk: 'write' })).toBe('ask');
    expect(approvals.policyOf('memory_forget')).toBe('ask');
    tools.write_file = 'auto';
    expect(approvals.policyOf('write_file')).toBe('auto');
  });

  it('settles a request with the user’s decision once; a second answer or an unknown id is refused', async () => {
    const approvals = new Approvals();
    const asked = approvals.request({ conversation_id: 'c1', call: call('k1') });
    expect(approvals.pending()).toMatchObject([{ approval_id: asked.approval_id, conversation_id: 'c1' }]);
    expect(approvals.decide(asked.approval_id, 'approved')).toBe(true);
    expect(await asked.decision).toBe('approved');
    expect(await asked.outcome).toEqual({ decision: 'approved', by: 'user' });
    expect(approvals.decide(asked.approval_id, 'denied')).toBe(false);
    expect(approvals.decide('no-such-id', 'approved')).toBe(false);
    expect(approvals.pending()).toEqual([]);
  });

  it('lists pending calls oldest first, per conversation when asked, with when they expire', () => {
    const approvals = new Approvals({ timeoutMs: 60_000 });
    const a = approvals.request({ conversation_id: 'c1', call: call('k1') });
    const b = approvals.request({ conversation_id: 'c2', call: call('k2') });
    const c = approvals.request({ conversation_id: 'c1', call: call('k3') });
    expect(approvals.pending().map((p) => p.approval_id)).toEqual([a.approval_id, b.approval_id, c.approval_id]);
    const mine = approvals.pending('c1');
    expect(mine.map((p) => p.call.id)).toEqual(['k1', 'k3']);
    const first = mine[0];
    expect(Date.parse(first?.expires_at ?? '') - Date.parse(first?.created_at ?? '')).toBe(60_000);
    expect(first).not.toHaveProperty('settle');
    for (const p of approvals.pending()) approvals.decide(p.approval_id, 'denied');
  });

  it('denies a request nobody answers once its timeout passes', async () => {
    const approvals = new Approvals({ timeoutMs: 20 });
    const asked = approvals.request({ conversation_id: 'c1', call: call('k1') });
    expect(await asked.outcome).toEqual({ decision: 'denied', by: 'timeout' });
    expect(approvals.pending()).toEqual([]);
    expect(approvals.decide(asked.approval_id, 'approved')).toBe(false);
  });

  it('denies the pending requests of a turn when its signal aborts, and at once when it already had', async () => {
    const approvals = new Approvals();
    const turn = new AbortController();
    const asked = approvals.request({ conversation_id: 'c1', call: call('k1'), signal: turn.signal });
    const other = approvals.request({ conversation_id: 'c2', call: call('k2') });
    turn.abort();
    expect(await asked.outcome).toEqual({ decision: 'denied', by: 'abort' });
    expect(approvals.pending().map((p) => p.approval_id)).toEqual([other.approval_id]);
    const late = approvals.request({ conversation_id: 'c1', call: call('k3'), signal: turn.signal });
    expect(await late.decision).toBe('denied');
    expect(approvals.pending('c1')).toEqual([]);
    approvals.decide(other.approval_id, 'approved');
    expect(await other.decision).toBe('approved');
  });
});
