// The unattended allow-list: read-only tools and memory_save run, other tools only when granted, "never" always wins,
// and a call to a tool not allowed is answered with a refusal without the tool running.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../../chat/approvals.ts';
import type { ChatTool } from '../../chat/types.ts';
import { allowedUnattended, unattendedTools } from './access.ts';

const ran: string[] = [];
const tool = (name: string, risk: 'read' | 'write'): ChatTool => ({
  name,
  description: name,
  risk,
  schema: v.object({}),
  run: async () => {
    ran.push(name);
    return { ok: name };
  },
});
const TOOLS = [
  tool('read_file', 'read'),
  tool('write_file', 'write'),
  tool('memory_save', 'write'),
  tool('memory_forget', 'write'),
];
const ctx = undefined as never;

describe('unattended tools', () => {
  it('allows read-only tools and memory_save, and writes only when granted', () => {
    expect(TOOLS.filter((t) => allowedUnattended(t, [])).map((t) => t.name)).toEqual(['read_file', 'memory_save']);
    expect(TOOLS.filter((t) => allowedUnattended(t, ['write_file'])).map((t) => t.name)).toEqual([
      'read_file',
      'write_file',
      'memory_save',
    ]);
  });

  it('offers allowed tools, refuses the others by a result, and never asks', async () => {
    const u = unattendedTools(
      TOOLS,
      [],
      () => 'ask',
      (t) => `no ${t.name} here`,
    );
    expect(u.offered.map((t) => t.name)).toEqual(['read_file', 'memory_save']);
    expect([...u.callable.keys()]).toEqual(TOOLS.map((t) => t.name));
    ran.length = 0;
    expect(await u.callable.get('write_file')?.run({}, ctx)).toEqual({
      error: { code: 'not_allowed', message: 'no write_file here' },
    });
    expect(ran).toEqual([]);
    await u.callable.get('read_file')?.run({}, ctx);
    expect(ran).toEqual(['read_file']);
    // Chat's "ask" means nothing here: nobody is there to answer.
    for (const t of TOOLS) expect(u.approvals.policyOf(t)).toBe('auto');
  });

  it('lets "never" win over a grant, read at each call', () => {
    const policies: Record<string, ApprovalPolicy> = {};
    const u = unattendedTools(
      TOOLS,
      ['write_file'],
      (t) => policies[t.name] ?? 'auto',
      () => 'no',
    );
    expect(u.approvals.policyOf(TOOLS[1] as ChatTool)).toBe('auto');
    policies.write_file = 'never';
    expect(u.approvals.policyOf(TOOLS[1] as ChatTool)).toBe('never');
    policies.read_file = 'never';
    const again = unattendedTools(
      TOOLS,
      ['write_file'],
      (t) => policies[t.name] ?? 'auto',
      () => 'no',
    );
    expect(again.offered.map((t) => t.name)).toEqual(['memory_save']);
  });
});
